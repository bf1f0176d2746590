"""The meetings API: groups, members (and the consent a member needs), meetings, apologies, attendance, the minutes as
a living document (version, ETag, 412 with both texts, ready, approve, disagree, history, restore, what changed since
I read it) and action items, with the access log and pagination.

The permission matrix is ``test_api_matrix.py``; bad bodies ``test_api_errors.py``; query budgets
``test_api_query_budget.py``.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from koordinator.models import AccessEvent, Notification
from meetings import services
from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Group,
    GroupMember,
    Meeting,
    Minutes,
    MinutesRead,
)
from tests import factories as f
from tests.meetings.api_helpers import action_item, client_for, ready_minutes
from tests.meetings.conftest import days, fresh, later, past_meeting

pytestmark = pytest.mark.django_db


def versions(minutes: Minutes) -> list[int]:
    return sorted({r.version for r in minutes.history.all()})


# --- groups -------------------------------------------------------------------------------------------------------


def test_staff_create_a_group_with_the_user_and_the_coordinator_in_it(world):
    client = client_for(world.trust_person)
    response = client.post("/api/v1/groups/", {"follow_up": world.case.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "active" and body["chair"] == "coordinator"
    assert body["service_user"] == world.owner_su.pk and body["coordinator"]["id"] == world.trust_person.pk
    members = client.get("/api/v1/group-members/", {"group": body["id"]}).json()["results"]
    assert sorted(m["kind"] for m in members) == ["coordinator", "user"]
    assert {m["name"] for m in members} == {"Kari Nordmann", world.trust_person.display_name}

    again = client.post("/api/v1/groups/", {"follow_up": world.case.pk}, format="json")
    assert again.status_code == 400
    assert "allerede en ansvarsgruppe" in again.json()["errors"]["follow_up"][0]


def test_the_user_takes_the_chair_of_their_own_group(world, group):
    response = client_for(world.owner).patch(f"/api/v1/groups/{group.pk}/", {"chair": "user"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["chair"] == "user" and fresh(group).chair == Group.Chair.USER


def test_pausing_a_group_needs_a_reason_and_closing_cancels_the_planned_meetings(world, meeting):
    client = client_for(world.trust_person)
    url = f"/api/v1/groups/{meeting.group_id}/status/"
    refused = client.post(url, {"status": "paused"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"reason": ["Skriv kort hvorfor."]}
    assert fresh(meeting.group).status == Group.Status.ACTIVE

    closed = client.post(url, {"status": "closed", "reason": "Flyttet til Bergen"}, format="json")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed" and closed.json()["status_reason"] == "Flyttet til Bergen"
    assert fresh(meeting).status == Meeting.Status.CANCELLED


# --- members and the consent they need ----------------------------------------------------------------------------


def test_a_partner_with_the_meetings_consent_is_added_with_a_role(world, group, gp):
    response = client_for(world.trust_person).post(
        "/api/v1/group-members/",
        {"group": group.pk, "person": world.partner_valid.pk, "organisation": gp.pk, "role": "fastlege"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "person" and body["role"] == "fastlege" and body["is_current"]
    assert body["name"] == f"{world.partner_valid.display_name} ({gp.name})"


@pytest.mark.parametrize(
    ("persona", "words"),
    [
        ("partner_expired", "gikk ut"),
        ("partner_withdrawn", "trakk tilbake samtykket"),
        ("partner_wrong_scope", "gjelder bare"),
        ("partner_none", "har ikke gitt samtykke"),
    ],
)
def test_a_member_without_the_meetings_consent_is_a_400_that_says_what_is_missing(world, group, persona, words):
    count = GroupMember.objects.count()
    response = client_for(world.trust_person).post(
        "/api/v1/group-members/", {"group": group.pk, "person": world.persona(persona).pk}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["person"]
    message = body["errors"]["person"][0]
    assert words in message and "Kari Nordmann" in message and body["detail"] == message
    assert GroupMember.objects.count() == count


def test_a_service_without_consent_is_refused_on_the_organisation_field(world, group):
    dps = f.OrganisationFactory(name="DPS Øya", kind="specialist", municipality=world.municipality)
    response = client_for(world.trust_person).post(
        "/api/v1/group-members/", {"group": group.pk, "organisation": dps.pk}, format="json"
    )
    assert response.status_code == 400
    assert "DPS Øya" in response.json()["errors"]["organisation"][0]


def test_a_member_is_archived_with_a_reason_but_the_user_never(world, group, gp_member, user_member):
    client = client_for(world.trust_person)
    response = client.post(f"/api/v1/group-members/{gp_member.pk}/archive/", {"reason": "Ny fastlege"},
                           format="json")
    assert response.status_code == 200
    assert response.json()["is_current"] is False and response.json()["removed_reason"] == "Ny fastlege"
    current = client.get("/api/v1/group-members/", {"group": group.pk, "current": "true"}).json()["results"]
    assert gp_member.pk not in {m["id"] for m in current}
    refused = client.post(f"/api/v1/group-members/{user_member.pk}/archive/", {}, format="json")
    assert refused.status_code == 400 and fresh(user_member).removed_at is None


# --- meetings, apologies, attendance ------------------------------------------------------------------------------


def test_scheduling_a_meeting_invites_every_member(world, group, gp_member, nav_member):
    before = Notification.objects.count()
    response = client_for(world.trust_person).post(
        "/api/v1/meetings/",
        {"group": group.pk, "starts_at": f"{days(10):%d.%m.%Y} 14.00", "place": "user_home",
         "note": "Vi tar kaffe."},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    starts = timezone.localtime(Meeting.objects.get(pk=body["id"]).starts_at)
    assert (starts.date(), starts.hour, starts.minute) == (days(10), 14, 0)
    assert body["status"] == "planned" and body["chair_name"] == world.trust_person.display_name
    assert body["minutes"] is None
    assert Notification.objects.count() > before


def test_a_meeting_in_the_past_is_a_clear_400(world, group):
    response = client_for(world.trust_person).post(
        "/api/v1/meetings/", {"group": group.pk, "starts_at": later(-1).isoformat(), "place": "office"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"starts_at": ["Møtet kan ikke være tilbake i tid."]}


def test_the_meetings_list_filters_by_group_days_and_status(world, group, meeting, held_meeting):
    client = client_for(world.trust_person)

    def ids(**params) -> set[int]:
        response = client.get("/api/v1/meetings/", params)
        assert response.status_code == 200, response.content
        return {m["id"] for m in response.json()["results"]}

    assert ids(group=group.pk) == {meeting.pk, held_meeting.pk}
    assert ids(**{"from": days(0).isoformat()}) == {meeting.pk}
    assert ids(to=days(-1).isoformat()) == {held_meeting.pk}
    assert ids(**{"from": days(2).isoformat(), "to": days(2).isoformat()}) == {meeting.pk}
    assert ids(status="planned") == {meeting.pk, held_meeting.pk}
    assert ids(status="cancelled") == set()
    assert ids(group=999999) == set()
    assert client.get("/api/v1/meetings/", {"status": "kanskje"}).status_code == 400


def test_moving_a_meeting_tells_everyone_and_cancelling_needs_a_reason(world, meeting):
    client = client_for(world.trust_person)
    moved = client.patch(f"/api/v1/meetings/{meeting.pk}/", {"starts_at": later(3, hour=9).isoformat(),
                                                              "reason": "Legen kan ikke"}, format="json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["sequence"] == 1 and moved.json()["status_note"] == "Legen kan ikke"

    refused = client.post(f"/api/v1/meetings/{meeting.pk}/cancel/", {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]
    cancelled = client.post(f"/api/v1/meetings/{meeting.pk}/cancel/", {"reason": "Kari er syk"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_the_meeting_shows_its_agenda_with_the_users_words_first(world, meeting):
    services.propose_agenda_item(world.partner_valid, meeting, title="Resepter")
    services.propose_agenda_item(world.owner, meeting, title="Jeg vil snakke om jobb")
    body = client_for(world.partner_valid).get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert [(p["kind"], p["title"]) for p in body["agenda"]] == [
        ("user_words", "Jeg vil snakke om jobb"), ("proposed", "Resepter")]
    assert body["agenda"][0]["kind_display"] == "Brukerens ord"


def test_a_member_sends_apologies_for_themselves(world, meeting, gp_member):
    response = client_for(world.partner_valid).post(
        f"/api/v1/meetings/{meeting.pk}/apologies/", {"message": "Har legevakt"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["member"] == gp_member.pk and body["status"] == "apologies" and body["via"] == "page"
    assert body["message"] == "Har legevakt"
    attendance = Attendance.objects.get(meeting=meeting, member=gp_member)
    assert attendance.status == Attendance.Status.APOLOGIES and attendance.recorded_by == world.partner_valid


def test_someone_who_is_not_a_member_gets_a_plain_400_for_apologies(world, meeting):
    response = client_for(world.leader).post(f"/api/v1/meetings/{meeting.pk}/apologies/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"member": ["Du er ikke medlem av denne ansvarsgruppen."]}


def test_attendance_is_recorded_for_a_member_and_the_meeting_is_held(world, held_meeting, gp_member, nav_member):
    client = client_for(world.trust_person)
    response = client.post("/api/v1/attendance/", {"meeting": held_meeting.pk, "member": gp_member.pk,
                                                   "status": "present"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["member_name"].startswith(world.partner_valid.display_name)
    assert fresh(held_meeting).status == Meeting.Status.HELD
    again = client.post("/api/v1/attendance/", {"meeting": held_meeting.pk, "member": gp_member.pk,
                                                "status": "absent"}, format="json")
    assert again.status_code == 200 and again.json()["status"] == "absent"
    changed = client.patch(f"/api/v1/attendance/{again.json()['id']}/", {"status": "apologies",
                                                                          "message": "Ringte"}, format="json")
    assert changed.status_code == 200 and changed.json()["message"] == "Ringte"
    listed = client.get("/api/v1/attendance/", {"meeting": held_meeting.pk}).json()
    assert listed["count"] == 1 and listed["results"][0]["status"] == "apologies"


def test_attendance_for_a_meeting_that_has_not_started_is_a_400(world, meeting, gp_member):
    response = client_for(world.trust_person).post(
        "/api/v1/attendance/", {"meeting": meeting.pk, "member": gp_member.pk, "status": "present"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"starts_at": ["Møtet har ikke startet ennå."]}


# --- the minutes: versions, ETags and the conflict that loses nothing ---------------------------------------------


def url(minutes: Minutes, suffix: str = "") -> str:
    return f"/api/v1/minutes/{minutes.pk}/{suffix}"


def test_the_minutes_show_their_version_and_send_their_etag(world, minutes):
    response = client_for(world.trust_person).get(url(minutes))
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1 and body["etag"] == minutes.etag == response["ETag"] == f'"minutes-{minutes.pk}-v1"'
    assert body["status"] == "draft" and body["service_user"] == world.owner_su.pk


def test_staff_start_the_minutes_once(world, held_meeting):
    client = client_for(world.trust_person)
    created = client.post("/api/v1/minutes/", {"meeting": held_meeting.pk}, format="json")
    assert created.status_code == 201 and created.json()["version"] == 1
    again = client.post("/api/v1/minutes/", {"meeting": held_meeting.pk}, format="json")
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    assert Minutes.objects.filter(meeting=held_meeting).count() == 1


def test_a_write_must_say_which_version_it_is_based_on(world, minutes):
    response = client_for(world.trust_person).patch(url(minutes), {"situation": "Stabil"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"version": ["Oppgi hvilken versjon av referatet endringen bygger på."]}
    assert fresh(minutes).situation == ""


def test_a_write_on_the_current_version_is_saved_with_a_new_etag(world, minutes):
    response = client_for(world.trust_person).patch(
        url(minutes), {"situation": "Stabil, bor i egen leilighet.", "version": 1}, format="json"
    )
    assert response.status_code == 200, response.content
    minutes = fresh(minutes)
    assert minutes.situation == "Stabil, bor i egen leilighet." and minutes.version == 2
    assert response.json()["version"] == 2 and response["ETag"] == minutes.etag


def test_if_match_with_the_etag_works_instead_of_version(world, minutes):
    client = client_for(world.trust_person)
    etag = client.get(url(minutes))["ETag"]
    assert client.patch(url(minutes), {"decisions": "Søke bostøtte"}, format="json",
                        HTTP_IF_MATCH=etag).status_code == 200
    stale = client.patch(url(minutes), {"decisions": "Noe annet"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert fresh(minutes).decisions == "Søke bostøtte"


def test_an_if_match_that_is_not_these_minutes_etag_is_a_clear_400(world, minutes):
    client = client_for(world.trust_person)
    for header in (f'"plan-{minutes.pk}-v1"', '"minutes-999999-v1"', "tull"):
        response = client.patch(url(minutes), {"situation": "Nei"}, format="json", HTTP_IF_MATCH=header)
        assert response.status_code == 400, header
        assert "referatets ETag" in response.json()["errors"]["version"][0]
    assert fresh(minutes).version == 1


def test_two_editors_from_the_same_version_the_second_gets_412_with_both_texts(world, minutes):
    """The concurrency test through the API: the first save wins, the second is refused with its own text and the
    stored one; nothing is lost, and the history has every version."""
    first, second = client_for(world.trust_person), client_for(world.deputy)
    start = first.get(url(minutes)).json()["version"]
    assert second.get(url(minutes)).json()["version"] == start

    saved = first.patch(url(minutes), {"situation": "Har fått leilighet.", "version": start}, format="json")
    assert saved.status_code == 200
    refused = second.patch(url(minutes), {"situation": "Bor fortsatt på hospits.", "decisions": "Søke bolig",
                                          "version": start}, format="json")

    assert refused.status_code == 412
    body = refused.json()
    assert body["based_on_version"] == start and body["current_version"] == start + 1 == fresh(minutes).version
    assert body["submitted"] == {"situation": "Bor fortsatt på hospits.", "decisions": "Søke bolig"}
    assert body["current"] == {"situation": "Har fått leilighet.", "decisions": ""}
    assert body["minutes"]["situation"] == "Har fått leilighet."
    assert body["changed_by"] == world.trust_person.display_name
    assert "version" in body["errors"] and "Det du skrev er tatt vare på" in body["detail"]
    assert refused["ETag"] == fresh(minutes).etag
    assert fresh(minutes).situation == "Har fått leilighet." and fresh(minutes).decisions == ""

    merged = second.patch(url(minutes), {"situation": "Har fått leilighet; flytter inn 1. mai.",
                                         "decisions": "Søke bolig", "version": body["current_version"]},
                          format="json")
    assert merged.status_code == 200
    assert versions(fresh(minutes)) == [1, 2, 3]
    history = first.get(url(minutes, "history/")).json()["results"]  # paginated, like every list
    assert [h["version"] for h in history] == [3, 2, 1]
    assert [h["who"] for h in history][:2] == [world.deputy.display_name, world.trust_person.display_name]


def test_notes_per_agenda_point_and_their_conflict_come_back_as_json(world, held_meeting, minutes):
    item = AgendaItem.objects.create(meeting=held_meeting, kind="proposed", title="Medisiner", position=9)
    client = client_for(world.trust_person)
    response = client.patch(url(minutes), {"point_notes": {str(item.pk): "LAR fortsetter."}, "version": 1},
                            format="json")
    assert response.status_code == 200, response.content
    assert response.json()["point_notes"] == {str(item.pk): "LAR fortsetter."}
    stale = client.patch(url(minutes), {"point_notes": {str(item.pk): "Annet"}, "version": 1}, format="json")
    assert stale.status_code == 412
    assert stale.json()["current"] == {"point_notes": {str(item.pk): "LAR fortsetter."}}
    assert stale.json()["submitted"] == {"point_notes": {str(item.pk): "Annet"}}
    unknown = client.patch(url(minutes), {"point_notes": {"999999": "x"}, "version": 2}, format="json")
    assert unknown.status_code == 400 and unknown.json()["errors"] == {"point_notes": ["Ukjent punkt på dagsorden."]}


def test_ready_then_a_change_needs_a_reason_and_shows_as_a_visible_change(world, minutes):
    client = client_for(world.trust_person)
    empty = client.post(url(minutes, "ready/"), {"version": 1}, format="json")
    assert empty.status_code == 400 and "situation" in empty.json()["errors"]
    client.patch(url(minutes), {"situation": "Stabil.", "version": 1}, format="json")
    ready = client.post(url(minutes, "ready/"), {"version": 2}, format="json")
    assert ready.status_code == 200 and ready.json()["status"] == "ready" and ready.json()["ready_version"] == 2

    no_reason = client.patch(url(minutes), {"decisions": "Søke bostøtte", "version": 2}, format="json")
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"] == {"reason": ["Referatet er markert som klart. Skriv kort hvorfor det endres."]}
    amended = client.patch(url(minutes), {"decisions": "Søke bostøtte", "version": 2, "reason": "Glemte vedtaket"},
                           format="json")
    assert amended.status_code == 200 and amended.json()["changed_since_ready"] is True
    amendments = client_for(world.owner).get(url(minutes)).json()["amendments"]
    assert [(a["version"], a["reason"]) for a in amendments] == [(3, "Glemte vedtaket")]
    assert amendments[0]["changes"][0]["key"] == "decisions"


def test_the_user_approves_the_version_they_read(world, minutes):
    minutes = ready_minutes(world, minutes)
    client = client_for(world.owner)
    stale = client.post(url(minutes, "approve/"), {"version": minutes.version - 1}, format="json")
    assert stale.status_code == 412 and fresh(minutes).status == Minutes.Status.READY
    response = client.post(url(minutes, "approve/"), {"version": minutes.version}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved" and body["user_response_how"] == "portal"
    assert body["user_response_version"] == minutes.version


def test_staff_record_an_approval_given_on_paper_but_must_say_how(world, minutes):
    minutes = ready_minutes(world, minutes)
    client = client_for(world.trust_person)
    refused = client.post(url(minutes, "approve/"), {}, format="json")
    assert refused.status_code == 400 and "how" in refused.json()["errors"]
    response = client.post(url(minutes, "approve/"), {"how": "paper"}, format="json")
    assert response.status_code == 200 and response.json()["user_response_how"] == "paper"


def test_the_user_writes_what_they_disagree_with(world, minutes):
    minutes = ready_minutes(world, minutes)
    client = client_for(world.owner)
    empty = client.post(url(minutes, "disagree/"), {"version": minutes.version}, format="json")
    assert empty.status_code == 400 and empty.json()["errors"] == {"disagreement": ["Skriv hva du er uenig i."]}
    response = client.post(url(minutes, "disagree/"), {"version": minutes.version,
                                                       "disagreement": "Jeg sa ikke ja til DPS."}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "disputed" and response.json()["disagreement"] == "Jeg sa ikke ja til DPS."


def test_a_stale_disagreement_keeps_the_users_own_words(world, minutes):
    # Issue 12: the 412 said «Det du skrev er tatt vare på» but left the disagreement out.
    minutes = ready_minutes(world, minutes)
    stale = client_for(world.owner).post(url(minutes, "disagree/"), {
        "version": minutes.version - 1, "disagreement": "Jeg sa ikke ja til DPS."}, format="json")
    assert stale.status_code == 412
    body = stale.json()
    assert body["submitted"] == {"disagreement": "Jeg sa ikke ja til DPS."}
    assert body["current"] == {"disagreement": ""}
    assert "Det du skrev er tatt vare på" in body["detail"]
    assert fresh(minutes).status == Minutes.Status.READY and fresh(minutes).disagreement == ""


def test_a_stale_approval_on_paper_keeps_how_it_was_given(world, minutes):
    minutes = ready_minutes(world, minutes)
    stale = client_for(world.trust_person).post(url(minutes, "approve/"), {
        "version": minutes.version - 1, "how": "paper"}, format="json")
    assert stale.status_code == 412 and stale.json()["submitted"] == {"how": "paper"}


def test_restore_an_earlier_version_is_a_new_version(world, minutes):
    client = client_for(world.trust_person)
    client.patch(url(minutes), {"situation": "Første tekst", "version": 1}, format="json")
    client.patch(url(minutes), {"situation": "Andre tekst", "version": 2}, format="json")
    history = client.get(url(minutes, "history/")).json()["results"]
    first = next(h for h in history if h["version"] == 2)
    assert first["restorable"] is True
    stale = client.post(url(minutes, "restore/"), {"history_id": first["history_id"], "version": 2}, format="json")
    assert stale.status_code == 412
    response = client.post(url(minutes, "restore/"), {"history_id": first["history_id"], "version": 3},
                           format="json")
    assert response.status_code == 200, response.content
    assert response.json()["situation"] == "Første tekst" and response.json()["version"] == 4
    missing = client.post(url(minutes, "restore/"), {"history_id": 999999, "version": 4}, format="json")
    assert missing.status_code == 400 and "Fant ikke" in missing.json()["detail"]


def test_each_reader_sees_what_changed_since_they_last_read(world, minutes, gp_member):
    partner = client_for(world.partner_valid)
    first = partner.get(url(minutes)).json()["changes_since_read"]
    assert first["first_time"] is True and first["changes"] == []
    assert MinutesRead.objects.get(minutes=minutes, reader=world.partner_valid).version == 1

    services.write_minutes(world.trust_person, minutes, 1, situation="Ny leilighet.\nFlytter i mai.")
    peek = partner.get(url(minutes, "changes-since-read/")).json()
    assert peek["last_read_version"] == 1 and peek["current_version"] == 2 and peek["has_changes"]
    change = peek["changes"][0]
    assert change["key"] == "situation" and change["after"] == "Ny leilighet.\nFlytter i mai."
    assert {"op": "+", "line": "Flytter i mai."} in change["lines"]
    # Looking at the changes does not mark them read; reading the minutes does.
    assert MinutesRead.objects.get(minutes=minutes, reader=world.partner_valid).version == 1
    read = partner.get(url(minutes)).json()["changes_since_read"]
    assert read["has_changes"] and read["changes"][0]["key"] == "situation"
    assert partner.get(url(minutes)).json()["changes_since_read"]["has_changes"] is False


def test_minutes_list_filters_by_meeting_group_and_status(world, group, minutes, held_meeting):
    client = client_for(world.trust_person)
    other = services.start_minutes(world.trust_person, past_meeting(world.trust_person, group, 20))
    ready_minutes(world, other)

    def ids(**params) -> set[int]:
        return {m["id"] for m in client.get("/api/v1/minutes/", params).json()["results"]}

    assert ids() == {minutes.pk, other.pk}
    assert ids(meeting=held_meeting.pk) == {minutes.pk}
    assert ids(status="ready") == {other.pk}
    assert ids(group=group.pk) == {minutes.pk, other.pk}


# --- action items -------------------------------------------------------------------------------------------------


def test_the_chair_adds_an_action_item_and_the_responsible_closes_it_with_a_note(world, held_meeting, gp_member):
    client = client_for(world.trust_person)
    created = client.post("/api/v1/action-items/", {"meeting": held_meeting.pk, "what": "Fornye resepten",
                                                    "responsible": gp_member.pk, "due_on": days(7).isoformat()},
                          format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "open" and body["responsible_kind"] == "person" and not body["is_overdue"]

    partner = client_for(world.partner_valid)
    no_rewrite = partner.patch(f"/api/v1/action-items/{body['id']}/", {"what": "Noe annet"}, format="json")
    assert no_rewrite.status_code == 403
    done = partner.patch(f"/api/v1/action-items/{body['id']}/", {"status": "done", "status_note": "Sendt i dag"},
                         format="json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done" and done.json()["status_note"] == "Sendt i dag"
    assert done.json()["closed_by"]["id"] == world.partner_valid.pk
    reopened = client.patch(f"/api/v1/action-items/{body['id']}/", {"status": "open", "due_on": days(9).isoformat()},
                            format="json")
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    assert reopened.json()["due_on"] == days(9).isoformat()


def test_no_longer_relevant_needs_a_note_and_a_note_needs_a_status(world, held_meeting, gp_member):
    item = action_item(world, held_meeting, gp_member)
    client = client_for(world.trust_person)
    refused = client.patch(f"/api/v1/action-items/{item.pk}/", {"status": "cancelled"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"status_note": ["Skriv kort hvorfor oppgaven ikke er aktuell lenger."]}
    lonely = client.patch(f"/api/v1/action-items/{item.pk}/", {"status_note": "Hm"}, format="json")
    assert lonely.status_code == 400 and "status" in lonely.json()["errors"]
    assert fresh(item).status == ActionItem.Status.OPEN and fresh(item).status_note == ""


def test_action_items_filter_by_meeting_group_status_responsible_overdue_and_mine(
        world, group, held_meeting, gp_member, nav_member, user_member):
    overdue = action_item(world, held_meeting, gp_member, what="Sende epikrise")
    overdue.due_on = days(-2)
    ActionItem.objects.filter(pk=overdue.pk).update(due_on=days(-2))
    nav_item = action_item(world, held_meeting, nav_member, what="Vurdere AAP")
    own = action_item(world, held_meeting, user_member, what="Ringe banken")
    later_meeting = past_meeting(world.trust_person, group, 2)
    done = action_item(world, later_meeting, gp_member, what="Time hos tannlege")
    services.set_action_item_status(world.trust_person, done, "done")
    client = client_for(world.trust_person)

    def ids(user=None, **params) -> set[int]:
        response = (client_for(user) if user else client).get("/api/v1/action-items/", params)
        assert response.status_code == 200, response.content
        return {i["id"] for i in response.json()["results"]}

    assert ids() == {overdue.pk, nav_item.pk, own.pk, done.pk}
    assert ids(meeting=held_meeting.pk) == {overdue.pk, nav_item.pk, own.pk}
    assert ids(group=group.pk, status="done") == {done.pk}
    assert ids(responsible=nav_member.pk) == {nav_item.pk}
    assert ids(overdue="true") == {overdue.pk}
    assert ids(overdue="false") == {nav_item.pk, own.pk, done.pk}
    assert ids(world.partner_valid, mine="true") == {overdue.pk, done.pk}
    assert ids(world.partner_org_member, mine="true") == {nav_item.pk}
    assert ids(world.owner, mine="true") == {own.pk}
    assert ids(world.owner, mine="false") == {overdue.pk, nav_item.pk, done.pk}
    assert client.get("/api/v1/action-items/", {"overdue": "ja"}).status_code == 400


# --- the access log and pagination --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "what"),
    [
        ("groups", "Ansvarsgruppe"),
        ("group-members", "Medlemmer i ansvarsgruppe"),
        ("meetings", "Ansvarsgruppemøte"),
        ("minutes", "Referat fra ansvarsgruppemøte"),
        ("action-items", "Oppgaver fra ansvarsgruppe"),
        ("attendance", "Oppmøte i ansvarsgruppe"),
    ],
)
def test_reads_by_others_than_the_owner_are_in_the_owners_access_log(world, held_meeting, minutes, gp_member,
                                                                     endpoint, what):
    item = action_item(world, held_meeting, gp_member)
    attendance = services.record_attendance(world.trust_person, held_meeting, {gp_member: "present"})[0]
    target = {"groups": held_meeting.group, "group-members": gp_member, "meetings": held_meeting,
              "minutes": minutes, "action-items": item, "attendance": attendance}[endpoint]
    partner = client_for(world.partner_valid)
    assert partner.get(f"/api/v1/{endpoint}/{target.pk}/").status_code == 200
    event = AccessEvent.objects.get(channel="api", actor=world.partner_valid)
    assert event.service_user == world.owner_su and event.what == what
    assert partner.get(f"/api/v1/{endpoint}/").status_code == 200
    assert AccessEvent.objects.filter(actor=world.partner_valid, what=f"{what} (liste)").exists()
    client_for(world.owner).get(f"/api/v1/{endpoint}/{target.pk}/")
    client_for(world.owner).get(f"/api/v1/{endpoint}/")
    assert not AccessEvent.objects.filter(actor=world.owner).exists()


@pytest.mark.parametrize("endpoint", ["groups", "group-members", "meetings", "minutes", "action-items", "attendance"])
def test_every_list_is_paginated(world, minutes, endpoint):
    body = client_for(world.trust_person).get(f"/api/v1/{endpoint}/").json()
    assert {"count", "next", "previous", "results"} <= set(body)
    assert client_for(world.trust_person).get(f"/api/v1/{endpoint}/", {"page": 99}).status_code == 404
