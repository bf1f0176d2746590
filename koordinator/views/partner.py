"""The partner's home: the service users who have consented to this partner, and to what."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from koordinator import access
from koordinator.models import AccessEvent, Consent, Organisation
from koordinator.sections import PARTNER_HOME, PARTNER_HOME_TOP, render_sections


@require_safe
@login_required
def home(request):
    """Consents in force today to this person or to one of their services, grouped by service user.

    Read on every request, so a withdrawn or expired consent disappears from the list at once. Four
    queries whatever the number of users: the roles, the consents with their owners, the access log, and whether
    the reader works at an emergency service (the apps' sections add theirs).
    """
    actor = access.actor_for(request.user)
    if not actor.is_partner:
        raise Http404
    to_me = Q(grantee_user_id=request.user.pk) | Q(grantee_organisation_id__in=actor.partner_organisation_ids)
    consents = (
        Consent.objects.for_user(request.user)
        .valid_on()
        .filter(to_me, owner__archived_at__isnull=True)
        .select_related("owner", "grantee_user", "grantee_organisation")
        .order_by("owner__last_name", "owner__first_name", "owner_id", "valid_until", "pk")
    )
    rows: list[dict] = []
    for consent in consents:
        if not rows or rows[-1]["service_user"].pk != consent.owner_id:
            rows.append({"service_user": consent.owner, "consents": []})
        rows[-1]["consents"].append(consent)
    # The names on this list are personal data seen by someone other than the owner.
    access.record_access(
        request.user,
        [row["service_user"] for row in rows],
        gettext_lazy("Navnet ditt og samtykket i listen «Mine brukere»"),
        AccessEvent.Channel.WEB,
        listing=True,
    )
    # Someone at an emergency service (legevakt) comes here to open a crisis plan in an emergency: that action and
    # their open emergency accesses come first, and what is empty for them is one short line (issue 12).
    emergency = Organisation.objects.filter(
        pk__in=actor.partner_organisation_ids, kind=Organisation.Kind.EMERGENCY, is_active=True
    ).exists()
    context = {
        "rows": rows,
        "emergency": emergency,
        # The apps' parts (the emergency-access link, the responsibility groups), through the registry.
        "top_sections": render_sections(request, PARTNER_HOME_TOP),
        "sections": render_sections(request, PARTNER_HOME),
    }
    return render(request, "koordinator/partner/home.html", context)
