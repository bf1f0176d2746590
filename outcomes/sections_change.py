"""«Slik har det gått» on the core's pages (``koordinator.sections``): a section on Min side for a user who has
answered a round, and a link on the case page for those who may see the case's rounds."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from koordinator import access
from koordinator.sections import CASE_LINKS, MY_PAGE, Link, Section, register_page_link, register_page_section
from outcomes.instrument import SUBJECTIVE
from outcomes.models import QualityOfLifeRound

# A round in which the user answered at least one of S1–S14 (``outcomes.change.has_subjective`` in SQL).
ANSWERED_BY_USER = reduce(or_, (Q(**{f"{item.field}__isnull": False}) for item in SUBJECTIVE))


@register_page_section(MY_PAGE, order=50)
def my_change_section(request) -> Section | None:
    """«Slik har det gått» on Min side, once the user has answered a round. One query (none for someone who is not
    a service user)."""
    actor = access.actor_for(request.user)
    if actor.service_user_id is None:
        return None
    answered = (
        QualityOfLifeRound.objects.for_user(request.user)
        .filter(ANSWERED_BY_USER, follow_up__service_user_id=actor.service_user_id)
        .exists()
    )
    if not answered:
        return None
    return Section("outcomes/change/my_page_section.html")


@register_page_link(CASE_LINKS, order=40)
def change_link(request, case) -> Link | None:
    """«Slik har det gått» on the case page, when the case has a round the reader may see (the page's own gate:
    the case's staff and the owner, never a partner). One query."""
    if not QualityOfLifeRound.objects.for_user(request.user).filter(follow_up_id=case.pk).exists():
        return None
    return Link(_("Slik har det gått"), reverse("qol_change", args=[case.pk]))
