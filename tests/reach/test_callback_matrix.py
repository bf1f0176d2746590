"""The permission matrix for «Ring meg» (issue 16), on the pages and in the API, cell by cell.

Same reading and the same driver (``tests/matrix.py``) as the other matrices: outside the view gate is a 404, visible
but not changeable is a 403, anonymous is a 401 in the API and sent to log in on the pages. The gate
(``reach.callback_access``) lets in the case's staff and the owner, never a partner or the administrator, whatever
their consent. In every cell Kari Nordmann has asked to be called (open, her trust person's); Ola Hansen (the other
owner, another trust person's user in the same municipality) has not.

API: ``list`` (is Kari's in it), ``detail`` (logged for anyone but Kari), ``create`` (a request about one's own newest
open case: Kari's is open already, so 200 and nothing written; Ola's is new; staff and partners 403), ``mark``
(«Ringt»: the case's staff; the owner sees it but may not, 403).
Pages: ``mine`` and ``ask`` (Min side's «Ring meg», GET and POST: a service user's only), ``link`` and ``press`` (the
SMS link of Ola's, GET and POST: works for anyone holding it, logged in or not), ``mark`` (POST «Ringt»), ``leader``
(the leader's page: who waits, and the figures; ``yes`` when it names Kari).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import timezone

from reach import callbacks
from reach.models import CallbackRequest
from tests.conftest import World
from tests.matrix import Action, Scene, Table, check_table, tables

pytestmark = pytest.mark.django_db

API = """
    persona              list  detail  create  mark
    trust_person         yes   200     403     200
    other_trust_person   no    404     403     404
    deputy               yes   200     403     200
    leader               yes   200     403     200
    other_leader         no    404     403     404
    partner_valid        no    404     403     404
    partner_org_member   no    404     403     404
    partner_none         no    404     403     404
    partner_expired      no    404     403     404
    partner_withdrawn    no    404     403     404
    partner_wrong_scope  no    404     403     404
    owner                yes   200     200=    403
    other_owner          no    404     201     404
    admin                no    404     403     404
    anonymous            401   401     401     401
"""

PAGES = """
    persona              mine   ask    link  press  mark   leader
    trust_person         404    404    200   302    302    404
    other_trust_person   404    404    200   302    404    404
    deputy               404    404    200   302    302    404
    leader               404    404    200   302    302    yes
    other_leader         404    404    200   302    404    no
    partner_valid        404    404    200   302    404    404
    partner_org_member   404    404    200   302    404    404
    partner_none         404    404    200   302    404    404
    partner_expired      404    404    200   302    404    404
    partner_withdrawn    404    404    200   302    404    404
    partner_wrong_scope  404    404    200   302    404    404
    owner                200    302=   200   302    403    404
    other_owner          200    302    200   302    404    404
    admin                404    404    200   302    404    404
    anonymous            login  login  200   302    login  login
"""


@pytest.fixture
def scene(world: World) -> Scene:
    callback, _created = callbacks.request_callback(world.owner_su, by=world.owner, note="Om brevet")
    return Scene(world, SimpleNamespace(callback=callback, ola_token=callbacks.link_token(world.other_su.pk)))


def _callback(s: Scene) -> CallbackRequest:
    return s.o.callback


def _requests(s: Scene) -> int:
    return CallbackRequest.objects.count()


def _done(s: Scene) -> bool:
    return CallbackRequest.objects.get(pk=s.o.callback.pk).state == CallbackRequest.State.DONE


def _ola_asked(s: Scene) -> bool:
    return CallbackRequest.objects.filter(service_user=s.world.other_su, state="open").exists()


API_TABLE = Table(
    "api",
    API,
    {
        "list": Action("api-callback-list", target=_callback),
        "detail": Action("api-callback-detail", args=lambda s: [s.o.callback.pk], logs_read=True),
        "create": Action("api-callback-list", "post", creates=CallbackRequest, data=lambda s: {"when": "today"},
                         done=_ola_asked),
        "mark": Action("api-callback-mark", "post", args=lambda s: [s.o.callback.pk],
                       data=lambda s: {"outcome": "called"}, history_of=_callback, done=_done),
    },
)

PAGES_TABLE = Table(
    "page",
    PAGES,
    {
        "mine": Action("my_callback", marker="Ring meg", kept=_requests),
        "ask": Action("my_callback", "post", data=lambda s: {"when": "soon"}, creates=CallbackRequest,
                      done=_ola_asked),
        "link": Action("callback_link", args=lambda s: [s.o.ola_token], marker="Vil du at vi ringer deg?",
                       logs_read=False, kept=_requests),
        "press": Action("callback_link", "post", args=lambda s: [s.o.ola_token], creates=CallbackRequest,
                        done=_ola_asked),
        "mark": Action("callback_mark", "post", args=lambda s: [s.o.callback.pk], data=lambda s: {"outcome": "called"},
                       history_of=_callback, done=_done),
        "leader": Action("leader_callbacks", marker="Kari Nordmann", kept=_requests),
    },
)


def test_karis_request_is_open_and_her_trust_persons(scene):
    assert scene.o.callback.state == "open" and scene.o.callback.assigned_to == scene.world.trust_person
    assert scene.o.callback.requested_at <= timezone.now()


# Every table above, one test each (``tests/matrix.py``, ``check_table``: one world per table).
@pytest.mark.parametrize("table", tables(API_TABLE, PAGES_TABLE))
def test_callbacks_permission_matrix(scene, table):
    check_table(scene, table)
