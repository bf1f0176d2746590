"""The national identity number in the staff forms (issue 13): «Fødselsnummer (11 siffer)» at intake, «Nytt
fødselsnummer» when editing; compacted, checked (check digits, D-numbers, test persons' synthetic numbers only where
``NATIONAL_ID_ACCEPT_SYNTHETIC`` is on), one person per number (never saying whose), and never in a log line, a
message or a notification."""

from __future__ import annotations

import datetime
import logging

import pytest
import time_machine
from django.urls import reverse

from koordinator.models import FollowUp, Notification, ServiceUser
from koordinator.signin import national_id
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.django_db
REGISTER = reverse("service_user_register")

# Test persons' synthetic numbers (month + 80), like demo/sign_in_persons.json: nobody's real number.
KARI = "14838841385"  # born 14.03.1988
KARI_OTHER = "14838841113"  # born 14.03.1988, another individual number
SYNTHETIC_D_NUMBER = "54838841379"  # a D-number for 14.03.1988 (day + 40), synthetic
# The same, in the form real numbers have (for the checks with synthetic numbers refused).
REAL_FORM = "14038841581"
REAL_FORM_D_NUMBER = "54038841303"
BAD_CHECK_DIGITS = "14838841386"
INVALID_MESSAGE = "Fødselsnummeret er ikke gyldig"
TAKEN_MESSAGE = "Dette fødselsnummeret er allerede registrert. Kontakt systemansvarlig."


@pytest.fixture(autouse=True)
def _synthetic_accepted(settings):
    settings.NATIONAL_ID_ACCEPT_SYNTHETIC = True


def intake_data(world, **overrides):
    data = {
        "first_name": "Geir",
        "last_name": "Lien",
        "phone": "912 34 567",
        "preferred_channel": "sms",
        "language": "norsk",
        "unit": world.unit.pk,
        "trust_person": world.trust_person.pk,
        "referral_source": "self",
    }
    data.update(overrides)
    return data


def register(client, world, **overrides):
    return login(client, world.trust_person).post(REGISTER, intake_data(world, **overrides))


def edit_url(world) -> str:
    return reverse("service_user_edit", args=[world.owner_su.pk])


def edit_data(world, **overrides) -> dict:
    su = world.owner_su
    data = {
        "first_name": su.first_name,
        "last_name": su.last_name,
        "birth_date": "",
        "phone": su.phone,
        "email": su.email,
        "preferred_channel": su.preferred_channel,
        "language": su.language,
        "interpreter_language": "",
        "address": su.address,
        "postal_code": su.postal_code,
        "city": su.city,
    }
    data.update(overrides)
    return data


# --- intake -----------------------------------------------------------------------------------------------------


def test_the_intake_form_asks_for_the_number_under_its_name(client, world):
    page = login(client, world.trust_person).get(REGISTER).content.decode()
    assert "Fødselsnummer (11 siffer)" in page
    assert 'name="national_id"' in page and 'inputmode="numeric"' in page and 'autocomplete="off"' in page


def test_intake_stores_the_number_compacted_and_the_birth_date_from_it(client, world):
    response = register(client, world, national_id="148388 413 85")
    assert response.status_code == 302
    su = ServiceUser.objects.get(first_name="Geir")
    assert su.national_id == KARI
    assert su.birth_date == datetime.date(1988, 3, 14)
    assert KARI not in response["Location"]
    # The history says that it was registered, never the number.
    reasons = list(su.history.values_list("history_change_reason", flat=True))
    assert "Fødselsnummer registrert" in reasons
    assert not any(KARI in (reason or "") for reason in reasons)


def test_intake_without_a_number_is_as_before(client, world):
    assert register(client, world).status_code == 302
    assert ServiceUser.objects.get(first_name="Geir").national_id == ""


@pytest.mark.parametrize(
    "typed",
    [BAD_CHECK_DIGITS, "1483884138", "148388413850", "14838841x85", "31028841385"],
    ids=["check-digits", "ten-digits", "twelve-digits", "a-letter", "no-such-date"],
)
def test_a_number_that_is_not_valid_is_refused_in_plain_words_and_nothing_is_saved(client, world, typed):
    before = (ServiceUser.objects.count(), FollowUp.objects.count())
    response = register(client, world, national_id=typed)
    assert response.status_code == 200
    assert INVALID_MESSAGE in response.context["form"].errors["national_id"][0]
    page = response.content.decode()
    assert 'href="#id_national_id"' in page  # the error summary links to the field
    assert (ServiceUser.objects.count(), FollowUp.objects.count()) == before


def test_a_d_number_is_accepted(client, world, settings):
    settings.NATIONAL_ID_ACCEPT_SYNTHETIC = False
    assert register(client, world, national_id=REAL_FORM_D_NUMBER).status_code == 302
    su = ServiceUser.objects.get(first_name="Geir")
    assert su.national_id == REAL_FORM_D_NUMBER
    assert su.birth_date == datetime.date(1988, 3, 14)


def test_a_synthetic_d_number_is_accepted_where_test_persons_are(client, world):
    assert register(client, world, national_id=SYNTHETIC_D_NUMBER).status_code == 302
    assert ServiceUser.objects.get(first_name="Geir").national_id == SYNTHETIC_D_NUMBER


def test_a_test_persons_synthetic_number_is_refused_unless_the_setting_allows_it(client, world, settings):
    settings.NATIONAL_ID_ACCEPT_SYNTHETIC = False
    response = register(client, world, national_id=KARI)
    assert response.status_code == 200
    assert INVALID_MESSAGE in response.context["form"].errors["national_id"][0]
    assert not ServiceUser.objects.filter(first_name="Geir").exists()
    # A number in the real form is accepted all the same.
    assert register(client, world, national_id=REAL_FORM).status_code == 302

    settings.NATIONAL_ID_ACCEPT_SYNTHETIC = True
    assert register(client, world, first_name="Gro", national_id=KARI).status_code == 302
    assert ServiceUser.objects.get(first_name="Gro").national_id == KARI


def test_a_number_someone_has_already_is_refused_without_saying_whose(client, world):
    # Someone in another municipality, whom the trust person may not see.
    f.ServiceUserFactory(
        municipality=world.other_municipality, first_name="Hemmelig", last_name="Person", national_id=KARI
    )
    before = ServiceUser.objects.count()
    response = register(client, world, national_id="148388 41385")
    assert response.status_code == 200
    assert response.context["form"].errors["national_id"] == [TAKEN_MESSAGE]
    assert "Hemmelig" not in response.content.decode()
    assert ServiceUser.objects.count() == before


def test_a_number_that_does_not_fit_the_birth_date_is_refused(client, world):
    response = register(client, world, national_id=KARI, birth_date="1990-01-01")
    assert response.status_code == 200
    assert "passer ikke med fødselsdatoen" in response.context["form"].errors["national_id"][0]
    assert not ServiceUser.objects.filter(first_name="Geir").exists()


def test_two_registrations_at_once_cannot_give_one_number_to_two(world, monkeypatch):
    """The form's check came first; the database's unique rule catches the one that loses the race (here the check
    is made to miss it): the service says it in the form's words and saves nothing."""
    from koordinator.toolkit import ServiceError

    first = f.ServiceUserFactory(municipality=world.municipality)
    f.FollowUpFactory(service_user=first, unit=world.unit, trust_person=world.trust_person)
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(national_id=KARI)  # registered a moment ago
    monkeypatch.setattr(national_id, "is_taken", lambda number, by_other_than=None: False)
    history = first.history.count()
    with pytest.raises(ServiceError) as refused:
        national_id.set_national_id(world.trust_person, first, KARI)
    assert str(refused.value.message) == TAKEN_MESSAGE and refused.value.field == "national_id"
    first.refresh_from_db()
    assert first.national_id == "" and first.history.count() == history


# --- editing ----------------------------------------------------------------------------------------------------


def test_the_edit_form_shows_the_number_masked_and_an_empty_field_for_a_new_one(client, world):
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(national_id=KARI)
    page = login(client, world.trust_person).get(edit_url(world)).content.decode()
    assert "Nytt fødselsnummer (11 siffer)" in page
    assert "148388 *****" in page
    assert KARI not in page and "41385" not in page
    assert "Fjern fødselsnummeret" in page


def test_the_edit_form_without_a_number_asks_for_one(client, world):
    page = login(client, world.trust_person).get(edit_url(world)).content.decode()
    assert "Fødselsnummer (11 siffer)" in page and "Ikke registrert" in page
    assert "Fjern fødselsnummeret" not in page


def test_staff_register_a_number_when_editing(client, world):
    response = login(client, world.deputy).post(edit_url(world), edit_data(world, national_id=KARI))
    assert response.status_code == 302
    world.owner_su.refresh_from_db()
    assert world.owner_su.national_id == KARI


def test_staff_change_and_remove_the_number(client, world):
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(national_id=KARI)
    login(client, world.leader)
    assert client.post(edit_url(world), edit_data(world, national_id=KARI_OTHER)).status_code == 302
    world.owner_su.refresh_from_db()
    assert world.owner_su.national_id == KARI_OTHER
    assert client.post(edit_url(world), edit_data(world, remove_national_id="on")).status_code == 302
    world.owner_su.refresh_from_db()
    assert world.owner_su.national_id == ""
    reasons = list(world.owner_su.history.values_list("history_change_reason", flat=True))
    assert "Fødselsnummer endret" in reasons and "Fødselsnummer fjernet" in reasons


def test_leaving_the_field_empty_keeps_the_number(client, world):
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(national_id=KARI)
    response = login(client, world.trust_person).post(edit_url(world), edit_data(world, city="Ranheim"))
    assert response.status_code == 302
    world.owner_su.refresh_from_db()
    assert (world.owner_su.national_id, world.owner_su.city) == (KARI, "Ranheim")


def test_nothing_changed_is_said_so(client, world):
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(national_id=KARI)
    before = world.owner_su.history.count()
    response = login(client, world.trust_person).post(
        edit_url(world), edit_data(world, national_id=KARI), follow=True
    )
    assert "Du endret ingenting." in response.content.decode()
    assert world.owner_su.history.count() == before


def test_editing_refuses_a_taken_number_and_keeps_the_other_changes_out(client, world):
    other = f.ServiceUserFactory(municipality=world.other_municipality, national_id=KARI_OTHER)
    before = world.owner_su.history.count()
    response = login(client, world.trust_person).post(
        edit_url(world), edit_data(world, city="Ranheim", national_id=KARI_OTHER)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["national_id"] == [TAKEN_MESSAGE]
    assert other.first_name not in response.content.decode()
    world.owner_su.refresh_from_db()
    assert (world.owner_su.national_id, world.owner_su.city) == ("", "")
    assert world.owner_su.history.count() == before


def test_a_new_number_and_removing_it_at_once_is_refused(client, world):
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(national_id=KARI)
    response = login(client, world.trust_person).post(
        edit_url(world), edit_data(world, national_id=KARI_OTHER, remove_national_id="on")
    )
    assert response.status_code == 200
    assert "remove_national_id" in response.context["form"].errors
    world.owner_su.refresh_from_db()
    assert world.owner_su.national_id == KARI


def test_the_owner_does_not_change_their_own_number(client, world):
    """The owner's edit page (and Min side's) has no such field; the service refuses it too."""
    page = login(client, world.owner).get(edit_url(world)).content.decode()
    assert 'name="national_id"' not in page
    response = client.post(
        edit_url(world),
        {"phone": "912 34 567", "preferred_channel": "sms", "language": "norsk", "national_id": KARI},
    )
    assert response.status_code in (200, 302)
    world.owner_su.refresh_from_db()
    assert world.owner_su.national_id == ""
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        national_id.set_national_id(world.owner, world.owner_su, KARI)


# --- a changed number: the ID-porten links go, the owner is told ------------------------------------------------------

CHANGED_NOTICE = (
    "Fødselsnummeret ditt hos oppfølgingstjenesten ble endret 09.03.2026. Var det ikke riktig, ta kontakt med "
    "tillitspersonen din."
)
ON_THE_DAY = datetime.datetime(2026, 3, 9, 14, 30, tzinfo=datetime.UTC)


def _linked(world):
    """Kari's account has logged in through ID-porten (a link) and has a staff log-in too (not ID-porten's)."""
    from koordinator.models import SignInIdentity

    ServiceUser.objects.filter(pk=world.owner_su.pk).update(national_id=KARI)
    SignInIdentity.objects.create(user=world.owner, provider="citizen", subject="kari-sub")
    SignInIdentity.objects.create(user=world.owner, provider="staff", subject="kari-ansatt")


def _citizen_links(world) -> list[str]:
    from koordinator.models import SignInIdentity

    return list(SignInIdentity.objects.filter(user=world.owner, provider="citizen").values_list("subject", flat=True))


@pytest.mark.parametrize("change", [{"national_id": KARI_OTHER}, {"remove_national_id": "on"}])
def test_changing_or_removing_the_number_unlinks_id_porten_and_tells_the_owner(client, world, change):
    """The old number's ID-porten identity no longer logs in to the account (the person with the new number links
    theirs at their next log-in), and the owner hears of it by their own channel, without the number."""
    from koordinator import outbox
    from koordinator.models import SignInIdentity

    _linked(world)
    last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with time_machine.travel(ON_THE_DAY, tick=False):
        response = login(client, world.trust_person).post(edit_url(world), edit_data(world, **change))
    assert response.status_code == 302

    assert _citizen_links(world) == []
    assert SignInIdentity.objects.filter(user=world.owner, provider="staff").exists()
    gone = SignInIdentity.history.filter(subject="kari-sub", history_type="-").get()
    assert gone.history_user_id == world.trust_person.pk
    notice = Notification.objects.get(pk__gt=last)
    assert notice.recipient_service_user_id == world.owner_su.pk
    assert notice.channel == outbox.choose_channel(world.owner_su) == "sms"
    assert notice.body.startswith(CHANGED_NOTICE)  # every SMS to a user ends with «Ring meg» (issue 16)
    assert notice.subject == "Fødselsnummeret ditt er endret"
    for number in (KARI, KARI_OTHER, "41385", "41113"):
        assert number not in notice.subject + notice.body
    reason = world.owner_su.history.order_by("-history_id").first().history_change_reason
    assert reason.startswith("Fødselsnummer endret" if "national_id" in change else "Fødselsnummer fjernet")
    assert "innlogging med ID-porten koblet fra" in reason


def test_a_changed_number_without_a_link_tells_the_owner_and_says_nothing_of_links(client, world):
    ServiceUser.objects.filter(pk=world.owner_su.pk).update(national_id=KARI)
    world.owner_su.refresh_from_db()
    with time_machine.travel(ON_THE_DAY, tick=False):
        national_id.set_national_id(world.leader, world.owner_su, KARI_OTHER)
    assert Notification.objects.filter(recipient_service_user=world.owner_su, body__startswith=CHANGED_NOTICE).count() == 1
    assert world.owner_su.history.order_by("-history_id").first().history_change_reason == "Fødselsnummer endret"


def test_registering_a_first_number_tells_no_one(client, world):
    last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    national_id.set_national_id(world.trust_person, world.owner_su, KARI)
    assert not Notification.objects.filter(pk__gt=last).exists()
    assert world.owner_su.history.first().history_change_reason == "Fødselsnummer registrert"


def test_a_refused_or_unchanged_number_unlinks_nothing_and_tells_no_one(client, world):
    _linked(world)
    f.ServiceUserFactory(municipality=world.other_municipality, national_id=KARI_OTHER)
    last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    login(client, world.trust_person)
    assert client.post(edit_url(world), edit_data(world, national_id=KARI_OTHER)).status_code == 200  # taken
    assert client.post(edit_url(world), edit_data(world, national_id=KARI)).status_code == 302  # the same
    assert _citizen_links(world) == ["kari-sub"]
    assert not Notification.objects.filter(pk__gt=last).exists()


# --- never in an error report ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["intake", "edit"])
def test_an_error_report_never_carries_the_number(client, world, monkeypatch, where):
    """Saving the number fails (the database, say): the error report shows the form's fields but not the number, in
    the POST or in any frame's variables (sensitive_post_parameters, sensitive_variables)."""
    from tests.koordinator.error_report import breaks, error_report

    monkeypatch.setattr(national_id, "save_with_history", breaks)
    login(client, world.trust_person)
    if where == "intake":
        report = error_report(client, REGISTER, intake_data(world, national_id="148388 41385"))
    else:
        report = error_report(client, edit_url(world), edit_data(world, national_id="148388 41385"))
    assert "national_id" in report
    assert "41385" not in report and KARI not in report
    assert not ServiceUser.objects.filter(national_id=KARI).exists()


# --- never in a log line, a message or a notification ------------------------------------------------------------


def test_the_number_is_in_no_log_line_message_or_notification(client, world, caplog):
    caplog.set_level(logging.DEBUG)
    last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    login(client, world.trust_person)
    register(client, world, national_id=BAD_CHECK_DIGITS)
    response = client.post(REGISTER, intake_data(world, national_id=KARI), follow=True)
    assert response.status_code == 200
    client.post(edit_url(world), edit_data(world, national_id=KARI))  # taken: refused
    client.post(edit_url(world), edit_data(world, national_id=KARI_OTHER))
    assert ServiceUser.objects.filter(national_id__in=[KARI, KARI_OTHER]).count() == 2
    for number in (KARI, KARI_OTHER, BAD_CHECK_DIGITS, "41385", "41113"):
        assert number not in caplog.text
    texts = [
        f"{subject} {body}"
        for subject, body in Notification.objects.filter(pk__gt=last).values_list("subject", "body")
    ]
    assert not any(number in text for text in texts for number in (KARI, KARI_OTHER))
    # The message after saving names the person, not the number.
    assert KARI not in " ".join(str(m) for m in response.context["messages"])
