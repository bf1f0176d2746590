"""The absence form does what it shows (issue 12, item 1).

The leader registers an absence for a trust person whose deputy is away too. Step two must say so, offer a
colleague who is at work or cancelling, pre-select only what will happen; saving the page as it stands must do
exactly that; and the users whose appointments change are told at once, not when ``run_reminders`` next runs.
"""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse

from koordinator import continuity
from koordinator.models import Absence, Appointment, Notification
from koordinator.timeutil import at
from koordinator.toolkit import ServiceError
from tests.conftest import login

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 11, 23)
WEDNESDAY, THURSDAY, FRIDAY = (MONDAY + datetime.timedelta(days=n) for n in (2, 3, 4))


@pytest.fixture
def clock():
    with time_machine.travel(at(MONDAY, 7, 30), tick=False) as traveller:
        yield traveller


def visit(world, day, hour=10):
    return Appointment.objects.create(
        follow_up=world.case, service_user=world.owner_su, trust_person=world.trust_person, starts_at=at(day, hour),
        place="home", about="Hjemmebesøk", created_by=world.trust_person,
    )


@pytest.fixture
def three_visits(world, clock):
    return [visit(world, day) for day in (WEDNESDAY, THURSDAY, FRIDAY)]


def deputy_away(world, first=WEDNESDAY, last=FRIDAY):
    Absence.objects.create(person=world.deputy, kind="ferie", starts_on=first, ends_on=last,
                           registered_by=world.deputy)


def step_one(**extra):
    data = {"kind": "ferie", "starts_on": WEDNESDAY.isoformat(), "ends_on": FRIDAY.isoformat(), "note": ""}
    data.update(extra)
    return data


class _Form(HTMLParser):
    """What a browser sends when the form is submitted as it stands: the checked radios, the selected options,
    the filled-in inputs (everything but the buttons)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self.radios: dict[str, list[tuple[str, bool]]] = {}
        self._select: str | None = None
        self._first_option: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("radio", "checkbox"):
                self.radios.setdefault(name, []).append((a.get("value", ""), "checked" in a))
                if "checked" in a:
                    self.data[name] = a.get("value", "")
            else:
                self.data[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            self._first_option.setdefault(self._select, a.get("value", ""))
            if "selected" in a:
                self.data[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self.data.setdefault(self._select, self._first_option.get(self._select, ""))
            self._select = None


def as_browser(html: str) -> _Form:
    form = _Form()
    form.feed(html)
    return form


def test_step_two_says_the_deputy_is_away_and_preselects_only_what_will_happen(client, world, three_visits):
    deputy_away(world)
    login(client, world.leader)
    page = client.post(reverse("absence_register"), step_one(person=world.trust_person.pk)).content.decode()
    assert "Stedfortrederen" in page and "er også borte denne dagen" in page
    assert world.deputy.display_name in page
    form = as_browser(page)
    for appointment in three_visits:
        choices = dict(form.radios[f"decision_{appointment.pk}"])
        # The deputy is not offered: he is away. A colleague who is at work is, and cancelling.
        assert "deputy" not in choices
        assert continuity.colleague_choice(world.other_trust_person) in choices
        assert continuity.colleague_choice(world.deputy) not in choices
        # A colleague could take it: nothing is pre-selected, so one click never cancels it (issue 12, item 1).
        assert f"decision_{appointment.pk}" not in form.data
    assert "Velg hvem som tar 3 avtaler" in page and "avlys 3" not in page
    # No «Velg …» error before the leader has tried to save.
    assert "Velg hvem som tar avtalen, eller avlys den." not in page
    assert Absence.objects.filter(person=world.trust_person).count() == 0  # nothing saved yet


def test_saving_without_choosing_saves_nothing_and_asks_for_each(client, world, three_visits):
    deputy_away(world)
    login(client, world.leader)
    url = reverse("absence_register")
    form = as_browser(client.post(url, step_one(person=world.trust_person.pk)).content.decode())
    page = client.post(url, {**form.data, "confirm": "1"}).content.decode()
    assert page.count("Velg hvem som tar avtalen, eller avlys den.") >= 3
    assert not Absence.objects.filter(person=world.trust_person).exists()
    assert set(Appointment.objects.values_list("status", flat=True)) == {"planned"}


def test_cancelling_is_said_above_the_button_and_on_it_and_the_users_are_told_at_once(client, world, three_visits):
    deputy_away(world)
    login(client, world.leader)
    url = reverse("absence_register")
    form = as_browser(client.post(url, step_one(person=world.trust_person.pk)).content.decode())
    chosen = {f"decision_{a.pk}": "cancel" for a in three_visits}
    page = client.post(url, {**form.data, **chosen}).content.decode()  # «Se på nytt»
    assert "3 avtaler blir avlyst, og brukerne får beskjed nå" in page
    assert "Lagre fraværet, avlys 3 avtaler og varsle" in page
    form = as_browser(page)
    response = client.post(url, {**form.data, "confirm": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("absences")
    for appointment in three_visits:
        appointment.refresh_from_db()
        assert appointment.status == "cancelled"
    assert "0 avtaler er gitt til stedfortreder eller en kollega, 3 er avlyst" in response.content.decode()
    # Told now, before any run_reminders: one message per appointment, naming the time and the duty phone.
    told = Notification.objects.filter(recipient_service_user=world.owner_su, body__contains="er dessverre avlyst")
    assert told.count() == 3
    assert all("vakttelefonen til Oppfølgingstjenesten Øst" in n.body for n in told)
    assert {n.about_id for n in told} == {a.pk for a in three_visits}


def test_with_nobody_at_work_cancelling_is_preselected_and_said_plainly(client, world, three_visits):
    deputy_away(world)
    Absence.objects.create(person=world.other_trust_person, kind="kurs", starts_on=WEDNESDAY, ends_on=FRIDAY,
                           registered_by=world.leader)
    login(client, world.leader)
    url = reverse("absence_register")
    page = client.post(url, step_one(person=world.trust_person.pk)).content.decode()
    form = as_browser(page)
    assert all(form.data[f"decision_{a.pk}"] == "cancel" for a in three_visits)
    assert "3 avtaler blir avlyst, og brukerne får beskjed nå" in page
    assert "Lagre fraværet, avlys 3 avtaler og varsle" in page
    client.post(url, {**form.data, "confirm": "1"})
    assert set(Appointment.objects.values_list("status", flat=True)) == {"cancelled"}


def test_a_colleague_who_is_at_work_takes_the_appointment_chosen_for_her(client, world, three_visits):
    deputy_away(world)
    wednesday, thursday, friday = three_visits
    login(client, world.leader)
    url = reverse("absence_register")
    form = as_browser(client.post(url, step_one(person=world.trust_person.pk)).content.decode())
    form.data[f"decision_{wednesday.pk}"] = form.data[f"decision_{friday.pk}"] = "cancel"
    form.data[f"decision_{thursday.pk}"] = continuity.colleague_choice(world.other_trust_person)
    client.post(url, {**form.data, "confirm": "1"})
    for appointment in three_visits:
        appointment.refresh_from_db()
    assert thursday.status == "covered" and thursday.trust_person == world.other_trust_person
    assert thursday.original_trust_person == world.trust_person
    assert wednesday.status == friday.status == "cancelled"
    covered = Notification.objects.get(recipient_service_user=world.owner_su, about_id=thursday.pk,
                                       body__contains="kommer i stedet")
    assert world.other_trust_person.display_name in covered.body
    # The colleague is told in the app, at once.
    assert Notification.objects.filter(recipient_user=world.other_trust_person, channel="in_app",
                                       body__contains=world.owner_su.full_name).exists()


def test_the_deputy_is_offered_on_the_days_he_is_at_work_only(client, world, three_visits):
    deputy_away(world, first=THURSDAY, last=THURSDAY)
    wednesday, thursday, friday = three_visits
    login(client, world.leader)
    url = reverse("absence_register")
    form = as_browser(client.post(url, step_one(person=world.trust_person.pk)).content.decode())
    assert form.data[f"decision_{wednesday.pk}"] == "deputy"
    assert f"decision_{thursday.pk}" not in form.data  # a colleague could take it: the leader chooses
    assert "deputy" not in dict(form.radios[f"decision_{thursday.pk}"])
    assert form.data[f"decision_{friday.pk}"] == "deputy"
    form.data[f"decision_{thursday.pk}"] = "cancel"
    client.post(url, {**form.data, "confirm": "1"})
    for appointment in three_visits:
        appointment.refresh_from_db()
    assert (wednesday.status, wednesday.trust_person) == ("covered", world.deputy)
    assert thursday.status == "cancelled"
    assert (friday.status, friday.trust_person) == ("covered", world.deputy)


def test_a_future_absence_tells_the_users_with_appointments_now_and_the_rest_the_day_before(world, three_visits):
    result = continuity.register_absence(world.leader, world.trust_person, kind="ferie", starts_on=WEDNESDAY,
                                         ends_on=FRIDAY)
    assert not result.announced and len(result.covered) == 3
    about_visits = Notification.objects.filter(recipient_service_user=world.owner_su,
                                               about_id__in=[a.pk for a in three_visits])
    assert about_visits.count() == 3 and all("kommer i stedet" in n.body for n in about_visits)
    # The announcement the day before does not tell the same appointments twice.
    continuity.announce_absence(result.absence)
    announcement = Notification.objects.get(dedupe_key=f"absence:{result.absence.pk}:user:{world.owner_su.pk}")
    assert world.deputy.display_name in announcement.body
    assert "Avtalen" not in announcement.body


def test_a_choice_that_cannot_be_kept_is_refused_and_saves_nothing(world, three_visits):
    deputy_away(world)
    with pytest.raises(ServiceError) as refused:
        continuity.register_absence(world.leader, world.trust_person, kind="ferie", starts_on=WEDNESDAY,
                                    ends_on=FRIDAY, decisions={three_visits[0].pk: continuity.DEPUTY})
    assert "stedfortrederen" in refused.value.message
    with pytest.raises(ServiceError):
        continuity.register_absence(world.leader, world.trust_person, kind="ferie", starts_on=WEDNESDAY,
                                    ends_on=FRIDAY,
                                    decisions={three_visits[0].pk: continuity.colleague_choice(world.deputy)})
    assert not Absence.objects.filter(person=world.trust_person).exists()
    assert set(Appointment.objects.values_list("status", flat=True)) == {"planned"}
    assert not Notification.objects.exists()


def test_a_large_unit_is_a_list_to_pick_from_with_nothing_chosen(client, world, three_visits):
    from koordinator.models import Membership
    from tests import factories as f

    deputy_away(world)
    for n in range(5):
        f.MembershipFactory(user=f.UserFactory(username=f"kollega{n}"), organisation=world.unit,
                            role=Membership.Role.TRUST_PERSON)
    login(client, world.leader)
    url = reverse("absence_register")
    page = client.post(url, step_one(person=world.trust_person.pk)).content.decode()
    form = as_browser(page)
    first = three_visits[0]
    assert f'<select name="decision_{first.pk}"' in page and f"decision_{first.pk}" not in form.radios
    # Colleagues at work: nothing chosen for the leader (the list starts with «Velg …»).
    assert form.data[f"decision_{first.pk}"] == ""
    client.post(url, {**form.data, "confirm": "1"})
    assert not Absence.objects.filter(person=world.trust_person).exists()
    chosen = {f"decision_{a.pk}": "cancel" for a in three_visits}
    client.post(url, {**form.data, **chosen, "confirm": "1"})
    first.refresh_from_db()
    assert first.status == "cancelled"
