"""The front page sends each user to their own home, by role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from koordinator import access


@require_safe
@login_required
def home(request):
    """Someone with several roles lands where their daily work is: trust person first, then leader,
    partner, service user and administrator. A user with no role yet gets a page that says so."""
    actor = access.actor_for(request.user)
    if actor.trust_person_unit_ids:
        return redirect("worklist")
    if actor.leader_municipality_ids:
        return redirect("leader_overview")
    if actor.is_partner:
        return redirect("partner_home")
    if actor.service_user_id is not None:
        return redirect("my_page")
    if actor.is_admin:
        return redirect("admin:index")
    return render(request, "registration/no_access.html")
