"""Who may see Kari's whole national identity number («Vis hele fødselsnummeret», a POST): the permission matrix, through
the matrix driver (``tests/matrix.py``).

Those who may change her (her trust person and deputy, the leader in her municipality) get the number, and the read
is one line in her access log; she herself gets it too, and her own read is not logged. A partner who sees her (by
her consent) may not: 403, as every page that changes her; outside the gate a 404. The POST writes nothing but the
access event (``writes=False``: a read that must be logged)."""

from __future__ import annotations

import pytest

from koordinator.models import ServiceUser
from tests.conftest import World
from tests.matrix import Action, Scene, Table, check_table, tables

pytestmark = pytest.mark.django_db

KARI = "14838841385"


@pytest.fixture
def scene(world: World, settings) -> Scene:
    settings.NATIONAL_ID_ACCEPT_SYNTHETIC = True
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(national_id=KARI)
    return Scene(world)


NATIONAL_ID = Table(
    "national_id",
    """
    persona              reveal  reveal_get
    trust_person         200     405
    other_trust_person   404     405
    deputy               200     405
    leader               200     405
    other_leader         404     405
    partner_valid        403     405
    partner_org_member   403     405
    partner_none         404     405
    partner_expired      404     405
    partner_withdrawn    404     405
    partner_wrong_scope  403     405
    owner                200     405
    other_owner          404     405
    admin                404     405
    anonymous            login   login
""",
    {
        "reveal": Action(
            "service_user_national_id",
            "post",
            args=lambda s: [s.owner_su.pk],
            marker="148388 41385",
            logs_read=True,
            writes=False,
        ),
        # Never by a link: a GET is refused before anything is read.
        "reveal_get": Action("service_user_national_id", args=lambda s: [s.owner_su.pk], logs_read=False),
    },
)


@pytest.mark.parametrize("table", tables(NATIONAL_ID))
def test_national_id_matrix(scene, table):
    check_table(scene, table)
