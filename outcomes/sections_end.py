"""The end-of-follow-up evaluation on the core's pages (``koordinator.sections``): «Sluttevaluering» on Min side for
the owner of an ended case, and on the case page the link «Sluttevaluering» for those the page opens for and, after
ending, «Ta en siste livskvalitetsrunde» (the rounds' page for the end round).

Its place in the ending form itself is an ending part (``koordinator.ending``), registered in
``outcomes.end_evaluation``, which this module imports so that the part is registered when the app is ready.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from koordinator import access, continuity
from koordinator.models import FollowUp
from koordinator.sections import CASE_LINKS, MY_PAGE, Link, Section, register_page_link, register_page_section
from outcomes import end_evaluation
from outcomes.models import EndEvaluation


@register_page_section(MY_PAGE, order=50)
def my_end_evaluation(request) -> Section | None:
    """«Sluttevaluering» on Min side: the evaluation of the owner's latest ended case, in plain words, while they have
    no open case (the case Min side shows is then the ended one: in its open-door period and after). Nothing while a
    case is open, nor when the ended case has no evaluation. Two queries; the owner's own read is not logged."""
    service_user_id = access.actor_for(request.user).service_user_id
    if service_user_id is None:
        return None
    # The owner's cases as Min side has read them (once per request).
    if any(case.status != FollowUp.Status.ENDED for case in continuity.owner_cases(request.user)):
        return None
    evaluation = (
        EndEvaluation.objects.for_user(request.user)
        .filter(follow_up__service_user_id=service_user_id, follow_up__status=FollowUp.Status.ENDED)
        .select_related("follow_up__unit", "written_by")
        .order_by("-follow_up__ended_on", "-follow_up_id")
        .first()
    )
    if evaluation is None:
        return None
    return Section(
        "outcomes/end/my_page_section.html", {"evaluation": evaluation, "case": evaluation.follow_up}
    )


@register_page_link(CASE_LINKS, order=60)
def end_evaluation_link(request, case) -> Link | None:
    """«Sluttevaluering» when the page opens for the reader (``end_evaluation.page_opens``, the page's own question):
    the case's staff and the owner once it is written, and the staff of an ended case that has none yet (to write
    it). Never a partner. One or two queries."""
    evaluation = end_evaluation.evaluation_for(request.user, case)
    if not end_evaluation.page_opens(request.user, case, evaluation):
        return None
    text = _("Sluttevaluering") if evaluation is not None else _("Sluttevaluering (ikke skrevet ennå)")
    return Link(text, reverse("end_evaluation", args=[case.pk]))


@register_page_link(CASE_LINKS, order=65)
def end_round_link(request, case) -> Link | None:
    """«Ta en siste livskvalitetsrunde» on the case page after ending (the ending page leads back there), for the
    staff of the ended case while it lacks its round «Ved avslutning» (``end_evaluation.offers_end_round``). The
    rounds' «Ny runde» page takes it as the end round. Two queries at most."""
    if not end_evaluation.offers_end_round(request.user, case):
        return None
    return Link(_("Ta en siste livskvalitetsrunde"), reverse("qol_round_create", args=[case.pk]))
