"""Action items on the pages: made in the meeting, updated with a status and a note by the one who does it (or the
chair), and «Mine oppgaver» across all the reader's groups."""

from __future__ import annotations

import pytest

from koordinator.models import AccessEvent
from meetings import services
from meetings.models import ActionItem
from tests import factories as f
from tests.conftest import login
from tests.meetings.conftest import days, past_meeting
from tests.meetings.page_helpers import access_events, post, text, url
from tests.plans.helpers import fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(world, held_meeting, gp_member) -> ActionItem:
    return services.add_action_item(world.trust_person, held_meeting, what="Fornye resepter", responsible=gp_member,
                                    due_on=days(7))


# --- making them -----------------------------------------------------------------------------------------------------


def test_the_chair_adds_an_action_item_in_the_meeting(client, world, held_meeting, nav_member):
    login(client, world.trust_person)
    assert url("action_item_create", held_meeting.pk) in text(client.get(url("meeting_detail", held_meeting.pk)))
    page = text(client.get(url("action_item_create", held_meeting.pk)))
    assert "NAV Lerkendal" in page and "Kari Nordmann" in page  # the members to choose from
    response = client.post(url("action_item_create", held_meeting.pk), {
        "what": "Søke bostøtte", "responsible": nav_member.pk, "due_on": days(14).isoformat()})
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.what, item.responsible, item.due_on, item.status) == ("Søke bostøtte", nav_member, days(14), "open")
    page = text(client.get(url("meeting_detail", held_meeting.pk)))
    assert "Søke bostøtte" in page and "NAV Lerkendal" in page


@pytest.mark.parametrize("data, error", [
    ({"what": "", "due_on": "2099-01-01"}, "Skriv hva som skal gjøres."),
    ({"what": "x", "due_on": "2000-01-01"}, "Fristen kan ikke være før møtet."),
    ({"what": "x", "due_on": "31.02.2099"}, "Skriv en gyldig dato, for eksempel 23.11.2026."),
])
def test_bad_action_item_input_is_a_norwegian_error_and_nothing_is_saved(client, world, held_meeting, gp_member,
                                                                        data, error):
    response = post(client, world.trust_person, "action_item_create", held_meeting.pk,
                    data={**data, "responsible": gp_member.pk})
    assert response.status_code == 200 and error in text(response)
    assert not ActionItem.objects.exists()


def test_an_item_for_someone_outside_the_group_is_refused(client, world, held_meeting, gp_member):
    other = services.create_group(world.other_trust_person, world.other_case)
    outsider = other.members.get(kind="user")
    response = post(client, world.trust_person, "action_item_create", held_meeting.pk,
                    data={"what": "x", "responsible": outsider.pk, "due_on": days(3).isoformat()})
    assert "Velg et av alternativene i listen." in text(response)
    assert not ActionItem.objects.exists()


def test_items_are_made_after_the_meeting_has_started(client, world, meeting, gp_member):
    response = post(client, world.trust_person, "action_item_create", meeting.pk,
                    data={"what": "x", "responsible": gp_member.pk, "due_on": days(9).isoformat()})
    assert "Møtet har ikke startet ennå." in text(response)


def test_a_partner_cannot_add_items(client, world, held_meeting, gp_member):
    assert post(client, world.partner_valid, "action_item_create", held_meeting.pk,
                data={"what": "x", "responsible": gp_member.pk, "due_on": days(9).isoformat()}).status_code == 403


# --- updating them ---------------------------------------------------------------------------------------------------


def test_the_responsible_partner_closes_their_item_with_a_note(client, world, item):
    login(client, world.partner_valid)
    page = text(client.get(url("meeting_detail", item.meeting_id)))
    assert url("action_item_status", item.pk) in page
    response = client.post(url("action_item_status", item.pk), {"status": "done", "status_note": "Fornyet 3 mnd"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.status_note, item.closed_by) == ("done", "Fornyet 3 mnd", world.partner_valid)


def test_the_responsible_partner_writes_a_note_and_the_item_stays_open(client, world, item):
    login(client, world.partner_valid)
    page = text(client.get(url("action_item_status", item.pk)))
    assert "Fortsatt åpen" in page
    response = client.post(url("action_item_status", item.pk),
                           {"status": "open", "status_note": "Venter på svar fra DPS"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.status_note, item.closed_on) == ("open", "Venter på svar fra DPS", None)
    assert item.history.first().history_change_reason == "Oppgave: merknad, fortsatt åpen"
    assert "Merknaden er lagret. Oppgaven er fortsatt åpen." in text(client.get(response["Location"]))
    # The note shows on the meeting page; the item is still on the list of open ones.
    page = text(client.get(url("meeting_detail", item.meeting_id)))
    assert "Venter på svar fra DPS" in page
    # Without a note there is nothing to save: a clear error, nothing changed.
    response = client.post(url("action_item_status", item.pk), {"status": "open", "status_note": ""})
    assert response.status_code == 200 and "Skriv en merknad om hvordan det går med oppgaven." in text(response)
    assert fresh(item).status_note == "Venter på svar fra DPS"


def test_no_longer_relevant_needs_a_note(client, world, item):
    response = post(client, world.partner_valid, "action_item_status", item.pk, data={"status": "cancelled"})
    assert "Skriv kort hvorfor oppgaven ikke er aktuell lenger." in text(response)
    assert fresh(item).status == "open"


def test_someone_acting_for_the_responsible_service_updates_it(client, world, held_meeting, nav_member):
    item = services.add_action_item(world.trust_person, held_meeting, what="Møte på NAV", responsible=nav_member,
                                    due_on=days(3))
    assert post(client, world.partner_org_member, "action_item_status", item.pk,
                data={"status": "not_done", "status_note": "Ikke tid"}).status_code == 302
    assert fresh(item).status == "not_done"


def test_another_member_cannot_update_the_item(client, world, item, nav_member):
    login(client, world.partner_org_member)
    assert url("action_item_status", item.pk) not in text(client.get(url("meeting_detail", item.meeting_id)))
    assert client.post(url("action_item_status", item.pk), {"status": "done"}).status_code == 403
    assert fresh(item).status == "open"


def test_the_chair_reopens_and_changes_an_item(client, world, item, nav_member):
    services.set_action_item_status(world.partner_valid, item, "done")
    login(client, world.trust_person)
    page = text(client.get(url("action_item_status", item.pk)))
    assert "Åpen" in page
    client.post(url("action_item_status", item.pk), {"status": "open", "status_note": "Ikke ferdig likevel"})
    assert fresh(item).status == "open"
    client.post(url("action_item_edit", item.pk), {"what": "Fornye resepter og time", "responsible": nav_member.pk,
                                                   "due_on": days(20).isoformat()})
    item.refresh_from_db()
    assert (item.what, item.responsible, item.due_on) == ("Fornye resepter og time", nav_member, days(20))


def test_a_partner_cannot_reopen_or_change_an_item(client, world, item):
    services.set_action_item_status(world.partner_valid, item, "done")
    assert post(client, world.partner_valid, "action_item_status", item.pk, data={"status": "open"}).status_code \
        == 403
    assert post(client, world.partner_valid, "action_item_edit", item.pk,
                data={"what": "x", "responsible": item.responsible_id, "due_on": days(9).isoformat()}).status_code \
        == 403


# --- Mine oppgaver ---------------------------------------------------------------------------------------------------


def test_mine_oppgaver_shows_the_partners_items_across_all_their_groups(client, world, item):
    # The GP is in Ola's group too.
    f.ConsentFactory(owner=world.other_su, grantee_user=world.partner_valid, recorded_by=world.other_trust_person)
    other = services.create_group(world.other_trust_person, world.other_case)
    other_gp = services.add_member(world.other_trust_person, other, person=world.partner_valid)
    other_meeting = past_meeting(world.other_trust_person, other, 40)
    late = services.add_action_item(world.other_trust_person, other_meeting, what="Sende epikrise",
                                    responsible=other_gp, due_on=days(-30))
    login(client, world.partner_valid)
    page = text(client.get(url("my_action_items")))
    assert "Fornye resepter" in page and "Sende epikrise" in page
    assert "Kari Nordmann" in page and "Ola Hansen" in page
    assert "Fristen har gått" in page  # the overdue one, in words
    assert page.index("Sende epikrise") < page.index("Fornye resepter")  # by due date
    # Updating from the list comes back to the list, and its «back» and «cancel» links go there too.
    form = client.get(url("action_item_status", late.pk) + "?tilbake=mine").content.decode()
    assert f'href="{url("my_action_items")}"' in form and "Tilbake til Mine oppgaver" in form
    assert f'href="{url("meeting_detail", other_meeting.pk)}"' not in form
    response = client.post(url("action_item_status", late.pk) + "?tilbake=mine", {"status": "done"})
    assert response["Location"] == url("my_action_items")
    page = text(client.get(url("my_action_items")))
    assert "Sende epikrise" not in page
    assert "Sende epikrise" in text(client.get(url("my_action_items"), {"avsluttede": "1"}))
    users = {e.service_user_id for e in AccessEvent.objects.filter(what="Mine oppgaver")}
    assert users == {world.owner_su.pk, world.other_su.pk}


def test_mine_oppgaver_for_the_user(client, world, held_meeting, user_member):
    services.add_action_item(world.trust_person, held_meeting, what="Ringe banken", responsible=user_member,
                             due_on=days(2))
    page = text(login(client, world.owner).get(url("my_action_items")))
    assert "Ringe banken" in page and url("action_item_status", ActionItem.objects.get().pk) in page
    assert not access_events(world.owner_su)  # the owner's own reads are not logged


def test_mine_oppgaver_is_empty_when_the_consent_is_withdrawn(client, world, item):
    from koordinator.services import withdraw_consent

    withdraw_consent(world.trust_person, world.consent_valid)
    page = text(login(client, world.partner_valid).get(url("my_action_items")))
    assert "Fornye resepter" not in page and "Du har ingen åpne oppgaver." in page


def test_the_partner_home_lists_my_action_items(client, world, item):
    page = text(login(client, world.partner_valid).get(url("partner_home")))
    assert "Mine oppgaver" in page and "Fornye resepter" in page
    assert url("action_item_status", item.pk) in page
