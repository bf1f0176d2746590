"""The permission matrix of the messages between a user and their case's staff (issue 16; ``tests/matrix.py``).

Kari (the owner) has written «Hei fra Kari» to her case's staff, and her trust person has written «Hei fra
tillitspersonen» back; neither is read. The trust person is off sick, so the case's deputy is covering. The case's
staff (trust person, deputy, leader) read the thread on the case (every read in Kari's access log) and write; Kari
reads and writes on Min side; partners never see the thread, whatever their consent (partner_valid's consent covers
the case and its log); nobody outside the case or the municipality does. Taking back is for the writer only, before
it is read: anyone else who may see the message gets a clear message and nothing changes (``302=`` on a page, 400 in
the API).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from koordinator.models import Absence
from reach import messages
from reach.models import Message
from tests.conftest import World
from tests.matrix import Action, Scene, Table, check_table, tables

pytestmark = pytest.mark.django_db

FROM_KARI = "Hei fra Kari"
FROM_STAFF = "Hei fra tillitspersonen"
NEW = "En ny melding i tråden"


class Objects:
    def __init__(self, world: World):
        today = timezone.localdate()
        Absence.objects.create(person=world.trust_person, kind=Absence.Kind.SICK_LEAVE, starts_on=today,
                               ends_on=today + datetime.timedelta(days=5), registered_by=world.leader)
        self.from_kari = messages.send_as_user(world.owner, world.case, FROM_KARI)
        # Written before Kari's message is read: answering would mark it read, so it is written as a reply is not.
        self.from_staff = Message.objects.create(
            case=world.case, service_user=world.owner_su, from_service_user=False, author=world.trust_person,
            body=FROM_STAFF, sent_at=timezone.now(),
        )


@pytest.fixture
def scene(world: World) -> Scene:
    return Scene(world, Objects(world))


def _case(s: Scene) -> list:
    return [s.world.case.pk]


def _new_count(s: Scene) -> int:
    return Message.objects.filter(body=NEW).count()


def _read(message):
    return lambda s: Message.objects.get(pk=message(s).pk).read_at


def _withdrawn(message):
    return lambda s: Message.objects.get(pk=message(s).pk).withdrawn_at


def _kari(s: Scene) -> Message:
    return s.o.from_kari


def _staff(s: Scene) -> Message:
    return s.o.from_staff


# mine: Min side's thread · case: the case's thread · send_mine / send_case: a new message (POST) · read_mine /
# read_case: «Merk som lest» · back_mine: Kari takes hers back · back_case: taking back the trust person's
PAGES = Table(
    "message_pages",
    """
    persona              mine   case   send_mine  send_case  read_mine  read_case  back_mine  back_case
    trust_person         404    200    404        302        404        302        404        302
    other_trust_person   404    404    404        404        404        404        404        404
    deputy               404    200    404        302        404        302        404        302=
    leader               404    200    404        302        404        302        404        302=
    other_leader         404    404    404        404        404        404        404        404
    partner_valid        404    404    404        404        404        404        404        404
    partner_org_member   404    404    404        404        404        404        404        404
    partner_none         404    404    404        404        404        404        404        404
    partner_expired      404    404    404        404        404        404        404        404
    partner_withdrawn    404    404    404        404        404        404        404        404
    partner_wrong_scope  404    404    404        404        404        404        404        404
    owner                yes    302    302        404        302        404        302        404
    other_owner          no     404    302        404        302=       404        404        404
    admin                404    404    404        404        404        404        404        404
    anonymous            login  login  login      login      login      login      login      login
""",
    {
        "mine": Action("reach_my_messages", marker=FROM_KARI, logs_read=False),
        "case": Action("reach_case_messages", args=_case, marker=FROM_KARI, logs_read=True),
        "send_mine": Action("reach_my_messages", "post", data=lambda s: {"body": NEW}, creates=Message,
                            kept=_new_count),
        "send_case": Action("reach_case_messages", "post", args=_case, data=lambda s: {"body": NEW},
                            creates=Message, kept=_new_count),
        "read_mine": Action("reach_my_messages_read", "post", history_of=_staff, kept=_read(_staff),
                            done=lambda s: _read(_staff)(s) is not None),
        "read_case": Action("reach_case_messages_read", "post", args=_case, history_of=_kari, kept=_read(_kari),
                            done=lambda s: _read(_kari)(s) is not None),
        "back_mine": Action("reach_my_message_withdraw", "post", args=lambda s: [s.o.from_kari.pk],
                            history_of=_kari, kept=_withdrawn(_kari),
                            done=lambda s: _withdrawn(_kari)(s) is not None),
        "back_case": Action("reach_case_message_withdraw", "post", args=lambda s: [s.world.case.pk, s.o.from_staff.pk],
                            history_of=_staff, kept=_withdrawn(_staff),
                            done=lambda s: _withdrawn(_staff)(s) is not None),
    },
)


# list: the list (is Kari's message in it?) · detail: one message · create: a new message in Kari's thread · read:
# mark the thread read · back_kari / back_staff: take back Kari's / the trust person's message
API = Table(
    "message_api",
    """
    persona              list  detail  create  read  back_kari  back_staff
    trust_person         yes   200     201     200   400        200
    other_trust_person   no    404     400     400   404        404
    deputy               yes   200     201     200   400        400
    leader               yes   200     201     200   400        400
    other_leader         no    404     400     400   404        404
    partner_valid        no    404     403     400   404        404
    partner_org_member   no    404     403     400   404        404
    partner_none         no    404     403     400   404        404
    partner_expired      no    404     403     400   404        404
    partner_withdrawn    no    404     403     400   404        404
    partner_wrong_scope  no    404     403     400   404        404
    owner                yes   200     201     200   200        400
    other_owner          no    404     400     400   404        404
    admin                no    404     403     400   404        404
    anonymous            401   401     401     401   401        401
""",
    {
        "list": Action("api-message-list", query=lambda s: {"case": s.world.case.pk}, target=_kari),
        "detail": Action("api-message-detail", args=lambda s: [s.o.from_kari.pk], logs_read=True),
        "create": Action("api-message-list", "post", data=lambda s: {"case": s.world.case.pk, "body": NEW},
                         creates=Message, kept=_new_count),
        # The owner marks the staff's message read, the staff Kari's: the history of the thread grows.
        "read": Action("api-message-read", "post", data=lambda s: {"case": s.world.case.pk}, grows=(Message,)),
        "back_kari": Action("api-message-withdraw", "post", args=lambda s: [s.o.from_kari.pk], history_of=_kari,
                            kept=_withdrawn(_kari), done=lambda s: _withdrawn(_kari)(s) is not None),
        "back_staff": Action("api-message-withdraw", "post", args=lambda s: [s.o.from_staff.pk], history_of=_staff,
                             kept=_withdrawn(_staff), done=lambda s: _withdrawn(_staff)(s) is not None),
    },
)


@pytest.mark.parametrize("table", tables(PAGES, API))
def test_message_matrix(scene, table):
    check_table(scene, table)
