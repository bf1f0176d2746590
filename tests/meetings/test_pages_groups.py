"""The group pages: from the case, the group page, members with the consent each needs, chair and status, and
«Mine ansvarsgrupper»."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from koordinator.models import AccessEvent
from meetings.models import Group, GroupMember, Meeting
from tests.conftest import login
from tests.meetings.conftest import later
from tests.meetings.page_helpers import access_events, post, text, url
from tests.plans.helpers import fresh

pytestmark = pytest.mark.django_db


# --- from the case ---------------------------------------------------------------------------------------------------


def test_the_case_page_links_to_the_responsibility_group(client, world):
    page = text(login(client, world.trust_person).get(url("followup_detail", world.case.pk)))
    assert url("group_for_case", world.case.pk) in page and "Ansvarsgruppe" in page


def test_the_case_page_links_to_the_group_only_for_whom_it_opens_one(client, world, group, gp_member):
    """The case's staff always (they make the group); a partner only when the gate shows them a group of the case.
    NAV's member of staff may read Kari's case (NAV has her consent) but is not in her group: no link to a page with
    nothing on it (found by a new user as nav1)."""
    link = url("group_for_case", world.case.pk)
    case_page = url("followup_detail", world.case.pk)
    assert link in login(client, world.leader).get(case_page).content.decode()
    assert link in login(client, world.partner_valid).get(case_page).content.decode()  # in the group
    response = login(client, world.partner_org_member).get(case_page)
    assert response.status_code == 200 and link not in response.content.decode()
    GroupMember.objects.filter(pk=gp_member.pk).delete()  # the GP leaves the group: the link goes too
    assert link not in login(client, world.partner_valid).get(case_page).content.decode()


def test_the_trust_person_creates_the_group_from_the_case(client, world):
    login(client, world.trust_person)
    page = text(client.get(url("group_for_case", world.case.pk)))
    assert "Lag ansvarsgruppen" in page and "Brukeren selv" in page
    response = client.post(url("group_for_case", world.case.pk), {"chair": "coordinator"})
    group = Group.objects.get(follow_up=world.case)
    assert response.status_code == 302 and response["Location"] == url("group_detail", group.pk)
    assert set(group.members.values_list("kind", flat=True)) == {"user", "coordinator"}


def test_the_case_link_opens_the_open_group(client, world, group):
    response = login(client, world.trust_person).get(url("group_for_case", world.case.pk))
    assert response.status_code == 302 and response["Location"] == url("group_detail", group.pk)


def test_a_group_for_an_ended_case_is_a_norwegian_error_and_nothing_is_saved(client, world):
    from django.utils import timezone

    world.case.status = "ended"
    world.case.ended_on = timezone.localdate()
    world.case.save()
    login(client, world.trust_person)
    response = client.post(url("group_for_case", world.case.pk), {"chair": "coordinator"})
    assert response.status_code == 200
    assert "Oppfølgingen er avsluttet" in text(response)
    assert not Group.objects.exists()


def test_a_bad_chair_choice_is_a_norwegian_error(client, world):
    login(client, world.trust_person)
    response = client.post(url("group_for_case", world.case.pk), {"chair": "someone"})
    assert response.status_code == 200
    assert "Velg et av alternativene i listen." in text(response)
    assert not Group.objects.exists()


def test_the_owner_and_a_partner_cannot_create_a_group(client, world):
    for user in (world.owner, world.partner_valid):
        client.logout()
        login(client, user)
        assert "Lag ansvarsgruppen" not in text(client.get(url("group_for_case", world.case.pk)))
        assert client.post(url("group_for_case", world.case.pk), {"chair": "coordinator"}).status_code == 403
    assert not Group.objects.exists()


def test_an_outsider_gets_404_from_the_case_link(client, world):
    login(client, world.other_trust_person)
    assert client.get(url("group_for_case", world.case.pk)).status_code == 404
    assert client.post(url("group_for_case", world.case.pk), {"chair": "coordinator"}).status_code == 404


def test_the_case_link_refuses_the_wrong_method(client, world):
    assert login(client, world.trust_person).put(url("group_for_case", world.case.pk)).status_code == 405


# --- the group page --------------------------------------------------------------------------------------------------


def test_the_group_page_shows_members_meetings_and_items(client, world, group, gp_member, nav_member, meeting):
    page = text(login(client, world.trust_person).get(url("group_detail", group.pk)))
    assert "Kari Nordmann" in page and "fastlege" in page and "NAV Lerkendal" in page
    assert url("meeting_detail", meeting.pk) in page
    assert url("group_member_add", group.pk) in page and url("meeting_create", group.pk) in page
    assert "Samtykke" in page  # staff see whether each member's consent is in force


def test_the_group_page_tells_staff_when_a_members_consent_has_ended(client, world, group, gp_member):
    from koordinator.services import withdraw_consent

    withdraw_consent(world.trust_person, world.consent_valid)
    page = text(login(client, world.trust_person).get(url("group_detail", group.pk)))
    assert "Samtykket gjelder ikke lenger" in page


def test_a_partner_member_sees_the_group_without_management_links(client, world, group, gp_member):
    page = text(login(client, world.partner_valid).get(url("group_detail", group.pk)))
    assert "Ansvarsgruppe for Kari Nordmann" in page
    assert url("group_member_add", group.pk) not in page and url("meeting_create", group.pk) not in page
    assert "Samtykket gjelder" not in page


def test_the_owner_sees_my_group(client, world, group):
    login(client, world.owner)
    response = client.get(url("my_group"))
    assert response.status_code == 302 and response["Location"] == url("group_detail", group.pk)
    page = text(client.get(url("group_detail", group.pk)))
    assert "Min ansvarsgruppe" in page and url("group_chair", group.pk) in page


def test_my_group_without_a_group_says_so(client, world):
    page = text(login(client, world.owner).get(url("my_group")))
    assert "Du har ingen ansvarsgruppe nå" in page


def test_my_group_is_404_for_someone_who_is_not_a_service_user(client, world):
    assert login(client, world.trust_person).get(url("my_group")).status_code == 404


def test_reading_the_group_is_an_access_event_for_others_but_not_the_owner(client, world, group, gp_member):
    login(client, world.partner_valid).get(url("group_detail", group.pk))
    events = access_events(world.owner_su)
    assert [(e.actor_id, e.what, e.channel) for e in events] == [
        (world.partner_valid.pk, "Ansvarsgruppe", AccessEvent.Channel.WEB)]
    client.logout()
    login(client, world.owner).get(url("group_detail", group.pk))
    assert len(access_events(world.owner_su)) == 1


# --- members ---------------------------------------------------------------------------------------------------------


def test_adding_a_member_with_consent(client, world, group, gp):
    login(client, world.trust_person)
    page = text(client.get(url("group_member_add", group.pk)))
    assert "Legg til i ansvarsgruppen" in page
    response = client.post(url("group_member_add", group.pk), {"person": world.partner_valid.pk,
                                                                "role": "fastlege"})
    assert response.status_code == 302
    member = GroupMember.objects.get(group=group, person=world.partner_valid)
    # The service the person works in is filled in when there is only one (attendance is counted per service).
    assert member.role == "fastlege" and member.organisation == gp


def test_adding_a_whole_service(client, world, group):
    login(client, world.trust_person)
    response = client.post(url("group_member_add", group.pk), {"organisation": world.nav.pk, "role": "veileder"})
    assert response.status_code == 302
    assert GroupMember.objects.filter(group=group, kind="organisation", organisation=world.nav).exists()


def test_the_lists_mark_who_has_no_meetings_consent(client, world, group):
    page = text(login(client, world.trust_person).get(url("group_member_add", group.pk)))
    assert "mangler samtykke" in page
    # partner_valid has the consent; partner_wrong_scope's consent lacks the meetings scope.
    rows = {line.strip() for line in page.splitlines() if "<option" in line}
    valid = [r for r in rows if f'value="{world.partner_valid.pk}"' in r]
    wrong = [r for r in rows if f'value="{world.partner_wrong_scope.pk}"' in r]
    assert valid and "mangler samtykke" not in valid[0]
    assert wrong and "mangler samtykke" in wrong[0]


@pytest.mark.parametrize("persona, expected", [
    ("partner_wrong_scope", "Det mangler samtykke til «Ansvarsgruppe og møter»"),
    ("partner_expired", "gikk ut"),
    ("partner_withdrawn", "trakk tilbake samtykket"),
    ("partner_none", "har ikke gitt samtykke til at"),
])
def test_adding_someone_without_the_meetings_consent_explains_what_is_missing(client, world, group, persona,
                                                                            expected):
    login(client, world.trust_person)
    before = GroupMember.objects.count()
    response = client.post(url("group_member_add", group.pk), {"person": world.persona(persona).pk})
    assert response.status_code == 200
    page = text(response)
    assert escape(expected) in page or expected in page
    assert 'aria-invalid="true"' in page and "Feil: " in page
    assert GroupMember.objects.count() == before


def test_adding_nobody_is_a_norwegian_error(client, world, group):
    login(client, world.trust_person)
    response = client.post(url("group_member_add", group.pk), {"role": "x"})
    assert "Velg en person eller en tjeneste." in text(response)
    assert GroupMember.objects.filter(group=group).count() == 2


def test_members_cannot_add_members(client, world, group, gp_member):
    for user in (world.owner, world.partner_valid):
        response = post(client, user, "group_member_add", group.pk, data={"organisation": world.nav.pk})
        assert response.status_code == 403
    assert not GroupMember.objects.filter(organisation=world.nav).exists()


def test_changing_a_role_and_taking_a_member_out(client, world, group, gp_member):
    login(client, world.trust_person)
    client.post(url("group_member_edit", gp_member.pk), {"role": "lege"})
    assert fresh(gp_member).role == "lege"
    response = client.post(url("group_member_remove", gp_member.pk), {"reason": "Byttet fastlege"})
    assert response.status_code == 302
    gp_member.refresh_from_db()
    assert gp_member.removed_at is not None and gp_member.removed_reason == "Byttet fastlege"


def test_the_user_and_the_coordinator_cannot_be_taken_out(client, world, group, user_member, coordinator_member):
    login(client, world.trust_person)
    for member in (user_member, coordinator_member):
        assert client.get(url("group_member_remove", member.pk)).status_code == 403
        assert client.post(url("group_member_remove", member.pk), {}).status_code == 403
        assert fresh(member).removed_at is None


# --- chair and status ------------------------------------------------------------------------------------------------


def test_the_user_chooses_to_chair_and_then_plans_a_meeting(client, world, group):
    login(client, world.owner)
    response = client.post(url("group_chair", group.pk), {"chair": "user"})
    assert response.status_code == 302 and fresh(group).chair == "user"
    page = text(client.get(url("group_detail", group.pk)))
    assert "Du leder gruppen selv." in page and url("meeting_create", group.pk) in page
    response = client.post(url("meeting_create", group.pk), {
        "day": later(3).date().isoformat(), "time": "14:00", "duration_minutes": 60, "place": "user_home"})
    assert response.status_code == 302
    assert Meeting.objects.filter(group=group).count() == 1


def test_a_partner_cannot_change_the_chair(client, world, group, gp_member):
    assert post(client, world.partner_valid, "group_chair", group.pk, data={"chair": "user"}).status_code == 403
    assert fresh(group).chair == "coordinator"


def test_pausing_needs_a_reason_and_changes_nothing_without_one(client, world, group):
    login(client, world.trust_person)
    response = client.post(url("group_status", group.pk), {"status": "paused", "reason": ""})
    assert response.status_code == 200 and "Skriv kort hvorfor." in text(response)
    assert fresh(group).status == "active"
    response = client.post(url("group_status", group.pk), {"status": "paused", "reason": "Innlagt"})
    assert response.status_code == 302
    assert (fresh(group).status, fresh(group).status_reason) == ("paused", "Innlagt")
    assert "Innlagt" in text(client.get(url("group_detail", group.pk)))


def test_closing_the_group_cancels_planned_meetings(client, world, group, meeting):
    login(client, world.trust_person)
    client.post(url("group_status", group.pk), {"status": "closed", "reason": "Flyttet"})
    assert fresh(meeting).status == "cancelled"


# --- Mine ansvarsgrupper -----------------------------------------------------------------------------------------------


def test_my_groups_lists_the_partners_groups_with_the_next_meeting(client, world, group, gp_member, meeting):
    page = text(login(client, world.partner_valid).get(url("my_groups")))
    assert "Ansvarsgruppen til Kari Nordmann" in page and url("meeting_detail", meeting.pk) in page
    assert access_events(world.owner_su)[-1].what == "Mine ansvarsgrupper"


def test_my_groups_is_empty_for_a_partner_whose_consent_was_withdrawn(client, world, group, gp_member):
    from koordinator.services import withdraw_consent

    withdraw_consent(world.trust_person, world.consent_valid)
    page = text(login(client, world.partner_valid).get(url("my_groups")))
    assert "Kari Nordmann" not in page and "Du er ikke med i noen ansvarsgruppe nå." in page


def test_the_partner_home_shows_my_groups_and_my_action_items(client, world, group, gp_member, meeting):
    page = text(login(client, world.partner_valid).get(url("partner_home")))
    assert "Mine ansvarsgrupper" in page and "Ansvarsgruppen til Kari Nordmann" in page
    assert url("my_action_items") in page
