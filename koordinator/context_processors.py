"""Template context shared by every page: the navigation for the user's roles."""

from __future__ import annotations


def navigation(request):
    return {}
