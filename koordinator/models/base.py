"""Shared model plumbing: the gated queryset every personal-data model uses."""

from __future__ import annotations

from django.db import models


class GatedQuerySet(models.QuerySet):
    """A queryset that can only be narrowed to what a user may see, through ``koordinator.access``.

    ``Model.objects.for_user(user)`` is the one way a request asks for personal data
    (DESIGN.md rule 1). ``action`` is ``"view"`` (default) or ``"change"``.
    """

    gate_name: str = ""

    def for_user(self, user, action: str = "view"):
        from koordinator import access

        return access.restrict(self, self.gate_name, user, action)
