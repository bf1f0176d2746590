"""Anonymous feedback (issue 14, point 5): the questionnaire on Min side, through the SMS link and on paper;
one answer per person per half-year without storing who; the results only from five answers; the free text
only after a leader checked it for names.

The clock stands still on Wednesday 18 November 2026 (the second half-year, «2026-H2») unless a test moves it.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import re
import uuid
import zoneinfo
from urllib.parse import urlsplit

import pytest
import time_machine
from django.apps import apps
from django.core import signing
from django.core.management import call_command
from django.db import IntegrityError, models, transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils.crypto import salted_hmac

from koordinator.models import AccessEvent, FollowUp, Membership, Notification, Organisation, SignIn
from koordinator.services import ServiceError
from outcomes import feedback
from outcomes.models import FeedbackAnswer, FeedbackReceipt
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
NOW = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=OSLO)
HALF = "2026-H2"
ALL_FOUR = {"q1": "4", "q2": "4", "q3": "3", "q4": "2", "q5": "4", "q6": "4", "q7": "5"}
SUPPRESSED = "Færre enn 5 har svart – resultatene vises ikke, så ingen kan kjennes igjen"
ALREADY = "Du har allerede svart dette halvåret. Takk!"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _history_rows() -> int:
    return sum(m.objects.count() for m in apps.get_models() if m.__name__.startswith("Historical"))


def _traces() -> tuple[int, int, int, int]:
    """Everything that could tell who did something: history rows, access events, log-ins, notifications."""
    return _history_rows(), AccessEvent.objects.count(), SignIn.objects.count(), Notification.objects.count()


def _answers(unit, n: int, half_year: str = HALF, **values) -> None:
    month = feedback.half_year_bounds(half_year)[0]
    for i in range(n):
        FeedbackAnswer.objects.create(
            unit=unit,
            half_year=half_year,
            month=month,
            channel=FeedbackAnswer.Channel.PAPER,
            **{"q1": 1 + i % 5, "q2": 4, **values},
        )


def _link(world, person=None) -> str:
    person = person or world.owner_su
    return reverse("feedback_link", args=[feedback.link_token(person.pk, HALF, world.unit.pk)])


# --- the table cannot be joined to a person -----------------------------------------------------------------


def test_no_column_of_an_answer_can_be_joined_to_a_person():
    fields = {field.name for field in FeedbackAnswer._meta.get_fields()}
    assert fields == {
        "id",
        "unit",
        "half_year",
        "month",
        "channel",
        "q1",
        "q2",
        "q3",
        "q4",
        "q5",
        "q6",
        "q7",
        "free_text",
        "free_text_shown",
        "text_status",
    }
    relations = {
        field.name: field.related_model for field in FeedbackAnswer._meta.get_fields() if field.is_relation
    }
    assert relations == {"unit": Organisation}  # no user, no service user, no case
    for field in FeedbackAnswer._meta.get_fields():
        assert not isinstance(field, models.DateTimeField | models.GenericIPAddressField), field.name
    # The primary key is random (UUID 4): no sequence whose order could be matched to anything.
    pk = FeedbackAnswer._meta.pk
    assert isinstance(pk, models.UUIDField) and pk.default is uuid.uuid4
    # No history model: a history row would carry who wrote it and when.
    assert not hasattr(FeedbackAnswer, "history") and not hasattr(FeedbackReceipt, "history")
    names = {model.__name__ for model in apps.get_models()}
    assert "HistoricalFeedbackAnswer" not in names and "HistoricalFeedbackReceipt" not in names
    # The receipt holds the keyed one-way token and the half-year: nothing that points to an answer.
    assert {field.name for field in FeedbackReceipt._meta.get_fields()} == {"token", "half_year"}
    # And nothing else in the project points to an answer.
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model is FeedbackAnswer:
                assert model is Organisation, f"{model.__name__}.{field.name} points to an answer"


def test_the_receipt_token_is_a_keyed_one_way_hash(settings):
    settings.FEEDBACK_TOKEN_KEY = "en-egen-nokkel"
    expected = hmac.new(b"en-egen-nokkel", b"12:2026-H2", hashlib.sha256).hexdigest()
    assert feedback.receipt_token(12, "2026-H2") == expected
    assert feedback.receipt_token(12, "2027-H1") != expected
    settings.FEEDBACK_TOKEN_KEY = ""
    derived = feedback.receipt_token(12, "2026-H2")
    assert derived == salted_hmac(feedback.RECEIPT_SALT, "12:2026-H2", algorithm="sha256").hexdigest()
    assert derived != expected and len(derived) == 64


def test_half_years():
    assert feedback.half_year_of(datetime.date(2026, 6, 30)) == "2026-H1"
    assert feedback.half_year_of(datetime.date(2026, 7, 1)) == "2026-H2"
    assert feedback.current_half_year() == HALF
    assert feedback.recent_half_years(3) == ["2026-H2", "2026-H1", "2025-H2"]
    assert feedback.parse_half_year("2026-H1") == "2026-H1"
    assert feedback.parse_half_year("2027-H1") is None  # not begun
    assert feedback.parse_half_year("2026-H3") is None and feedback.parse_half_year("tull") is None


# --- Min side -----------------------------------------------------------------------------------------------


def test_the_user_answers_on_min_side_and_nothing_tells_who(world, caplog):
    caplog.set_level(logging.DEBUG)
    client = login(Client(), world.owner)
    page = client.get(reverse("my_page")).content.decode()
    assert reverse("my_feedback") in page  # the invitation
    form = client.get(reverse("my_feedback")).content.decode()
    assert "Hva har fungert best, og hva trenger du som du ikke får?" in form and "Ikke skriv navn" in form
    traces = _traces()
    response = client.post(reverse("my_feedback"), {**ALL_FOUR, "free_text": "Hun ringer alltid tilbake."})
    assert response.status_code == 302 and response["Location"].endswith("?takk=1")
    assert "Takk for svarene dine!" in client.get(response["Location"]).content.decode()

    answer = FeedbackAnswer.objects.get()
    assert (answer.unit, answer.half_year, answer.month, answer.channel) == (
        world.unit,
        HALF,
        datetime.date(2026, 7, 1),  # the half-year's first month, never the month of answering
        FeedbackAnswer.Channel.MY_PAGE,
    )
    assert [getattr(answer, key) for key in feedback.QUESTION_KEYS] == [4, 4, 3, 2, 4, 4, 5]
    assert answer.text_status == FeedbackAnswer.TextStatus.UNCHECKED
    receipt = FeedbackReceipt.objects.get()
    assert receipt.pk == feedback.receipt_token(world.owner_su.pk, HALF) and receipt.half_year == HALF
    # No history, no access event, no log-in row, no notification; no log line naming her.
    assert _traces() == traces
    words = (world.owner.username, world.owner_su.first_name, world.owner_su.last_name, receipt.pk)
    assert not [r.getMessage() for r in caplog.records if any(w in r.getMessage() for w in words)]
    # The answer holds nothing of the receipt or the person.
    values = [str(getattr(answer, field.attname)) for field in FeedbackAnswer._meta.concrete_fields]
    assert receipt.pk not in values
    # The invitation is gone for the rest of the half-year.
    assert reverse("my_feedback") not in client.get(reverse("my_page")).content.decode()


def test_a_second_answer_on_min_side_is_refused_and_nothing_saved(world):
    client = login(Client(), world.owner)
    assert client.post(reverse("my_feedback"), ALL_FOUR).status_code == 302
    again = client.post(reverse("my_feedback"), {**ALL_FOUR, "q1": "1"})
    assert again.status_code == 200 and ALREADY in again.content.decode()
    assert ALREADY in client.get(reverse("my_feedback")).content.decode()
    assert FeedbackAnswer.objects.count() == 1 and FeedbackReceipt.objects.count() == 1
    # The service refuses too, whatever the page did.
    with pytest.raises(feedback.AlreadyAnswered):
        feedback.answer_on_my_page(world.owner, ALL_FOUR)
    assert FeedbackAnswer.objects.count() == 1


def test_min_side_then_the_sms_link_for_the_same_person_is_refused(world):
    login(Client(), world.owner).post(reverse("my_feedback"), ALL_FOUR)
    anonymous = Client()
    assert ALREADY in anonymous.get(_link(world)).content.decode()
    refused = anonymous.post(_link(world), ALL_FOUR)
    assert refused.status_code == 200 and ALREADY in refused.content.decode()
    assert FeedbackAnswer.objects.count() == 1 and FeedbackReceipt.objects.count() == 1


def test_the_sms_link_then_min_side_for_the_same_person_is_refused(world):
    traces = _traces()
    answered = Client().post(_link(world), {**ALL_FOUR, "q7": ""})
    assert answered.status_code == 302
    assert "Takk for svarene dine!" in Client().get(answered["Location"]).content.decode()
    answer = FeedbackAnswer.objects.get()
    assert (
        answer.channel == FeedbackAnswer.Channel.SMS_LINK and answer.unit == world.unit and answer.q7 is None
    )
    assert _traces() == traces
    client = login(Client(), world.owner)
    assert ALREADY in client.post(reverse("my_feedback"), ALL_FOUR).content.decode()
    assert FeedbackAnswer.objects.count() == 1
    # Another person's link is their own.
    other = reverse("feedback_link", args=[feedback.link_token(world.other_su.pk, HALF, world.unit.pk)])
    assert Client().post(other, ALL_FOUR).status_code == 302
    assert FeedbackAnswer.objects.count() == 2 and FeedbackReceipt.objects.count() == 2


def test_next_half_year_one_may_answer_again_and_the_old_link_is_over(world, clock):
    client = login(Client(), world.owner)
    client.post(reverse("my_feedback"), ALL_FOUR)
    old_link = _link(world)
    clock.move_to(datetime.datetime(2027, 1, 4, 9, 0, tzinfo=OSLO))
    client = login(Client(), world.owner)
    assert reverse("my_feedback") in client.get(reverse("my_page")).content.decode()
    assert client.post(reverse("my_feedback"), ALL_FOUR).status_code == 302
    assert FeedbackAnswer.objects.filter(half_year="2027-H1", month=datetime.date(2027, 1, 1)).count() == 1
    over = Client().get(old_link)
    assert (
        over.status_code == 400 and "Lenken gjaldt 2. halvår 2026, og det er over." in over.content.decode()
    )


def test_a_user_without_a_case_gets_a_plain_page_and_staff_no_page(world):
    lonely = f.UserFactory(username="uten_sak")
    f.ServiceUserFactory(user=lonely, municipality=world.municipality)
    page = login(Client(), lonely).get(reverse("my_feedback"))
    assert page.status_code == 200 and "ingen tjeneste å gi tilbakemelding til" in page.content.decode()
    assert login(Client(), lonely).post(reverse("my_feedback"), ALL_FOUR).status_code == 200
    assert not FeedbackAnswer.objects.exists()
    assert login(Client(), world.trust_person).get(reverse("my_feedback")).status_code == 404


# --- bad input ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["0", "6", "7", "-1", "tre", "3.5", " 3 "])
def test_an_answer_outside_one_to_five_is_refused_with_nothing_saved(world, bad):
    client = login(Client(), world.owner)
    response = client.post(reverse("my_feedback"), {**ALL_FOUR, "q3": bad})
    body = response.content.decode()
    assert response.status_code == 200 and "Velg ett av svarene, eller «Hopp over»." in body
    assert 'aria-invalid="true"' in body
    assert not FeedbackAnswer.objects.exists() and not FeedbackReceipt.objects.exists()
    link = Client().post(_link(world), {**ALL_FOUR, "q5": bad})
    assert (
        link.status_code == 200
        and not FeedbackAnswer.objects.exists()
        and not FeedbackReceipt.objects.exists()
    )


def test_the_service_refuses_what_the_form_would_and_the_database_too(world):
    for bad in (0, 6, "9", 2.5, True, "x"):
        with pytest.raises(ServiceError) as error:
            feedback.answer_on_my_page(world.owner, {"q1": bad})
        assert error.value.field == "q1"
    with pytest.raises(ServiceError):
        feedback.answer_on_my_page(world.owner, {"free_text": "x" * (feedback.FREE_TEXT_MAX + 1)})
    assert not FeedbackAnswer.objects.exists() and not FeedbackReceipt.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackAnswer.objects.create(
            unit=world.unit, half_year=HALF, month=datetime.date(2026, 11, 1), channel="paper", q1=6
        )


BLANK = "Svar på minst ett spørsmål, eller skriv noe i tekstfeltet."


def test_every_question_may_be_skipped_with_a_text_or_one_answer(world):
    assert login(Client(), world.owner).post(reverse("my_feedback"), {"free_text": "Bra."}).status_code == 302
    answer = FeedbackAnswer.objects.get()
    assert all(getattr(answer, key) is None for key in feedback.QUESTION_KEYS)
    assert answer.text_status == FeedbackAnswer.TextStatus.UNCHECKED and answer.free_text == "Bra."
    assert Client().post(_link(world, world.other_su), {"q7": "3"}).status_code == 302
    assert FeedbackAnswer.objects.count() == 2


def test_an_all_blank_answer_is_refused_on_every_channel_and_nothing_saved(world):
    # Nothing answered and no text: not counted in «N har svart», and it does not use up the one answer.
    blank = {key: "" for key in feedback.QUESTION_KEYS} | {"free_text": "   \n "}
    client = login(Client(), world.owner)
    for response in (
        client.post(reverse("my_feedback"), blank),
        client.post(reverse("my_feedback"), {}),
        Client().post(_link(world), blank),
        _paper(login(Client(), world.trust_person), {"unit": world.unit.pk, **blank}),
    ):
        body = response.content.decode()
        assert response.status_code == 200 and BLANK in body and "ds-error-summary" in body
        assert "Takk for svarene" not in body
    assert not FeedbackAnswer.objects.exists() and not FeedbackReceipt.objects.exists()
    for call in (
        lambda: feedback.answer_on_my_page(world.owner, {}),
        lambda: feedback.enter_paper(world.trust_person, world.unit, blank),
    ):
        with pytest.raises(ServiceError, match="Svar på minst ett spørsmål"):
            call()
    assert not FeedbackAnswer.objects.exists() and not FeedbackReceipt.objects.exists()
    # The person may still answer.
    assert client.post(reverse("my_feedback"), {"q1": "5"}).status_code == 302
    assert FeedbackAnswer.objects.count() == 1 and FeedbackReceipt.objects.count() == 1


@pytest.mark.parametrize("how", ["garbage", "tampered", "other_salt", "not_a_dict", "unknown_unit"])
def test_a_bad_link_gets_a_norwegian_page_and_saves_nothing(world, how, caplog):
    caplog.set_level(logging.DEBUG)
    good = feedback.link_token(world.owner_su.pk, HALF, world.unit.pk)
    token = {
        "garbage": "tull",
        "tampered": good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb"),
        "other_salt": signing.dumps(
            {"p": world.owner_su.pk, "h": HALF, "u": world.unit.pk}, salt="noe.annet"
        ),
        "not_a_dict": signing.dumps([1, 2, 3], salt=feedback.LINK_SALT),
        "unknown_unit": feedback.link_token(world.owner_su.pk, HALF, 999_999),
    }[how]
    url = reverse("feedback_link", args=[token])
    for response in (Client().get(url), Client().post(url, ALL_FOUR)):
        body = response.content.decode()
        assert response.status_code == 400
        assert "Lenken er ikke gyldig. Sjekk at hele lenken ble med." in body and 'lang="nb"' in body
        assert 'class="form-stack"' not in body
    assert not FeedbackAnswer.objects.exists() and not FeedbackReceipt.objects.exists()
    assert any("/tilbakemelding/…" in r.getMessage() for r in caplog.records)  # Django's «Bad Request: …»
    assert not [r.getMessage() for r in caplog.records if token in r.getMessage()], "the token in a log line"


def test_the_link_names_no_one_and_still_allows_one_answer(world):
    token = feedback.link_token(world.owner_su.pk, HALF, world.unit.pk)
    # What anyone can read from the link (its payload is only signed): the receipt token, not the person's id.
    payload = signing.loads(token, salt=feedback.LINK_SALT)
    assert payload == {"r": feedback.receipt_token(world.owner_su.pk, HALF), "h": HALF, "u": world.unit.pk}
    assert "p" not in payload  # the service user's id, as links carried it before
    url = reverse("feedback_link", args=[token])
    assert Client().post(url, ALL_FOUR).status_code == 302
    assert FeedbackReceipt.objects.get().pk == payload["r"]
    assert ALREADY in Client().post(url, ALL_FOUR).content.decode()
    assert ALREADY in login(Client(), world.owner).get(reverse("my_feedback")).content.decode()
    assert FeedbackAnswer.objects.count() == 1


def test_a_link_from_before_the_change_is_refused_and_says_so(world):
    old = signing.dumps({"p": world.owner_su.pk, "h": HALF, "u": world.unit.pk}, salt=feedback.LINK_SALT)
    url = reverse("feedback_link", args=[old])
    for response in (Client().get(url), Client().post(url, ALL_FOUR)):
        body = response.content.decode()
        assert (
            response.status_code == 400 and "Lenken er fra en eldre utsending og virker ikke lenger." in body
        )
        assert "Min side" in body and 'class="form-stack"' not in body
    assert not FeedbackAnswer.objects.exists() and not FeedbackReceipt.objects.exists()
    # A receipt token that is not one (signed, but not 64 hex digits) is no link either.
    for bad in ("", "x" * 64, "A" * 64, 12):
        token = signing.dumps({"r": bad, "h": HALF, "u": world.unit.pk}, salt=feedback.LINK_SALT)
        response = Client().post(reverse("feedback_link", args=[token]), ALL_FOUR)
        assert response.status_code == 400 and "Lenken er ikke gyldig." in response.content.decode()
    assert not FeedbackAnswer.objects.exists()


def test_no_log_line_of_djangos_prints_a_good_link(world, caplog):
    caplog.set_level(logging.DEBUG)
    token = feedback.link_token(world.owner_su.pk, HALF, world.unit.pk)
    url = reverse("feedback_link", args=[token])
    assert Client().put(url).status_code == 405  # «Method Not Allowed (PUT): /tilbakemelding/…/»
    assert Client(enforce_csrf_checks=True).post(url, ALL_FOUR).status_code == 403  # «Forbidden (CSRF …)»
    assert len(caplog.records) >= 2
    assert not [r.getMessage() for r in caplog.records if token in r.getMessage()], "the token in a log line"
    assert not FeedbackAnswer.objects.exists()


def test_the_web_servers_access_log_prints_no_link(world, caplog):
    """gunicorn writes its access log (``--access-logfile -``, deploy/) through the logger «gunicorn.access», with
    the request line, the path and the referrer as atoms: a link's token would name the person (its payload is
    readable base64) and tell when they answered."""
    from gunicorn.glogging import SafeAtoms

    caplog.set_level(logging.INFO)
    token = feedback.link_token(world.owner_su.pk, HALF, world.unit.pk)
    path = reverse("feedback_link", args=[token])
    atoms = SafeAtoms(
        {
            "h": "10.0.0.7",
            "r": f"POST {path} HTTP/1.1",
            "U": path,
            "s": "302",
            "f": f"https://example.no{path}",
        }
    )
    # As gunicorn.glogging.Logger.access does, with a format that also asks for an atom that is not there.
    logging.getLogger("gunicorn.access").info(
        '%(h)s "%(r)s" %(s)s "%(f)s" %(U)s %({x-forwarded-for}i)s', atoms
    )
    line = caplog.records[-1].getMessage()
    assert token not in line
    assert line == (
        '10.0.0.7 "POST /tilbakemelding/…/ HTTP/1.1" 302 "https://example.no/tilbakemelding/…/" /tilbakemelding/…/ -'
    )


def test_an_expired_link_says_so(world, clock, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    url = _link(world)
    monkeypatch.setattr(feedback, "LINK_MAX_AGE", datetime.timedelta(days=10))
    clock.move_to(NOW + datetime.timedelta(days=11))
    response = Client().post(url, ALL_FOUR)
    assert response.status_code == 400 and "Lenken er for gammel." in response.content.decode()
    assert not FeedbackAnswer.objects.exists()
    token = url.split("/")[-2]
    assert not [r.getMessage() for r in caplog.records if token in r.getMessage()]


# --- the SMS ------------------------------------------------------------------------------------------------


def test_the_leader_sends_the_link_once_per_half_year_to_the_active_users(world):
    ended = f.FollowUpFactory(
        unit=world.unit,
        trust_person=world.trust_person,
        status=FollowUp.Status.ENDED,
        service_user=f.ServiceUserFactory(municipality=world.municipality),
    )
    no_phone = f.FollowUpFactory(
        unit=world.unit,
        trust_person=world.trust_person,
        service_user=f.ServiceUserFactory(municipality=world.municipality, phone=""),
    )
    client = login(Client(), world.leader)
    response = client.post(reverse("feedback_send_links"), {"enhet": world.unit.pk, **SEND}, follow=True)
    assert "Lenken er sendt på SMS til 2 brukere i Oppfølgingstjenesten Øst." in response.content.decode()
    notes = Notification.objects.filter(channel=Notification.Channel.SMS)
    assert {n.recipient_service_user_id for n in notes} == {world.owner_su.pk, world.other_su.pk}
    assert ended.service_user_id not in {n.recipient_service_user_id for n in notes}
    assert no_phone.service_user_id not in {n.recipient_service_user_id for n in notes}
    # Each SMS carries that person's own link, which opens the questions without logging in.
    mine = notes.get(recipient_service_user=world.owner_su)
    url = next(word for word in mine.body.split() if "/tilbakemelding/" in word)
    path = urlsplit(url).path
    assert resolve(path).url_name == "feedback_link"
    assert "Hopp over" in Client().get(path).content.decode()
    assert Client().post(path, ALL_FOUR).status_code == 302
    # A second time this half-year: refused, nothing more in the outbox.
    again = client.post(reverse("feedback_send_links"), {"enhet": world.unit.pk, **SEND}, follow=True)
    assert (
        "Lenken er allerede sendt til brukerne i Oppfølgingstjenesten Øst dette halvåret."
        in again.content.decode()
    )
    assert Notification.objects.count() == 2
    assert (
        "Lenken ble sendt 18.11.2026 til 2 brukere."
        in client.get(reverse("feedback_results")).content.decode()
    )


SEND = {"bekreft": "ja"}


def test_sending_the_links_asks_first_without_javascript(world):
    client = login(Client(), world.leader)
    results = client.get(reverse("feedback_results"), {"enhet": world.unit.pk}).content.decode()
    # The results page's button opens the question; it sends nothing itself.
    form = re.search(
        r'<form method="get" action="([^"]+)"[^>]*>(?:(?!</form>).)*Send lenke på SMS', results, re.S
    )
    assert form and form.group(1) == reverse("feedback_send_links")
    asked = client.get(reverse("feedback_send_links"), {"enhet": world.unit.pk})
    body = asked.content.decode()
    assert asked.status_code == 200 and "Send lenke til 2 brukere?" in body
    assert re.search(r'<button class="ds-button" type="submit"[^>]*>Send</button>', body)
    assert f'href="{reverse("feedback_results")}?enhet={world.unit.pk}">Avbryt</a>' in body
    assert "<script" not in body.split("<main", 1)[1]
    assert not Notification.objects.exists()
    # A post without the confirmation (an old page, a double click on the results page) asks again.
    again = client.post(reverse("feedback_send_links"), {"enhet": world.unit.pk})
    assert again.status_code == 200 and "Send lenke til 2 brukere?" in again.content.decode()
    assert not Notification.objects.exists()
    sent = client.post(reverse("feedback_send_links"), {"enhet": world.unit.pk, **SEND})
    assert sent.status_code == 302 and Notification.objects.count() == 2
    # Sent this half-year: the question is not asked again.
    after = client.get(reverse("feedback_send_links"), {"enhet": world.unit.pk}, follow=True).content.decode()
    assert "Lenken er allerede sendt til brukerne i Oppfølgingstjenesten Øst dette halvåret." in after
    assert Notification.objects.count() == 2


def test_the_sms_goes_to_everyone_whether_they_answered_or_not(world):
    # Leaving out those who answered would tell who they are.
    login(Client(), world.owner).post(reverse("my_feedback"), ALL_FOUR)
    assert feedback.send_links(world.leader, world.unit) == 2


def test_only_a_leader_of_the_municipality_sends_links(world):
    for user in (world.other_leader, world.trust_person, world.partner_valid, world.owner, world.admin):
        response = login(Client(), user).post(
            reverse("feedback_send_links"), {"enhet": world.unit.pk, **SEND}
        )
        assert response.status_code == 404, user.username
        assert (
            login(Client(), user).get(reverse("feedback_send_links"), {"enhet": world.unit.pk}).status_code
            == 404
        )
    assert not Notification.objects.exists()
    assert (
        Client()
        .post(reverse("feedback_send_links"), {"enhet": world.unit.pk})["Location"]
        .startswith(reverse("login"))
    )


def test_the_command_sends_per_unit_once(world):
    from io import StringIO

    out = StringIO()
    call_command("send_feedback_links", "--unit", str(world.unit.pk), stdout=out)
    call_command("send_feedback_links", "--all", stdout=out)
    text = out.getvalue()
    assert "Oppfølgingstjenesten Øst: 2 SMS" in text and "allerede sendt" in text
    assert world.owner_su.first_name not in text
    assert Notification.objects.count() == 2


# --- paper --------------------------------------------------------------------------------------------------


def _nonce(client) -> str:
    """The one-time token of a fresh paper form."""
    page = client.get(reverse("feedback_paper")).content.decode()
    return re.search(r'name="skjema" value="([^"]+)"', page).group(1)


def _paper(client, data: dict):
    return client.post(reverse("feedback_paper"), {"skjema": _nonce(client), **data})


def test_a_paper_form_posted_twice_is_saved_once(world):
    client = login(Client(), world.trust_person)
    nonce = _nonce(client)
    first = client.post(reverse("feedback_paper"), {"skjema": nonce, "unit": world.unit.pk, **ALL_FOUR})
    assert first.status_code == 302
    # The back button and «Lagre svarene» again: the same form, refused, a fresh form to type the next one in.
    again = client.post(
        reverse("feedback_paper"), {"skjema": nonce, "unit": world.unit.pk, **ALL_FOUR}, follow=True
    )
    body = again.content.decode()
    assert "Dette skjemaet er allerede lagret." in body and f'value="{nonce}"' not in body
    assert FeedbackAnswer.objects.count() == 1
    # A new form is a new answer; a form without its token, or a made-up one, is not saved.
    assert _paper(client, {"unit": world.unit.pk, **ALL_FOUR}).status_code == 302
    assert FeedbackAnswer.objects.count() == 2
    for bad in ("", "kort", "x" * 200, "<script>"):
        response = client.post(reverse("feedback_paper"), {"skjema": bad, "unit": world.unit.pk, **ALL_FOUR})
        assert response.status_code == 200 and "Last inn siden på nytt" in response.content.decode()
    assert FeedbackAnswer.objects.count() == 2
    # A form that was refused (a blank one) may be corrected and saved with the same token.
    nonce = _nonce(client)
    blank = client.post(reverse("feedback_paper"), {"skjema": nonce, "unit": world.unit.pk})
    assert BLANK in blank.content.decode() and f'value="{nonce}"' in blank.content.decode()
    fixed = client.post(reverse("feedback_paper"), {"skjema": nonce, "unit": world.unit.pk, "q1": "2"})
    assert fixed.status_code == 302 and FeedbackAnswer.objects.count() == 3
    # Nothing about the respondent: the answers hold no token.
    assert not FeedbackAnswer.objects.filter(free_text__contains=nonce).exists()


def test_staff_of_the_unit_type_in_a_paper_form_without_anything_about_the_person(world):
    clients = [login(Client(), user) for user in (world.trust_person, world.other_trust_person, world.leader)]
    traces = _traces()  # (after the log-ins, which write their own history)
    for client in clients:
        form = client.get(reverse("feedback_paper")).content.decode()
        assert "Oppfølgingstjenesten Øst" in form and "navn" in form
        response = _paper(client, {"unit": world.unit.pk, **ALL_FOUR})
        assert response.status_code == 302
    assert FeedbackAnswer.objects.filter(channel=FeedbackAnswer.Channel.PAPER, unit=world.unit).count() == 3
    assert not FeedbackReceipt.objects.exists()  # no person, no receipt
    assert _traces() == traces


def test_paper_for_another_unit_is_refused(world):
    elsewhere = f.OrganisationFactory(name="Oppfølgingstjenesten Vest", municipality=world.municipality)
    stranger = f.UserFactory(username="tillit_vest")
    f.MembershipFactory(user=stranger, organisation=elsewhere, role=Membership.Role.TRUST_PERSON)
    response = _paper(login(Client(), stranger), {"unit": world.unit.pk, **ALL_FOUR})
    assert response.status_code == 200 and "Velg en av enhetene dine." in response.content.decode()
    with pytest.raises(ServiceError):
        feedback.enter_paper(stranger, world.unit, ALL_FOUR)
    assert not FeedbackAnswer.objects.exists()
    for user in (world.partner_valid, world.owner, world.admin):
        assert (
            login(Client(), user)
            .post(reverse("feedback_paper"), {"unit": world.unit.pk, **ALL_FOUR})
            .status_code
            == 404
        )
    assert not FeedbackAnswer.objects.exists()


# --- results ------------------------------------------------------------------------------------------------


def test_four_answers_show_nothing_five_show_the_results(world):
    _answers(world.unit, 4)
    client = login(Client(), world.leader)
    page = client.get(reverse("feedback_results"), {"enhet": world.unit.pk, "periode": HALF}).content.decode()
    assert SUPPRESSED in page and "Snitt" not in page and "4 har svart" not in page
    four = feedback.results_for(world.unit, HALF)
    assert four.suppressed and four.answered is None and four.questions == [] and four.texts == []
    _answers(world.unit, 1, q1=5)
    page = client.get(reverse("feedback_results"), {"enhet": world.unit.pk, "periode": HALF}).content.decode()
    assert SUPPRESSED not in page and "5 har svart." in page
    five = feedback.results_for(world.unit, HALF)
    q1, q2, q3 = five.questions[:3]
    # q1: one person on each step: the mean and n only, no step counts.
    assert five.answered == 5 and q1.mean == 3.0 and q1.answered == 5 and q1.steps == []
    assert q1.distribution_hidden and not q2.distribution_hidden
    assert q2.mean == 4.0 and [s.percent for s in q2.steps] == [0, 0, 0, 100, 0]
    assert q3.suppressed  # nobody answered it
    assert "Snitt 3,0 av 5 (5 svarte)." in page and "Færre enn 5 svarte på dette spørsmålet." in page
    # Another half-year, another unit: their own counts.
    assert feedback.results_for(world.unit, "2026-H1").suppressed
    assert feedback.results_for(world.other_unit, HALF).suppressed


def test_no_step_count_under_five_is_shown_so_one_answer_cannot_be_told_apart(world):
    # Six answered: q1 five «Alltid» and one «Aldri»; q2 all «Ofte»; q3 five «Ofte», one skipped.
    _answers(world.unit, 5, q1=5, q3=4)
    _answers(world.unit, 1, q1=1)
    client = login(Client(), world.leader)
    page = client.get(reverse("feedback_results"), {"enhet": world.unit.pk, "periode": HALF}).content.decode()
    results = feedback.results_for(world.unit, HALF)
    q1, q2, q3 = results.questions[:3]
    # A step chosen by 1–4 people is not shown, and neither are the others (the one would be n minus them).
    assert q1.steps == [] and q1.distribution_hidden and (q1.answered, q1.mean) == (6, 4.3)
    assert "Snitt 4,3 av 5 (6 svarte)." in page
    assert "Fordelingen vises ikke, fordi under 5 valgte ett av svarene." in page
    assert [s.count for s in q2.steps] == [0, 0, 0, 6, 0] and not q2.distribution_hidden
    assert [s.count for s in q3.steps] == [0, 0, 0, 5, 0] and q3.answered == 5
    # No table cell on the page holds a count from 1 to 4.
    assert not re.search(r'<td class="numeric">[1-4]</td>', page)
    assert page.count('class="ds-table feedback-bars"') == 2  # q2's and q3's


def test_the_free_text_is_shown_only_after_a_leader_checked_it(world):
    _answers(world.unit, 4)
    FeedbackAnswer.objects.create(
        unit=world.unit,
        half_year=HALF,
        month=datetime.date(2026, 11, 1),
        channel="paper",
        q1=5,
        free_text="Kari Nordmann hjalp meg med NAV.",
        text_status=FeedbackAnswer.TextStatus.UNCHECKED,
    )
    client = login(Client(), world.leader)
    results = reverse("feedback_results")
    page = client.get(results).content.decode()
    assert "hjalp meg med NAV" not in page and "1 tekst venter på å bli sjekket for navn." in page
    check = client.get(reverse("feedback_check")).content.decode()
    assert "Kari Nordmann hjalp meg med NAV." in check
    answer = FeedbackAnswer.objects.get(text_status=FeedbackAnswer.TextStatus.UNCHECKED)
    # The check page shows the text and nothing else of the answer.
    assert "Veldig" not in check and "Papir" not in check and "november" not in check.lower()
    done = client.post(
        reverse("feedback_check"),
        {"tekst": str(answer.pk), "valg": "checked", "text": "[navn] hjalp meg med NAV."},
    )
    assert done.status_code == 302
    answer.refresh_from_db()
    assert answer.text_status == FeedbackAnswer.TextStatus.CHECKED
    assert answer.free_text_shown == "[navn] hjalp meg med NAV." and "Kari" not in answer.free_text
    page = client.get(results).content.decode()
    assert "[navn] hjalp meg med NAV." in page and "Kari Nordmann" not in page
    assert "Ingen tekster venter på å bli sjekket." in client.get(reverse("feedback_check")).content.decode()


def test_a_withheld_text_is_never_shown_and_not_kept(world):
    _answers(world.unit, 4)
    _answers(world.unit, 1, free_text="Ola på Lade er slem.", text_status=FeedbackAnswer.TextStatus.UNCHECKED)
    answer = FeedbackAnswer.objects.get(text_status=FeedbackAnswer.TextStatus.UNCHECKED)
    client = login(Client(), world.leader)
    client.post(reverse("feedback_check"), {"tekst": str(answer.pk), "valg": "withheld", "text": "x"})
    answer.refresh_from_db()
    assert answer.text_status == FeedbackAnswer.TextStatus.WITHHELD
    assert answer.free_text == "" and answer.free_text_shown == ""
    assert "Ola" not in client.get(reverse("feedback_results")).content.decode()


def test_checking_bad_input(world):
    _answers(world.unit, 5, free_text="Tekst", text_status=FeedbackAnswer.TextStatus.UNCHECKED)
    answer = FeedbackAnswer.objects.order_by("pk").first()
    client = login(Client(), world.leader)
    empty = client.post(reverse("feedback_check"), {"tekst": str(answer.pk), "valg": "checked", "text": "  "})
    assert empty.status_code == 200 and "Teksten er tom." in empty.content.decode()
    odd = client.post(reverse("feedback_check"), {"tekst": str(answer.pk), "valg": "tja", "text": "Tekst"})
    assert odd.status_code == 200 and "Velg «Sjekket» eller «Holdes tilbake»." in odd.content.decode()
    assert (
        client.post(reverse("feedback_check"), {"tekst": "ikke-en-id", "valg": "checked"}).status_code == 404
    )
    assert (
        client.post(
            reverse("feedback_check"), {"tekst": str(uuid.uuid4()), "valg": "checked", "text": "x"}
        ).status_code
        == 404
    )
    assert not FeedbackAnswer.objects.exclude(text_status=FeedbackAnswer.TextStatus.UNCHECKED).exists()
    # Another municipality's leader cannot check (nor see) Trondheim's texts.
    other = login(Client(), world.other_leader)
    assert "Ingen tekster venter på å bli sjekket." in other.get(reverse("feedback_check")).content.decode()
    assert (
        other.post(
            reverse("feedback_check"), {"tekst": str(answer.pk), "valg": "checked", "text": "Tekst"}
        ).status_code
        == 404
    )
    answer.refresh_from_db()
    assert answer.text_status == FeedbackAnswer.TextStatus.UNCHECKED


def test_nobody_reads_a_text_from_fewer_than_five(world):
    _answers(world.unit, 3)
    _answers(world.unit, 1, free_text="Bare fire har svart.", text_status=FeedbackAnswer.TextStatus.UNCHECKED)
    client = login(Client(), world.leader)
    assert "Bare fire har svart." not in client.get(reverse("feedback_check")).content.decode()
    answer = FeedbackAnswer.objects.get(text_status=FeedbackAnswer.TextStatus.UNCHECKED)
    assert (
        client.post(
            reverse("feedback_check"), {"tekst": str(answer.pk), "valg": "checked", "text": "x"}
        ).status_code
        == 404
    )


def test_the_results_gate(world):
    _answers(world.unit, 5)
    url = reverse("feedback_results")
    assert login(Client(), world.leader).get(url, {"enhet": world.unit.pk}).status_code == 200
    for user in (
        world.trust_person,
        world.deputy,
        world.partner_valid,
        world.partner_org_member,
        world.owner,
        world.admin,
    ):
        assert login(Client(), user).get(url).status_code == 404, user.username
        assert login(Client(), user).get(reverse("feedback_check")).status_code == 404, user.username
    other = login(Client(), world.other_leader)
    assert other.get(url, {"enhet": world.unit.pk}).status_code == 404
    assert "Oppfølgingstjenesten Øst" not in other.get(url).content.decode()
    assert Client().get(url)["Location"].startswith(reverse("login"))


def test_a_bad_period_or_unit_is_a_plain_answer(world):
    client = login(Client(), world.leader)
    for bad in ("tull", "2099-H1", "2026-H3", ""):
        page = client.get(reverse("feedback_results"), {"periode": bad})
        assert page.status_code == 200
        if bad:
            assert "Velg et halvår fra listen. Her vises 2. halvår 2026." in page.content.decode()
    assert client.get(reverse("feedback_results"), {"enhet": "tull"}).status_code == 404
    assert client.get(reverse("feedback_results"), {"enhet": world.nav.pk}).status_code == 404


def test_the_leader_overview_links_to_the_results(world):
    page = login(Client(), world.leader).get(reverse("leader_overview")).content.decode()
    assert reverse("feedback_results") in page and "Anonyme tilbakemeldinger" in page


def test_the_results_page_costs_the_same_with_many_answers(world, django_assert_max_num_queries):
    _answers(
        world.unit,
        5,
        free_text="Fint.",
        free_text_shown="Fint.",
        text_status=FeedbackAnswer.TextStatus.CHECKED,
    )
    client = login(Client(), world.leader)
    client.get(reverse("feedback_results"))
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("feedback_results"))
    _answers(
        world.unit,
        40,
        free_text="Fint.",
        free_text_shown="Fint.",
        text_status=FeedbackAnswer.TextStatus.CHECKED,
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("feedback_results"))


def test_no_read_api_for_single_answers():
    """No API view reads answers: no viewset or view under /api/ has FeedbackAnswer as its queryset or
    serializer."""
    from django.urls import get_resolver

    from tests.test_matrix_coverage import _routes

    checked = 0
    for pattern_name, path, _namespace in _routes(get_resolver().url_patterns):
        if not path.startswith("api/"):
            continue
        match = resolve("/" + re.sub(r"<[^>]+>", "1", path).replace("^", "").replace("$", ""))
        view = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
        if view is None:
            continue
        checked += 1
        queryset = getattr(view, "queryset", None)
        assert getattr(queryset, "model", None) not in (FeedbackAnswer, FeedbackReceipt), pattern_name
        serializer = getattr(view, "serializer_class", None)
        meta = getattr(serializer, "Meta", None)
        assert getattr(meta, "model", None) not in (FeedbackAnswer, FeedbackReceipt), pattern_name
    assert checked > 10


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "SITE_URL='http://127.0.0.1:8012'"),
        ({"SITE_URL": "https://ot.kommune.no"}, "SITE_URL='https://ot.kommune.no'"),
    ],
)
def test_make_run_gives_the_sms_link_the_port_it_serves_on(env, expected):
    # The SMS's link is SITE_URL + the path: with PORT=8012 it must not point to 8000.
    import os
    import subprocess
    from pathlib import Path

    environ = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | env
    root = Path(__file__).resolve().parents[2]
    dry = subprocess.run(
        ["make", "-n", "run", "PORT=8012"], cwd=root, env=environ, capture_output=True, text=True, check=True
    ).stdout
    serve = next(line for line in dry.splitlines() if "runserver" in line)
    assert expected in dry and serve.strip().endswith("runserver 127.0.0.1:8012")
