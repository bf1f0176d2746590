"""Meeting pages: schedule, change, cancel; the meeting page with the agenda built for the group; attendance;
apologies from the page and with the signed link; points for the agenda; «Revider planen»; handing the chair on."""

from __future__ import annotations

import datetime

import icalendar
import pytest
import time_machine
from django.utils import timezone

from koordinator.models import Absence, AccessEvent, Notification
from koordinator.timeutil import at
from meetings import services, tokens
from meetings.models import AgendaItem, Attendance, Meeting
from plans import services as plan_services
from plans.models import PlanRevision
from tests.conftest import login
from tests.meetings.conftest import days, later, past_meeting
from tests.meetings.page_helpers import access_events, post, text, url
from tests.plans.helpers import fresh, notifications_to

pytestmark = pytest.mark.django_db


def meeting_form(day: datetime.date, time: str = "14:00", **extra) -> dict:
    return {"day": day.isoformat(), "time": time, "duration_minutes": 90, "place": "user_home", **extra}


# --- scheduling ------------------------------------------------------------------------------------------------------


def test_the_coordinator_schedules_a_meeting_and_everyone_is_invited(client, world, group, gp_member, nav_member):
    login(client, world.trust_person)
    assert "Planlegg et møte" in text(client.get(url("meeting_create", group.pk)))
    before = Notification.objects.count()
    response = client.post(url("meeting_create", group.pk), meeting_form(days(10), place_detail="Storgata 1",
                                                                         note="Ta med legeerklæringen."))
    meeting = Meeting.objects.get(group=group)
    assert response.status_code == 302 and response["Location"] == url("meeting_detail", meeting.pk)
    local = timezone.localtime(meeting.starts_at)
    assert (local.date(), local.hour, local.minute, meeting.duration_minutes) == (days(10), 14, 0, 90)
    assert Notification.objects.count() > before  # the user, the GP and NAV are invited
    page = text(client.get(url("meeting_detail", meeting.pk)))
    assert "Hjemme hos brukeren" in page and "Ta med legeerklæringen." in page


@pytest.mark.parametrize("data, field_error", [
    (meeting_form(datetime.date(2020, 1, 1)), "Møtet kan ikke være tilbake i tid."),
    ({**meeting_form(datetime.date(2099, 1, 1)), "place": "other"}, "Skriv hvor, for eksempel tjenesten og adressen."),
    ({**meeting_form(datetime.date(2099, 1, 1)), "duration_minutes": 5}, "Et møte varer fra 15 minutter til 10 timer."),
    ({**meeting_form(datetime.date(2099, 1, 1)), "day": ""}, "Velg dato for møtet."),
    ({**meeting_form(datetime.date(2099, 1, 1)), "time": "25:99"}, "Skriv klokkeslettet, for eksempel 14.00."),
])
def test_bad_meeting_input_is_a_norwegian_error_and_nothing_is_saved(client, world, group, data, field_error):
    login(client, world.trust_person)
    response = client.post(url("meeting_create", group.pk), data)
    assert response.status_code == 200
    page = text(response)
    assert field_error in page and "Feil: " in page
    assert not Meeting.objects.exists()


# --- the day: a working day by default, a question for an office meeting on a day off ---------------------------------

SUNDAY = datetime.date(2026, 11, 22)


@pytest.fixture
def sunday_night():
    """Sunday 22 November 2026 at 23:55 in Oslo (22:55 UTC): in two weeks is a Sunday too."""
    with time_machine.travel(at(SUNDAY, 23, 55), tick=False) as traveller:
        yield traveller


def test_the_default_meeting_day_is_a_working_day_not_a_sunday(sunday_night, client, world, group):
    page = text(login(client, world.trust_person).get(url("meeting_create", group.pk)))
    assert 'value="2026-12-07"' in page  # Monday, not Sunday 6 December
    sunday_night.move_to(at(datetime.date(2026, 12, 11), 9))  # a Friday: in two weeks is Christmas Day
    assert 'value="2026-12-28"' in text(login(client, world.trust_person).get(url("meeting_create", group.pk)))


def test_an_office_meeting_on_a_sunday_is_asked_about_before_it_is_planned(sunday_night, client, world, group,
                                                                          gp_member):
    login(client, world.trust_person)
    data = meeting_form(SUNDAY + datetime.timedelta(days=7), place="office")
    response = client.post(url("meeting_create", group.pk), data)
    page = text(response)
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert "Møtet er på en søndag. Er det riktig?" in page
    assert "Ja, møtet skal være på en søndag" in page and 'name="confirm_day"' in page
    response = client.post(url("meeting_create", group.pk), {**data, "confirm_day": "on"})
    assert response.status_code == 302
    assert Meeting.objects.get().local_date == datetime.date(2026, 11, 29)


@pytest.mark.parametrize("day, place, question", [
    (datetime.date(2026, 11, 28), "office", "Møtet er på en lørdag. Er det riktig?"),
    (datetime.date(2027, 3, 29), "office", "Møtet er på andre påskedag, en helligdag. Er det riktig?"),
    (datetime.date(2026, 11, 29), "user_home", None),  # a home visit on a Sunday can be just right
    (datetime.date(2026, 11, 30), "office", None),  # a Monday
])
def test_which_days_are_asked_about(sunday_night, client, world, group, day, place, question):
    response = post(client, world.trust_person, "meeting_create", group.pk, data=meeting_form(day, place=place))
    if question is None:
        assert response.status_code == 302 and "confirm_day" not in text(client.get(response["Location"]))
    else:
        assert response.status_code == 200 and question in text(response)
        assert not Meeting.objects.exists()


def test_changing_something_else_about_a_sunday_meeting_asks_nothing_moving_one_to_sunday_does(
        sunday_night, client, world, group):
    sunday = services.schedule_meeting(world.trust_person, group, starts_at=at(datetime.date(2026, 11, 29), 12),
                                       place=Meeting.Place.OFFICE)
    data = meeting_form(datetime.date(2026, 11, 29), "12:00", place="office", note="Ta med papirene")
    assert post(client, world.trust_person, "meeting_edit", sunday.pk, data=data).status_code == 302
    assert fresh(sunday).note == "Ta med papirene"
    monday = services.schedule_meeting(world.trust_person, group, starts_at=at(datetime.date(2026, 11, 30), 12),
                                       place=Meeting.Place.OFFICE)
    response = post(client, world.trust_person, "meeting_edit", monday.pk,
                    data=meeting_form(datetime.date(2026, 12, 6), "12:00", place="office"))
    assert "Møtet er på en søndag. Er det riktig?" in text(response)
    assert fresh(monday).local_date == datetime.date(2026, 11, 30)


def test_members_and_outsiders_cannot_schedule(client, world, group, gp_member):
    for user, status in ((world.owner, 403), (world.partner_valid, 403), (world.other_trust_person, 404)):
        assert post(client, user, "meeting_create", group.pk, data=meeting_form(days(5))).status_code == status
    assert not Meeting.objects.exists()


def test_changing_the_time_tells_everyone_and_needs_no_reason(client, world, meeting):
    login(client, world.trust_person)
    page = text(client.get(url("meeting_edit", meeting.pk)))
    assert "Storgata 1" in page  # the form starts from the meeting as it is
    before = Notification.objects.count()
    response = client.post(url("meeting_edit", meeting.pk), meeting_form(days(4), "09:30", place_detail="Storgata 1",
                                                                         reason="Legen kan ikke"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.starts_at).hour == 9 and meeting.sequence == 1
    assert meeting.status_note == "Legen kan ikke"
    assert Notification.objects.count() > before


def test_cancelling_needs_a_reason(client, world, meeting):
    login(client, world.trust_person)
    response = client.post(url("meeting_cancel", meeting.pk), {"reason": ""})
    assert "Skriv kort hvorfor møtet avlyses." in text(response)
    assert fresh(meeting).status == "planned"
    client.post(url("meeting_cancel", meeting.pk), {"reason": "Brukeren er syk"})
    assert fresh(meeting).status == "cancelled"
    page = text(client.get(url("meeting_detail", meeting.pk)))
    assert "Møtet er avlyst." in page and "Brukeren er syk" in page
    assert client.get(url("meeting_edit", meeting.pk)).status_code == 403  # a cancelled meeting is not changed


def test_a_partner_cannot_change_or_cancel(client, world, meeting):
    assert post(client, world.partner_valid, "meeting_cancel", meeting.pk, data={"reason": "x"}).status_code == 403
    assert post(client, world.partner_valid, "meeting_edit", meeting.pk, data=meeting_form(days(9))).status_code \
        == 403
    assert fresh(meeting).status == "planned"


def test_the_calendar_file_parses_and_has_the_time_in_oslo(client, world, meeting):
    response = login(client, world.partner_valid).get(url("meeting_calendar", meeting.pk))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    event = next(c for c in icalendar.Calendar.from_ical(response.content).walk("VEVENT"))
    assert event.decoded("DTSTART") == timezone.localtime(meeting.starts_at)


# --- the meeting page and the agenda ---------------------------------------------------------------------------------


@pytest.fixture
def full_agenda(world, group, gp_member, nav_member):
    """An earlier meeting with an open action item, a plan with a step that came due and a revision due, and the
    next meeting with the user's point and a partner's proposal (proposed in the «wrong» order on purpose)."""
    tp = world.trust_person
    earlier = past_meeting(tp, group, 30)
    services.record_attendance(tp, earlier, {gp_member: "present"})
    services.add_action_item(tp, earlier, what="Søke bostøtte", responsible=nav_member, due_on=days(-20))
    plan = plan_services.activate_plan(tp, plan_services.create_plan(tp, world.case), consent_given_how="paper",
                                       next_revision_on=days(2))
    goal = plan_services.add_goal(tp, plan, life_area="bolig", text="Egen leilighet")
    plan_services.add_step(tp, goal, what="Ringe boligkontoret", due_on=days(1))
    meeting = services.schedule_meeting(tp, group, starts_at=later(3), place=Meeting.Place.USER_HOME)
    services.propose_agenda_item(world.partner_valid, meeting, title="Resepter og medisiner")
    services.propose_agenda_item(world.owner, meeting, title="Jeg vil snakke om jobb")
    return meeting


def test_the_agenda_is_built_for_the_group_with_the_users_words_first(client, world, full_agenda):
    page = text(login(client, world.trust_person).get(url("meeting_detail", full_agenda.pk)))
    order = ["Jeg vil snakke om jobb", "Søke bostøtte", "Ringe boligkontoret", "Revidere planen",
             "Resepter og medisiner"]
    positions = [page.index(title) for title in order]
    assert positions == sorted(positions)
    assert "Brukerens ord" in page and "Forslag fra et medlem" in page


def test_the_owner_reads_the_place_in_their_own_words(client, world, meeting):
    page = text(login(client, world.owner).get(url("meeting_detail", meeting.pk)))
    assert "Møte i ansvarsgruppen din" in page and "Hjemme hos deg" in page
    assert url("agenda_propose", meeting.pk) in page and url("meeting_apologies", meeting.pk) in page
    assert url("meeting_edit", meeting.pk) not in page


HOME_FOR_PARTNER = "Hjemme hos brukeren – adressen får du av tillitspersonen"


def test_a_partner_is_not_sent_to_a_home_without_an_address(client, world, group, gp_member, nav_member):
    """A partner does not see the user's address: «Hjemme hos brukeren» alone leaves them without one."""
    home = services.schedule_meeting(world.trust_person, group, starts_at=later(3), place=Meeting.Place.USER_HOME)
    for name, args in (("meeting_detail", [home.pk]), ("group_detail", [group.pk]), ("partner_home", [])):
        page = text(page_for(client, world.partner_valid, name, *args))
        assert HOME_FOR_PARTNER in page, name
    invitation = [n for n in notifications_to(world.partner_valid) if n.about_id == home.pk][-1]
    assert HOME_FOR_PARTNER in invitation.body
    # Staff know the address; the user reads «hjemme hos deg».
    page = text(page_for(client, world.trust_person, "meeting_detail", home.pk))
    assert "Hjemme hos brukeren" in page and HOME_FOR_PARTNER not in page
    page = text(page_for(client, world.owner, "meeting_detail", home.pk))
    assert "Hjemme hos deg" in page and "Hjemme hos brukeren" not in page
    # With the address written on the meeting, the partner reads it.
    services.change_meeting(world.trust_person, home, place_detail="Storgata 1")
    page = text(page_for(client, world.partner_valid, "meeting_detail", home.pk))
    assert "Hjemme hos brukeren: Storgata 1" in page and HOME_FOR_PARTNER not in page


def page_for(client, user, name: str, *args):
    client.logout()
    return login(client, user).get(url(name, *args))


def test_a_partner_without_the_plan_scope_does_not_see_plan_points(client, world, full_agenda):
    # NAV's consent has every scope; make it meetings-only.
    world.consent_org.scope_plan = False
    world.consent_org.save()
    page = text(login(client, world.partner_org_member).get(url("meeting_detail", full_agenda.pk)))
    assert "Søke bostøtte" in page and "Ringe boligkontoret" not in page


def test_members_propose_points_and_the_user_writes_their_own(client, world, meeting):
    response = post(client, world.partner_valid, "agenda_propose", meeting.pk, data={"title": "Resepter"})
    assert response.status_code == 302
    post(client, world.owner, "agenda_propose", meeting.pk, data={"title": "Jobb", "text": "Deltid"})
    kinds = dict(AgendaItem.objects.filter(meeting=meeting).values_list("title", "kind"))
    assert kinds == {"Resepter": "proposed", "Jobb": "user_words"}


def test_the_coordinator_writes_down_the_users_point(client, world, meeting):
    post(client, world.trust_person, "agenda_propose", meeting.pk, data={"title": "Fra brukeren", "for_user": "on"})
    assert AgendaItem.objects.get(meeting=meeting).kind == "user_words"


def test_an_empty_point_is_a_norwegian_error(client, world, meeting):
    response = post(client, world.partner_valid, "agenda_propose", meeting.pk, data={"title": ""})
    assert "Skriv punktet." in text(response)
    assert not AgendaItem.objects.exists()


def test_the_proposer_takes_a_point_off_the_agenda_but_another_member_cannot(client, world, meeting, nav_member):
    item = services.propose_agenda_item(world.partner_valid, meeting, title="Resepter")
    assert post(client, world.partner_org_member, "agenda_archive", item.pk).status_code == 403
    assert post(client, world.partner_valid, "agenda_archive", item.pk).status_code == 302
    assert fresh(item).archived_at is not None


def test_saving_the_agenda_stores_the_generated_points(client, world, full_agenda):
    post(client, world.trust_person, "agenda_freeze", full_agenda.pk)
    assert fresh(full_agenda).agenda_frozen_at is not None
    assert AgendaItem.objects.filter(meeting=full_agenda, kind="action_item").exists()


def test_the_meeting_page_is_an_access_event_for_a_partner(client, world, meeting):
    login(client, world.partner_valid).get(url("meeting_detail", meeting.pk))
    event = access_events(world.owner_su)[-1]
    assert (event.actor_id, event.what, event.channel) == (world.partner_valid.pk, "Møte i ansvarsgruppen",
                                                           AccessEvent.Channel.WEB)


# --- attendance ------------------------------------------------------------------------------------------------------


def test_recording_attendance_marks_the_meeting_held(client, world, held_meeting, gp_member, nav_member,
                                                     user_member):
    login(client, world.trust_person)
    page = text(client.get(url("meeting_attendance", held_meeting.pk)))
    assert "Registrer oppmøte" in page and "Kari Nordmann" in page
    response = client.post(url("meeting_attendance", held_meeting.pk), {
        f"member_{user_member.pk}": "present", f"member_{gp_member.pk}": "present",
        f"member_{nav_member.pk}": "absent"})
    assert response.status_code == 302
    statuses = dict(Attendance.objects.filter(meeting=held_meeting).values_list("member_id", "status"))
    assert statuses == {user_member.pk: "present", gp_member.pk: "present", nav_member.pk: "absent"}
    assert fresh(held_meeting).status == "held"
    page = text(client.get(url("meeting_detail", held_meeting.pk)))
    assert "Ikke møtt, uten å melde fra" in page


def test_attendance_with_nothing_chosen_is_a_norwegian_error(client, world, held_meeting):
    login(client, world.trust_person)
    response = client.post(url("meeting_attendance", held_meeting.pk), {})
    assert "Velg oppmøte for minst ett medlem." in text(response)
    assert not Attendance.objects.exists()


def test_attendance_before_the_meeting_is_refused_in_plain_words(client, world, meeting, gp_member):
    login(client, world.trust_person)
    response = client.post(url("meeting_attendance", meeting.pk), {f"member_{gp_member.pk}": "present"})
    assert "Møtet har ikke startet ennå." in text(response)
    assert not Attendance.objects.exists()


def test_a_partner_cannot_record_attendance(client, world, held_meeting, gp_member):
    response = post(client, world.partner_valid, "meeting_attendance", held_meeting.pk,
                    data={f"member_{gp_member.pk}": "present"})
    assert response.status_code == 403


# --- apologies -------------------------------------------------------------------------------------------------------


def test_a_partner_sends_apologies_from_the_page(client, world, meeting, gp_member):
    login(client, world.partner_valid)
    assert "Meld forfall" in text(client.get(url("meeting_detail", meeting.pk)))
    response = client.post(url("meeting_apologies", meeting.pk), {"message": "Vikaren kommer"})
    assert response.status_code == 302
    attendance = Attendance.objects.get(meeting=meeting, member=gp_member)
    assert (attendance.status, attendance.message, attendance.via) == ("apologies", "Vikaren kommer", "page")
    assert "Du har meldt forfall til dette møtet." in text(client.get(url("meeting_detail", meeting.pk)))


def test_the_coordinator_records_apologies_for_a_member_who_phoned(client, world, meeting, nav_member):
    post(client, world.trust_person, "meeting_apologies", meeting.pk,
         data={"member": nav_member.pk, "message": "Ringte"})
    attendance = Attendance.objects.get(meeting=meeting, member=nav_member)
    assert (attendance.status, attendance.via) == ("apologies", "recorded")


def test_apologies_after_the_start_are_refused(client, world, held_meeting, gp_member):
    response = post(client, world.partner_valid, "meeting_apologies", held_meeting.pk, data={"message": ""})
    assert "Møtet har allerede startet." in text(response)
    assert not Attendance.objects.exists()


def test_apologies_with_the_link_need_no_login(client, world, meeting, gp_member):
    token = tokens.apology_token(meeting.pk, gp_member.pk)
    response = client.get(url("meeting_apologies_by_link", token))
    assert response.status_code == 200
    page = text(response)
    assert "Meld forfall" in page and "Storgata 1" in page and "Du trenger ikke logge inn." in page
    response = client.post(url("meeting_apologies_by_link", token), {"message": "Syk"})
    assert response.status_code == 200 and "Møtelederen har fått beskjed" in text(response)
    attendance = Attendance.objects.get(meeting=meeting, member=gp_member)
    assert (attendance.status, attendance.via, attendance.recorded_by) == ("apologies", "link", world.partner_valid)


def test_the_users_link_reads_in_their_own_words(client, world, meeting, user_member):
    page = text(client.get(url("meeting_apologies_by_link", tokens.apology_token(meeting.pk, user_member.pk))))
    assert "Møtet i ansvarsgruppen din" in page and "Hjemme hos deg" in page


def test_the_invitation_carries_the_link_to_the_page(world, meeting, gp_member):
    link = tokens.apology_url(meeting.pk, gp_member.pk)
    assert "/ansvarsgrupper/forfall/" in link
    notification = Notification.objects.filter(recipient_user=world.partner_valid).latest("pk")
    assert "/ansvarsgrupper/forfall/" in notification.body


@pytest.mark.parametrize("case, message", [
    ("broken", "Lenken er ikke gyldig."),
    ("cancelled", "Møtet er avlyst."),
    ("withdrawn", "Du har ikke lenger tilgang til denne ansvarsgruppen."),
])
def test_a_link_that_cannot_be_used_says_why_and_changes_nothing(client, world, meeting, gp_member, case, message):
    from koordinator.services import withdraw_consent

    token = tokens.apology_token(meeting.pk, gp_member.pk)
    if case == "broken":
        token = token[:-3] + "xyz"
    elif case == "cancelled":
        services.cancel_meeting(world.trust_person, meeting, "Syk")
    else:
        withdraw_consent(world.trust_person, world.consent_valid)
    for response in (client.get(url("meeting_apologies_by_link", token)),
                     client.post(url("meeting_apologies_by_link", token), {"message": "x"})):
        assert response.status_code == 400 and message in text(response)
    assert not Attendance.objects.exists()


# --- the plan, and the chair -----------------------------------------------------------------------------------------


def test_revise_the_plan_from_the_meeting(client, world, held_meeting, gp_member):
    tp = world.trust_person
    plan_services.activate_plan(tp, plan_services.create_plan(tp, world.case), consent_given_how="paper")
    services.record_attendance(tp, held_meeting, {gp_member: "present"})
    login(client, tp)
    assert url("meeting_revise_plan", held_meeting.pk) in text(client.get(url("meeting_detail", held_meeting.pk)))
    response = client.post(url("meeting_revise_plan", held_meeting.pk), {
        "what_changed": "Nytt mål om jobb", "next_revision_on": days(60).isoformat()})
    assert response.status_code == 302
    revision = PlanRevision.objects.get()
    assert revision.meeting_id == held_meeting.pk and revision.revised_on == held_meeting.local_date
    assert "Legesenteret" in revision.participants
    assert "Nytt mål om jobb" in text(client.get(url("meeting_detail", held_meeting.pk)))


def test_revise_without_a_plan_says_so(client, world, held_meeting):
    login(client, world.trust_person)
    assert "Brukeren har ingen plan i bruk" in text(client.get(url("meeting_revise_plan", held_meeting.pk)))
    response = client.post(url("meeting_revise_plan", held_meeting.pk), {
        "what_changed": "x", "next_revision_on": days(60).isoformat()})
    assert "Brukeren har ingen plan i bruk som kan revideres." in text(response)
    assert not PlanRevision.objects.exists()


def test_only_staff_revise_the_plan(client, world, held_meeting, gp_member):
    for user in (world.owner, world.partner_valid):
        assert post(client, user, "meeting_revise_plan", held_meeting.pk, data={}).status_code == 403


def test_a_meeting_whose_chair_is_away_is_flagged_and_the_leader_hands_the_chair_on(client, world, meeting):
    Absence.objects.create(person=world.trust_person, kind="sykmelding", starts_on=days(0), ends_on=days(5),
                           registered_by=world.leader)
    login(client, world.leader)
    page = text(client.get(url("meeting_detail", meeting.pk)))
    assert "er borte den dagen (sykmelding)" in page and url("meeting_hand_over_chair", meeting.pk) in page
    form = text(client.get(url("meeting_hand_over_chair", meeting.pk)))
    assert world.deputy.display_name in form and world.leader.display_name in form
    response = client.post(url("meeting_hand_over_chair", meeting.pk), {"chair_person": world.deputy.pk})
    assert response.status_code == 302 and fresh(meeting).chair_person == world.deputy
    # And back to the group's own chair.
    client.post(url("meeting_hand_over_chair", meeting.pk), {"chair_person": ""})
    assert fresh(meeting).chair_person is None


def test_handing_the_chair_to_someone_not_on_the_case_is_refused(client, world, meeting):
    login(client, world.leader)
    response = client.post(url("meeting_hand_over_chair", meeting.pk), {"chair_person": world.partner_valid.pk})
    assert response.status_code == 200 and "Velg et av alternativene i listen." in text(response)
    assert fresh(meeting).chair_person is None


def test_partners_and_the_owner_cannot_hand_the_chair_on(client, world, meeting):
    for user in (world.owner, world.partner_valid):
        assert post(client, user, "meeting_hand_over_chair", meeting.pk,
                    data={"chair_person": world.deputy.pk}).status_code == 403
