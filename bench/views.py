"""The benchmark's floor: the cheapest page a signed-in user can get (``bench/urls.py``, never in production).

It renders the base template every page extends, with an empty body: the header with the menu for the user's
roles and the bell's unread count, the messages and the footer. What a real page costs above this is the page's
own work; the benchmark reports every page as a ratio to it, measured for the same user in the same run.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
@login_required
def floor(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html", {})
