"""The notices of reach read naturally in the app and by SMS or e-mail (issue 16, the new-user trial): the link at the
end of a notice stands on a line of its own, so the app's short link words («Les og svar», «Les meldingen på Min
side», «Se innboksen») are not repeated after a sentence that already says them, and an SMS shows the address."""

from __future__ import annotations

import pytest

from koordinator.models import Notification
from koordinator.outbox.links import app_html
from reach import messages, sms_inbound

pytestmark = pytest.mark.django_db

SITE = "https://koordinator.example.no"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def _plain(html: str) -> str:
    import re

    return re.sub(r"<[^>]+>", " ", html.replace("<br>", " | ")).split()


def words(html) -> str:
    return " ".join(_plain(str(html)))


def test_a_message_from_the_user_reads_naturally_for_staff(world):
    world.trust_person.sms_alerts = True
    world.trust_person.phone = "+4790000001"
    world.trust_person.save()
    messages.send_as_user(world.owner, world.case, "Hei")
    app = Notification.objects.get(recipient_user=world.trust_person, channel=Notification.Channel.IN_APP)
    path = f"/saker/{world.case.pk}/meldinger/"
    assert app.body == f"Kari Nordmann har skrevet en melding.\n{SITE}{path}"
    assert words(app_html(app.body)) == "Kari Nordmann har skrevet en melding. | Les og svar"
    assert f'href="{path}"' in app_html(app.body)
    sms = Notification.objects.get(recipient_user=world.trust_person, channel=Notification.Channel.SMS)
    assert sms.body == f"Ny melding fra Kari i Koordinator.\n{SITE}{path}"
    assert words(app_html(sms.body)) == "Ny melding fra Kari i Koordinator. | Les og svar"  # on /varsler/


def test_a_message_from_staff_reads_naturally_for_the_user(world):
    messages.send_as_staff(world.trust_person, world.case, "Hei")
    alert = Notification.objects.get(recipient_service_user=world.owner_su)
    name = world.trust_person.display_name
    assert alert.body.startswith(f"Du har fått en melding fra {name}.\n{SITE}/min-side/meldinger/")
    shown = words(app_html(alert.body))
    assert shown.startswith(f"Du har fått en melding fra {name}. | Les meldingen på Min side")
    assert "Min side: Les meldingen" not in shown


def test_the_leaders_notice_of_the_sms_inbox_reads_naturally(world, settings):
    settings.SMS_WEBHOOK_SECRET = "x" * 40
    world.unit.phone = "+4773500000"
    world.unit.save()
    sms, _new = sms_inbound.receive(sms_inbound.Incoming("gw-1", "+4799999999", "+4773500000", "Hei", None))
    notice = Notification.objects.get(recipient_user=world.leader)
    assert notice.body == f"Det har kommet SMS som ikke kunne legges i en brukers meldinger.\n{SITE}/leder/sms/"
    assert words(app_html(notice.body)) == ("Det har kommet SMS som ikke kunne legges i en brukers meldinger. | "
                                            "Se innboksen")
