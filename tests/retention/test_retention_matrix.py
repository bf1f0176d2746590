"""«Oppbevaring og sletting» and its legal holds, persona by persona, through the matrix driver (``tests/matrix.py``).

The world's case (Kari's) ended ten years ago less five days: its data passes its period within the month, so the
page of Trondheim's leader lists it. Bergen's leader gets her own municipality's page, without it (and Trondheim's
page is a 404 for her), and cannot place or lift a hold on Trondheim's case. Everyone who is not a leader gets a 404,
the administrator too (the administrator's holds go through the admin site's service, not these pages); in the API
(``retention/expiring/``) they get 403, as the API's other leader-only reads. Placing and
lifting write the hold with its history; a refused write changes nothing. Opening a hold names its person and goes
to their access log."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from koordinator.models import FollowUp
from retention import services
from retention.models import LegalHold
from tests.conftest import World
from tests.matrix import Action, Scene, Table, check_table, tables

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world: World) -> Scene:
    today = timezone.localdate()
    ended = datetime.date(today.year - 10, today.month, min(today.day, 28)) + datetime.timedelta(days=5)
    FollowUp.objects.filter(pk=world.case.pk).update(status=FollowUp.Status.ENDED, ended_on=ended,
                                                     ending_reason=FollowUp.EndingReason.MOVED)
    return Scene(world)


def _hold(scene: Scene) -> LegalHold:
    return scene.once("hold", lambda s: services.place_hold(s.world.leader, follow_up=s.world.case,
                                                            reason="Klagesak hos Statsforvalteren"))


def _place(scene: Scene) -> dict:
    return {"case": str(scene.world.case.pk), "target": "sak", "reason": "Tilsynssak"}


def _bergen(scene: Scene) -> dict:
    return {"kommune": scene.world.other_municipality.pk}


def _lifted(scene: Scene) -> bool:
    return LegalHold.objects.get(pk=_hold(scene).pk).lifted_at is not None


PAGES = Table(
    "retention_pages",
    """
    persona              page   bergen  new    place  lift_page  lift   api   api_bergen
    trust_person         404    404     404    404    404        404    403   403
    other_trust_person   404    404     404    404    404        404    403   403
    deputy               404    404     404    404    404        404    403   403
    leader               yes    404     200    302    200        302    yes   404
    other_leader         no     200     200    200    404        404    no    200
    partner_valid        404    404     404    404    404        404    403   403
    partner_org_member   404    404     404    404    404        404    403   403
    partner_none         404    404     404    404    404        404    403   403
    partner_expired      404    404     404    404    404        404    403   403
    partner_withdrawn    404    404     404    404    404        404    403   403
    partner_wrong_scope  404    404     404    404    404        404    403   403
    owner                404    404     404    404    404        404    403   403
    other_owner          404    404     404    404    404        404    403   403
    admin                404    404     404    404    404        404    403   403
    anonymous            login  login   login  login  login      login  401   401
""",
    {
        "page": Action("retention_overview", marker="Kari Nordmann"),
        "bergen": Action("retention_overview", query=_bergen, marker="Slettes innen"),
        "new": Action("legal_hold_create", marker="Sett slettestopp", logs_read=False),
        "place": Action("legal_hold_create", "post", data=_place, creates=LegalHold, grows=(LegalHold,)),
        "lift_page": Action("legal_hold_lift", args=lambda s: [_hold(s).pk], marker="Opphev slettestopp",
                            logs_read=True),
        "lift": Action("legal_hold_lift", "post", args=lambda s: [_hold(s).pk], data=lambda s: {"reason": "Avgjort"},
                       history_of=_hold, done=_lifted),
        "api": Action("api-retention-expiring", target=lambda s: s.world.case),
        "api_bergen": Action("api-retention-expiring", query=_bergen),
    },
)


@pytest.mark.parametrize("table", tables(PAGES))
def test_retention_matrix(scene, table):
    check_table(scene, table)
