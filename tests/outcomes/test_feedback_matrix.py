"""The anonymous feedback's pages, persona by persona, through the matrix driver (``tests/matrix.py``).

Kari (the owner) and Ola (the other owner) have cases in Oppfølgingstjenesten Øst; five answers have come in
there this half-year, one with a free text not yet checked for names («Teksten som venter på sjekk»).

* ``my``: «Hva synes du om oppfølgingen?» on Min side, for a service user only.
* ``link``: Kari's signed link from the SMS: open to whoever holds it, logged in or not.
* ``paper``: typing in a paper form, for the staff of a follow-up unit (their own unit; a leader's
  municipality's).
* ``results``: the results for Oppfølgingstjenesten Øst (``?enhet=``): its municipality's leaders only;
  Bergen's leader is outside (404), as everyone else is.
* ``check``: the next text to check for names: Trondheim's leader sees the waiting text, Bergen's leader the
  page without it.
* ``send``: «Send lenke på SMS» for Oppfølgingstjenesten Øst: its municipality's leaders only.

None of them writes to anyone's access log (``logs_read=False``): answering is not a read of anyone's data.
Writing an answer has no history on purpose, so the answers themselves are tested in ``test_feedback.py``, not
here (the driver takes a saved write without a history row for a bug).
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from koordinator.models import Notification
from outcomes import feedback
from outcomes.models import FeedbackAnswer
from tests.conftest import World
from tests.matrix import Action, Scene, Table, check_table, tables

pytestmark = pytest.mark.django_db

WAITING = "Teksten som venter på sjekk"


@pytest.fixture
def scene(world: World) -> Scene:
    half_year = feedback.current_half_year()
    month = timezone.localdate().replace(day=1)
    for i in range(5):
        FeedbackAnswer.objects.create(
            unit=world.unit,
            half_year=half_year,
            month=month,
            channel=FeedbackAnswer.Channel.PAPER,
            q1=1 + i,
            free_text=WAITING if i == 0 else "",
            text_status=FeedbackAnswer.TextStatus.UNCHECKED if i == 0 else FeedbackAnswer.TextStatus.NONE,
        )
    return Scene(world)


def _link(s: Scene) -> list:
    return [feedback.link_token(s.world.owner_su.pk, feedback.current_half_year(), s.world.unit.pk)]


def _unit(s: Scene) -> dict:
    return {"enhet": s.world.unit.pk}


def _confirmed(s: Scene) -> dict:
    return {"enhet": s.world.unit.pk, "bekreft": "ja"}


FEEDBACK = Table(
    "feedback",
    """
    persona              my     link  paper  results  check  send
    trust_person         404    200   200    404      404    404
    other_trust_person   404    200   200    404      404    404
    deputy               404    200   200    404      404    404
    leader               404    200   200    200      yes    302
    other_leader         404    200   200    404      no     404
    partner_valid        404    200   404    404      404    404
    partner_org_member   404    200   404    404      404    404
    partner_none         404    200   404    404      404    404
    partner_expired      404    200   404    404      404    404
    partner_withdrawn    404    200   404    404      404    404
    partner_wrong_scope  404    200   404    404      404    404
    owner                200    200   404    404      404    404
    other_owner          200    200   404    404      404    404
    admin                404    200   404    404      404    404
    anonymous            login  200   login  login    login  login
""",
    {
        "my": Action("my_feedback", logs_read=False),
        "link": Action("feedback_link", args=_link, logs_read=False),
        "paper": Action("feedback_paper", logs_read=False),
        "results": Action("feedback_results", query=_unit, logs_read=False),
        "check": Action("feedback_check", marker=WAITING, logs_read=False),
        "send": Action(
            "feedback_send_links",
            "post",
            data=_confirmed,
            grows=(Notification,),
            done=lambda s: Notification.objects.filter(channel=Notification.Channel.SMS).count() == 2,
        ),
    },
)


@pytest.mark.parametrize("table", tables(FEEDBACK))
def test_feedback_matrix(scene, table):
    check_table(scene, table)
