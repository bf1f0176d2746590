"""The quality-of-life rounds on the core's pages (``koordinator.sections``): «Hvordan har du det nå?» on Min side
when a round is due for the user's open case (or the trust person has started one and the user's part is empty),
and «Livskvalitet» on the case page for those who may see the case's rounds."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from koordinator import access
from koordinator.sections import CASE_LINKS, MY_PAGE, Link, Section, register_page_link, register_page_section
from outcomes import rounds


@register_page_section(MY_PAGE, order=40)
def my_round_prompt(request) -> Section | None:
    """«Hvordan har du det nå? Svar på 14 korte spørsmål», only when answers are asked for. Two queries (none for
    someone who is not a service user)."""
    if access.actor_for(request.user).service_user_id is None:
        return None
    state = rounds.my_round(request.user)
    if not state.asked:
        return None
    return Section("outcomes/rounds/partials/my_round_section.html", {"state": state})


@register_page_link(CASE_LINKS, order=35)
def rounds_link(request, case) -> Link | None:
    """«Livskvalitet» for the case's staff and the owner (the rounds' gate; the page asks the same). One query."""
    if not rounds.reaches_rounds(request.user, case):
        return None
    return Link(_("Livskvalitet"), reverse("qol_rounds", args=[case.pk]))
