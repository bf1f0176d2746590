"""An invitation's apology link: the SMS and the e-mail carry the whole address (``SITE_URL``), the app shows a short
«Meld forfall» link instead of the address (which was one word 1,200 px wide on a phone, issue 12)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from koordinator.models import Notification
from koordinator.outbox.links import app_html
from meetings import services, tokens
from tests.conftest import login
from tests.meetings.conftest import later, notifications_to

pytestmark = pytest.mark.django_db

SITE = "https://koordinator.example.no"
ADDRESS = re.compile(r"https?://|/ansvarsgrupper/forfall/[^\"/\s]+/")


def text_of(html: str) -> str:
    """What a reader sees: the page without its tags (so an address inside ``href`` does not count)."""
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def invited(world, group, gp_member, settings):
    settings.SITE_URL = SITE
    Notification.objects.all().delete()
    return services.schedule_meeting(world.trust_person, group, starts_at=later(3), place="office")


def test_the_sms_and_the_e_mail_keep_the_whole_address(world, invited, gp_member):
    [sms] = notifications_to(world.owner_su)
    [email] = notifications_to(world.partner_valid)
    assert sms.channel == "sms" and email.channel == "email"
    for notification in (sms, email):
        match = re.search(rf"{re.escape(SITE)}/ansvarsgrupper/forfall/([^/\s]+)/", notification.body)
        assert match, notification.body
        assert tokens.read_apology_token(match.group(1))[0] == invited.pk


@pytest.mark.parametrize("url_name", ["notifications", "my_page"])
def test_in_the_app_the_invitation_has_a_short_link_and_no_address(client, world, invited, url_name):
    [sms] = notifications_to(world.owner_su)
    path = re.search(r"/ansvarsgrupper/forfall/[^/\s]+/", sms.body).group(0)
    page = login(client, world.owner).get(reverse(url_name)).content.decode()
    start = page.index("Du er invitert til møte")
    message = page[start:page.index("</p>", start)]
    assert f'<a class="ds-link" href="{path}">Meld forfall</a>' in message
    assert not ADDRESS.search(text_of(message)), message
    assert SITE not in page  # the link is a path: it works on whatever address the app is served from


def test_a_partner_reads_the_invitation_with_the_same_short_link(client, world, invited, gp_member):
    page = login(client, world.partner_valid).get(reverse("notifications")).content.decode()
    start = page.index("Kan du ikke komme?")
    message = page[start:page.index("</p>", start)]
    assert ">Meld forfall</a>" in message and not ADDRESS.search(text_of(message))


def test_app_html_escapes_the_text_keeps_line_breaks_and_shortens_other_addresses(settings):
    settings.SITE_URL = SITE
    html = app_html("Se <b>dette</b>:\nhttps://www.nav.no/skjema/123?x=1. Og dette: https://koordinator.example.no/varsler/")
    assert "&lt;b&gt;dette&lt;/b&gt;:<br>" in html
    assert '<a class="ds-link" href="https://www.nav.no/skjema/123?x=1">www.nav.no</a>.' in html
    assert '<a class="ds-link" href="/varsler/">Åpne lenken</a>' in html


def test_app_html_leaves_a_slash_that_is_not_a_page_alone():
    assert app_html("1/2 og /ikke-en-side/ her") == "1/2 og /ikke-en-side/ her"
