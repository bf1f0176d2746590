"""The anonymous feedback's parts of the core's pages (``koordinator.sections``; imported by outcomes.apps).

* Min side (``MY_PAGE``): «Hva synes du om oppfølgingen?», once per half-year for a user with an open case,
  gone when the receipt says that someone with their token has answered (computed from the user, nothing
  stored).
* The leader's overview (``LEADER_LINKS``): «Anonyme tilbakemeldinger».
* *Min arbeidsliste*: where a trust person types in a paper form.
* In the app, the SMS's link reads «Svar på spørsmålene» instead of the whole address.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access, continuity
from koordinator.models import FollowUp
from koordinator.outbox.links import register_link_text
from koordinator.sections import (
    LEADER_LINKS,
    MY_PAGE,
    Link,
    Section,
    register_page_link,
    register_page_section,
)
from koordinator.selectors import WorklistItem, WorklistSection, register_worklist_section
from outcomes import feedback

register_link_text("feedback_link", gettext_lazy("Svar på spørsmålene"))
# No log line of Django's prints a link's token (it names the person).
feedback.hide_links_in_request_logs()


@register_page_section(MY_PAGE, order=50)
def feedback_invitation(request) -> Section | None:
    """The invitation, while the user has an open case and has not answered this half-year. Two queries."""
    service_user_id = access.actor_for(request.user).service_user_id
    if service_user_id is None:
        return None
    # The owner's cases as Min side has read them (once per request; the gate shows the owner all their own).
    if not any(case.status != FollowUp.Status.ENDED for case in continuity.owner_cases(request.user)):
        return None
    if feedback.has_answered(service_user_id):
        return None
    return Section("outcomes/feedback/invitation_section.html")


@register_page_link(LEADER_LINKS, order=40)
def feedback_results_link(request) -> Link | None:
    if not access.actor_for(request.user).leader_municipality_ids:
        return None
    return Link(_("Anonyme tilbakemeldinger"), reverse("feedback_results"))


@register_worklist_section
def paper_feedback(user, day) -> WorklistSection | None:
    """For a trust person: the page for typing in paper forms. No query beyond the roles."""
    if not access.actor_for(user).trust_person_unit_ids:
        return None
    return WorklistSection(
        key="tilbakemelding",
        title=_("Tilbakemelding på papir"),
        items=[
            WorklistItem(_("Har du fått et utfylt skjema? Legg inn svarene her"), reverse("feedback_paper"))
        ],
    )
