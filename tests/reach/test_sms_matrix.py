"""SMS that arrive, persona by persona, through the matrix driver (``tests/matrix.py``).

An SMS from an unknown number waits in Trondheim's inbox («Hei, dette er Per»).

* ``inbox``: ``/leder/sms/``: Trondheim's leader sees it; Bergen's leader sees the page without it; anyone else 404.
* ``handle``: marking it handled with a note: Trondheim's leader only (a history row); Bergen's leader 404.
* ``incoming`` / ``receipt``: the gateway's webhooks. No session counts: without a signature every persona gets 401
  and nothing is stored (the signed requests are in ``test_sms_webhook.py`` and ``test_sms_receipts.py``).

No column writes to anyone's access log (``logs_read=False``): the sender of an SMS in the inbox is not known, so
there is no owner to log a read for.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from reach.models import InboundSms
from tests.conftest import World
from tests.matrix import Action, Scene, Table, check_table, tables
from tests.reach.sms_helpers import SECRET

pytestmark = pytest.mark.django_db

TEXT = "Hei, dette er Per"


@pytest.fixture
def scene(world: World, settings) -> Scene:
    settings.SMS_WEBHOOK_SECRET = SECRET
    sms = InboundSms.objects.create(provider_message_id="gw-1", from_number="+4799999999", to_number="",
                                    text=TEXT, received_at=timezone.now(), state=InboundSms.State.UNKNOWN,
                                    municipality=world.municipality)
    return Scene(world, sms)


def _sms(s: Scene) -> list:
    return [s.o.pk]


def _handled(s: Scene) -> bool:
    s.o.refresh_from_db()
    return s.o.state == InboundSms.State.HANDLED and s.o.handled_note == "Ringte tilbake"


SMS_INBOUND = Table(
    "sms_inbound",
    """
    persona              inbox  handle  incoming  receipt
    trust_person         404    404     401       401
    other_trust_person   404    404     401       401
    deputy               404    404     401       401
    leader               yes    302     401       401
    other_leader         no     404     401       401
    partner_valid        404    404     401       401
    partner_org_member   404    404     401       401
    partner_none         404    404     401       401
    partner_expired      404    404     401       401
    partner_withdrawn    404    404     401       401
    partner_wrong_scope  404    404     401       401
    owner                404    404     401       401
    other_owner          404    404     401       401
    admin                404    404     401       401
    anonymous            login  login   401       401
""",
    {
        "inbox": Action("reach_sms_inbox", marker=TEXT, logs_read=False),
        "handle": Action("reach_sms_inbox_handle", "post", args=_sms, data=lambda s: {"notat": "Ringte tilbake"},
                         history_of=lambda s: s.o, done=_handled, logs_read=False),
        "incoming": Action("reach_sms_incoming", "post",
                           data=lambda s: {"id": "gw-2", "from": "+4799999999", "text": "Hei"},
                           kept=lambda s: InboundSms.objects.count()),
        "receipt": Action("reach_sms_receipt", "post",
                          data=lambda s: {"id": "r-1", "idempotency_key": "koordinator-notification-1",
                                          "status": "failed"}),
    },
)


@pytest.mark.parametrize("table", tables(SMS_INBOUND))
def test_sms_inbound_matrix(scene, table):
    check_table(scene, table)
