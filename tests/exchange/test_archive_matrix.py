"""The permission matrix of «Last ned alt om meg» (``tests/matrix.py``).

Kari has an archive she asked for on Min side, and one her trust person made for her when she asked on paper; both
are built. Her own page, asking and downloading are hers alone (anyone else with a Min side sees their own page, never
Kari's archive); the staff's page, a paper request and its download are for the staff who work with her (her trust
person, the case's deputy, the leader in her municipality): never a partner, whatever their consent, never Kari
herself, never staff elsewhere. Every read by staff is in Kari's access log; the downloads are history rows."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from exchange import archive
from exchange.models import DataArchive
from tests.conftest import World
from tests.matrix import Action, Scene, Table, check_table, tables

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world: World) -> Scene:
    own, _ = archive.request_own_archive(world.owner, world.owner_su)
    paper, _ = archive.request_paper_archive(world.trust_person, world.owner_su, how="writing",
                                             received_on=timezone.localdate() - datetime.timedelta(days=1))
    archive.build_requested(timezone.now())
    return Scene(world, {"own": own, "paper": paper})


def _own(s: Scene) -> list:
    return [s.o["own"].pk]


def _paper(s: Scene) -> list:
    return [s.world.owner_su.pk, s.o["paper"].pk]


def _person(s: Scene) -> list:
    return [s.world.owner_su.pk]


# page: Kari's page on Min side · ask: «Be om alt om meg» (POST) · download: her archive
OWNER_PAGES = Table(
    "archive_owner",
    """
    persona              page   ask    download
    trust_person         404    404    404
    other_trust_person   404    404    404
    deputy               404    404    404
    leader               404    404    404
    other_leader         404    404    404
    partner_valid        404    404    404
    partner_org_member   404    404    404
    partner_none         404    404    404
    partner_expired      404    404    404
    partner_withdrawn    404    404    404
    partner_wrong_scope  404    404    404
    owner                yes    302    200
    other_owner          no     302    404
    admin                404    404    404
    anonymous            login  login  login
""",
    {
        # Anyone with a Min side has the page; only Kari's shows an archive ready to download (hers).
        "page": Action("my_archive", logs_read=False, marker="Arkivet ditt er klart (laget"),
        "ask": Action("my_archive_request", "post", creates=DataArchive),
        "download": Action("my_archive_download", args=_own, logs_read=True),
    },
)

# page: the staff's page for Kari · make: a new paper request (POST) · download: the paper archive
STAFF_PAGES = Table(
    "archive_staff",
    """
    persona              page   make   download
    trust_person         200    302    200
    other_trust_person   404    404    404
    deputy               200    302    200
    leader               200    302    200
    other_leader         404    404    404
    partner_valid        404    404    404
    partner_org_member   404    404    404
    partner_none         404    404    404
    partner_expired      404    404    404
    partner_withdrawn    404    404    404
    partner_wrong_scope  404    404    404
    owner                404    404    404
    other_owner          404    404    404
    admin                404    404    404
    anonymous            login  login  login
""",
    {
        # The request and each download are in Kari's access log, not each view of the form (exchange.archive).
        "page": Action("person_archive", args=_person, logs_read=False, marker="Alt om Kari Nordmann"),
        "make": Action(
            "person_archive", "post", args=_person,
            data=lambda s: {"how": "in_person", "received_on": timezone.localdate().isoformat(), "note": ""},
            creates=DataArchive,
        ),
        "download": Action("person_archive_download", args=_paper, logs_read=True),
    },
)


@pytest.mark.parametrize("table", tables(OWNER_PAGES, STAFF_PAGES))
def test_archive_matrix(scene, table):
    check_table(scene, table)
