"""Historikk: every change to the case, the person, their consents and next of kin, newest first."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koordinator import continuity, services
from koordinator.models import AccessEvent
from tests.conftest import login

pytestmark = pytest.mark.django_db


def url(world):
    return reverse("followup_timeline", args=[world.case.pk])


NOTE = "Kari liker å møtes på kafé."


def test_it_shows_who_changed_what_with_old_and_new_values(client, world):
    services.assign(world.leader, world.case, trust_person=world.other_trust_person, deputy=world.deputy,
                    handover_note=NOTE)
    response = login(client, world.leader).get(url(world))
    assert response.status_code == 200
    newest = response.context["page"].object_list[0]
    assert newest.who == world.leader.display_name
    assert newest.what == "Oppfølging"
    assert newest.action == "endret"
    assert newest.reason == f"Ny tillitsperson: {world.other_trust_person.display_name}"
    changes = {c.label: (c.old, c.new) for c in newest.changes}
    assert changes["Tillitsperson"] == (world.trust_person.display_name, world.other_trust_person.display_name)
    page = response.content.decode()
    assert world.other_trust_person.display_name in page
    assert newest.when.astimezone(timezone.get_current_timezone()).strftime("%d.%m.%Y kl. %H.%M") in page


def test_it_uses_choice_labels_and_norwegian_dates(client, world):
    door = datetime.date(2099, 3, 1)
    services.end_follow_up(world.trust_person, world.case, reason="moved", open_door_until=door)
    newest = login(client, world.trust_person).get(url(world)).context["page"].object_list[0]
    changes = {c.label: (c.old, c.new) for c in newest.changes}
    assert changes["Status"] == ("Aktiv", "Avsluttet")
    assert changes["Grunn til avslutning"] == ("(tomt)", "Flyttet")
    assert changes["Åpen dør til"] == ("(tomt)", "01.03.2099")


def test_it_includes_the_person_consents_and_next_of_kin(client, world):
    services.update_service_user(world.trust_person, world.owner_su, city="Trondheim")
    services.withdraw_consent(world.owner, world.consent_org)
    services.update_next_of_kin(world.trust_person, world.next_of_kin, relation="storesøster")
    entries = login(client, world.trust_person).get(url(world)).context["page"].object_list
    labels = [(e.what, e.action, e.who) for e in entries[:3]]
    assert labels == [
        ("Pårørende", "endret", world.trust_person.display_name),
        ("Samtykke", "endret", world.owner.display_name),
        ("Tjenestemottaker", "endret", world.trust_person.display_name),
    ]
    assert entries[1].subject == "til NAV Lerkendal"
    assert {c.label for c in entries[1].changes} >= {"Trukket tilbake", "Trukket tilbake av"}
    # Rows created by the test factories have no history user.
    assert entries[-1].who == "System"
    assert entries[-1].action == "opprettet"


def test_it_is_newest_first(client, world):
    services.change_status(world.trust_person, world.case, "dormant")
    services.change_status(world.trust_person, world.case, "active")
    whens = [e.when for e in login(client, world.trust_person).get(url(world)).context["page"].object_list]
    assert whens == sorted(whens, reverse=True)


def test_a_partner_does_not_see_history_of_next_of_kin_to_keep_away(client, world):
    services.update_next_of_kin(world.trust_person, world.restricted_next_of_kin, note="Ring politiet")
    entries = login(client, world.partner_valid).get(url(world)).context["page"].object_list
    assert "Per Farlig" not in [e.subject for e in entries]
    assert all(e.subject in ("", "til " + world.partner_valid.display_name, "Eva Nordmann") for e in entries)


def test_it_records_an_access_event(client, world):
    login(client, world.leader).get(url(world))
    assert AccessEvent.objects.get().what == "Historikk for oppfølgingen"


@pytest.mark.parametrize("persona", ["other_trust_person", "other_leader", "partner_none", "partner_wrong_scope",
                                     "other_owner", "admin"])
def test_it_is_a_404_for_outsiders(client, world, persona):
    assert login(client, world.persona(persona)).get(url(world)).status_code == 404


def test_it_refuses_post(client, world):
    assert login(client, world.trust_person).post(url(world)).status_code == 405


def _appointment_moved(world, days: int):
    start = timezone.now() + datetime.timedelta(days=days)
    # The leader, since the tests below move the case between trust persons.
    appointment = continuity.create_appointment(world.leader, world.case, starts_at=start, place="cafe")
    return continuity.move_appointment(world.leader, appointment, start + datetime.timedelta(hours=2))


def test_a_change_of_trust_person_shows_as_a_handover_without_the_note(client, world):
    services.assign(world.leader, world.case, trust_person=world.other_trust_person, deputy=world.deputy,
                    handover_note=NOTE)
    entries = login(client, world.leader).get(url(world)).context["page"].object_list
    handover = next(e for e in entries if e.what == "Overføring")
    assert (handover.action, handover.who) == ("opprettet", world.leader.display_name)
    assert handover.subject == f"til {world.other_trust_person.display_name}"
    assert NOTE not in client.get(url(world)).content.decode()  # the note lives on the case page


def test_it_shows_appointment_changes_to_staff_but_not_to_a_partner(client, world):
    moved = _appointment_moved(world, 3)
    entries = login(client, world.trust_person).get(url(world)).context["page"].object_list
    change = next(e for e in entries if e.what == "Avtale" and e.action == "endret")
    assert change.subject == timezone.localtime(moved.starts_at).strftime("%d.%m.%Y kl. %H.%M")
    assert "Tidspunkt" in {c.label for c in change.changes}
    partner_entries = login(client, world.partner_valid).get(url(world)).context["page"].object_list
    assert "Avtale" not in {e.what for e in partner_entries}


def _queries(client, world) -> int:
    login(client, world.leader)
    client.get(url(world))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(world)).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_history(client, world):
    # The few-rows case already names a person and an organisation in its changes, like the many-rows case.
    services.assign(world.leader, world.case, trust_person=world.other_trust_person, deputy=world.deputy,
                    handover_note=NOTE)
    services.withdraw_consent(world.owner, world.consent_org)
    _appointment_moved(world, 1)
    few = _queries(client, world)
    rows_before = len(client.get(url(world)).context["page"].object_list)
    for i in range(10):
        services.change_status(world.leader, world.case, "dormant" if i % 2 == 0 else "active")
        services.assign(world.leader, world.case, trust_person=world.trust_person if i % 2 else world.deputy,
                        deputy=world.other_trust_person, handover_note=f"{NOTE} ({i})")
        services.update_next_of_kin(world.leader, world.next_of_kin, note=f"Notat {i}")
        _appointment_moved(world, i + 2)
    many = _queries(client, world)
    rows_after = len(client.get(url(world)).context["page"].object_list)
    assert rows_after >= rows_before + 30
    assert few == many
