"""The minutes as a living document: versions, the conflict that loses nothing, ready, approval, visible changes."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from koordinator.models import Notification
from koordinator.services import ServiceError
from meetings import selectors, services
from meetings.models import AgendaItem, Comment, Meeting, Minutes, MinutesRead
from meetings.services import MinutesConflict
from tests.meetings.conftest import fresh, move_to_past, notifications_to, past_meeting

pytestmark = pytest.mark.django_db


def versions(minutes: Minutes) -> list[int]:
    return sorted({r.version for r in minutes.history.all()})


def ready(world, minutes: Minutes) -> Minutes:
    minutes = services.write_minutes(world.trust_person, minutes, minutes.version, situation="Bor i egen leilighet.")
    return services.mark_minutes_ready(world.trust_person, minutes)


# --- starting and writing -------------------------------------------------------------------------------------------


def test_starting_the_minutes_locks_the_agenda_and_carries_the_situation_over(world, group, held_meeting, minutes):
    assert minutes.version == 1 and minutes.status == Minutes.Status.DRAFT
    assert fresh(held_meeting).agenda_is_frozen
    services.write_minutes(world.trust_person, minutes, 1, situation="Har fått leilighet. Venter på bostøtte.")
    second = past_meeting(world.trust_person, group, 1)
    next_minutes = services.start_minutes(world.trust_person, second)
    assert next_minutes.situation == "Har fått leilighet. Venter på bostøtte."
    assert services.start_minutes(world.trust_person, second) == next_minutes


def test_every_save_is_a_version_with_author_and_time(world, minutes):
    minutes = services.write_minutes(world.trust_person, minutes, 1, situation="Pr dags dato: stabil.")
    minutes = services.write_minutes(world.deputy, minutes, 2, decisions="Søke bostøtte.")
    assert minutes.version == 3
    rows = list(minutes.history.order_by("history_id"))
    assert [r.version for r in rows] == [1, 2, 3]
    assert [r.history_user for r in rows] == [world.trust_person, world.trust_person, world.deputy]
    assert rows[-1].history_change_reason == "Referatet er endret: beslutninger"
    assert all(r.history_date for r in rows)


def test_notes_for_each_agenda_point(world, held_meeting, minutes):
    point = AgendaItem.objects.create(meeting=held_meeting, kind="proposed", title="Medisiner", position=9)
    minutes = services.write_minutes(world.trust_person, minutes, 1, point_notes={point.pk: "LAR fortsetter."})
    assert minutes.note_for(point.pk) == "LAR fortsetter."
    minutes = services.write_minutes(world.trust_person, minutes, 2, point_notes={str(point.pk): ""})
    assert minutes.point_notes == {}
    for bad in ({999999: "x"}, {"tull": "x"}, "ikke en liste"):
        with pytest.raises(ServiceError) as error:
            services.write_minutes(world.trust_person, minutes, 3, point_notes=bad)
        assert error.value.field == "point_notes"
    assert fresh(minutes).version == 3


def test_writing_needs_the_version_and_known_sections(world, minutes):
    with pytest.raises(ServiceError) as error:
        services.write_minutes(world.trust_person, minutes, None, situation="x")
    assert error.value.field == "version"
    with pytest.raises(ServiceError):
        services.write_minutes(world.trust_person, minutes, "tre", situation="x")
    with pytest.raises(ServiceError):
        services.write_minutes(world.trust_person, minutes, 1, status="approved")
    assert fresh(minutes).version == 1


def test_saving_the_same_text_adds_no_version(world, minutes):
    minutes = services.write_minutes(world.trust_person, minutes, 1, situation="Samme")
    minutes = services.write_minutes(world.trust_person, minutes, 2, situation="Samme")
    assert minutes.version == 2


@pytest.mark.parametrize("persona", ["owner", "partner_valid", "partner_org_member", "other_trust_person"])
def test_only_the_chair_and_the_coordinators_write_the_minutes(world, minutes, persona):
    with pytest.raises(PermissionDenied):
        services.write_minutes(world.persona(persona), minutes, 1, situation="x")
    assert fresh(minutes).situation == ""


def test_the_user_who_chairs_writes_their_own_minutes(world, group, minutes):
    services.set_group_chair(world.owner, group, "user")
    minutes = services.write_minutes(world.owner, minutes, 1, user_words="Det gikk bra.")
    assert minutes.user_words == "Det gikk bra."


# --- the concurrency test -------------------------------------------------------------------------------------------


def test_two_members_edit_the_same_version_the_second_gets_a_conflict_and_nothing_is_lost(world, minutes):
    """The trust person and the deputy both open version 1. The first saves; the second's save is refused with
    both texts; the second then saves a merge; the history has every version."""
    base = minutes.version
    first_text = "Kari har fått leilighet på Lade."
    second_text = "Kari venter fortsatt på svar fra boligkontoret."

    services.write_minutes(world.trust_person, minutes, base, situation=first_text)
    with pytest.raises(MinutesConflict) as conflict:
        services.write_minutes(world.deputy, minutes, base, situation=second_text)

    error = conflict.value
    assert error.field == "version"
    assert error.based_on_version == 1 and error.current_version == 2
    assert error.submitted == {"situation": second_text}  # the second writer's text is kept …
    assert error.current == {"situation": first_text}  # … next to the text that is stored now
    assert error.differing_fields == ["situation"]
    assert world.trust_person.display_name in error.message
    assert fresh(minutes).situation == first_text  # nothing was overwritten

    merged = f"{first_text}\n{second_text}"
    minutes = services.write_minutes(world.deputy, minutes, error.current_version, situation=merged)
    assert minutes.version == 3
    history = {r.version: r.situation for r in minutes.history.all()}
    assert history == {1: "", 2: first_text, 3: merged}
    assert [v.version for v in selectors.minutes_timeline(world.trust_person, minutes)] == [3, 2, 1]


def test_approving_a_version_that_has_changed_since_is_a_conflict_too(world, minutes):
    minutes = ready(world, minutes)
    seen = minutes.version
    services.write_minutes(world.trust_person, minutes, seen, decisions="Ny avtale", reason="Glemte en avtale")
    with pytest.raises(MinutesConflict):
        services.approve_minutes(world.owner, minutes, based_on_version=seen)
    assert fresh(minutes).status == Minutes.Status.READY


# --- ready, approval, disagreement ----------------------------------------------------------------------------------


def test_marking_ready_asks_the_user_and_tells_the_members(world, minutes):
    Notification.objects.all().delete()
    minutes = ready(world, minutes)
    assert minutes.status == Minutes.Status.READY and minutes.ready_by == world.trust_person
    assert minutes.ready_version == minutes.version
    assert minutes.meeting.status == Meeting.Status.HELD
    [to_user] = notifications_to(world.owner_su)
    assert "si om du er enig" in to_user.body
    assert notifications_to(world.partner_valid)[0].subject.startswith("Referatet fra møtet")
    assert notifications_to(world.partner_org_member)
    assert not notifications_to(world.trust_person)  # who did it is not told


def test_empty_minutes_are_not_ready_and_not_before_the_meeting(world, meeting, minutes):
    with pytest.raises(ServiceError) as error:
        services.mark_minutes_ready(world.trust_person, minutes)
    assert error.value.field == "situation"
    early = services.start_minutes(world.trust_person, meeting)
    early = services.write_minutes(world.trust_person, early, 1, situation="Forberedt")
    with pytest.raises(ServiceError) as error:
        services.mark_minutes_ready(world.trust_person, early)
    assert error.value.message == "Møtet har ikke startet ennå."
    assert fresh(early).status == Minutes.Status.DRAFT


def test_a_partner_cannot_mark_ready(world, minutes):
    services.write_minutes(world.trust_person, minutes, 1, situation="x")
    with pytest.raises(PermissionDenied):
        services.mark_minutes_ready(world.partner_valid, minutes)


def test_the_user_approves_from_their_own_login_and_the_coordinator_is_told(world, minutes):
    minutes = ready(world, minutes)
    minutes = services.approve_minutes(world.owner, minutes, based_on_version=minutes.version)
    assert minutes.status == Minutes.Status.APPROVED
    assert minutes.user_response_how == "portal" and minutes.user_response_by == world.owner
    assert minutes.user_response_version == minutes.version
    assert "godkjent referatet" in notifications_to(world.trust_person)[-1].subject
    with pytest.raises(ServiceError):
        services.approve_minutes(world.owner, minutes)


def test_the_user_writes_what_they_disagree_with(world, minutes):
    minutes = ready(world, minutes)
    with pytest.raises(ServiceError) as error:
        services.disagree_with_minutes(world.owner, minutes, "   ")
    assert error.value.field == "disagreement"
    minutes = services.disagree_with_minutes(world.owner, minutes, "Jeg sa ikke at jeg ville flytte.")
    assert minutes.status == Minutes.Status.DISPUTED
    assert minutes.disagreement == "Jeg sa ikke at jeg ville flytte."
    assert "uenig" in notifications_to(world.trust_person)[-1].subject
    minutes = services.approve_minutes(world.owner, minutes)
    assert minutes.status == Minutes.Status.APPROVED and minutes.disagreement == ""


def test_staff_record_an_answer_given_on_paper_and_partners_cannot_answer(world, minutes):
    minutes = ready(world, minutes)
    with pytest.raises(ServiceError) as error:
        services.approve_minutes(world.trust_person, minutes)
    assert error.value.field == "how"
    minutes = services.approve_minutes(world.trust_person, minutes, how="paper")
    assert minutes.user_response_how == "paper"
    with pytest.raises(PermissionDenied):
        services.disagree_with_minutes(world.partner_valid, minutes, "x")


def test_draft_minutes_are_not_approved(world, minutes):
    with pytest.raises(ServiceError) as error:
        services.approve_minutes(world.owner, minutes)
    assert error.value.message == "Referatet er ikke klart ennå."


# --- changes after ready --------------------------------------------------------------------------------------------


def test_a_change_after_ready_needs_a_reason_is_visible_and_every_member_is_told(world, minutes):
    minutes = ready(world, minutes)
    minutes = services.approve_minutes(world.owner, minutes)
    with pytest.raises(ServiceError) as error:
        services.write_minutes(world.trust_person, minutes, minutes.version, decisions="Ny avtale")
    assert error.value.field == "reason"
    Notification.objects.all().delete()
    minutes = services.write_minutes(world.trust_person, minutes, minutes.version, decisions="Ny avtale",
                                     reason="Glemte avtalen om tannlegen")
    assert minutes.status == Minutes.Status.APPROVED and minutes.changed_since_user_response
    assert "Glemte avtalen om tannlegen" in notifications_to(world.owner_su)[0].body
    assert notifications_to(world.partner_valid) and notifications_to(world.partner_org_member)
    [amendment] = selectors.minutes_amendments(world.partner_valid, minutes)
    assert amendment.reason == "Glemte avtalen om tannlegen" and amendment.who == world.trust_person.display_name
    [change] = amendment.changes
    assert change.key == "decisions" and change.after == "Ny avtale"
    assert ("+", "Ny avtale") in change.lines


def test_restoring_an_earlier_version_is_a_new_version(world, minutes):
    minutes = services.write_minutes(world.trust_person, minutes, 1, situation="Første")
    minutes = services.write_minutes(world.trust_person, minutes, 2, situation="Andre")
    first = minutes.history.get(version=2)
    minutes = services.restore_minutes_version(world.trust_person, minutes, first.history_id, based_on_version=3)
    assert minutes.version == 4 and minutes.situation == "Første"
    assert versions(minutes) == [1, 2, 3, 4]
    with pytest.raises(ServiceError):
        services.restore_minutes_version(world.trust_person, minutes, "tull")
    with pytest.raises(ServiceError) as error:
        services.restore_minutes_version(world.trust_person, minutes, first.history_id + 999)
    assert error.value.message == "Fant ikke den versjonen av referatet."
    with pytest.raises(ServiceError) as error:
        services.restore_minutes_version(world.trust_person, minutes, first.history_id)
    assert error.value.message == "Referatet er allerede likt denne versjonen."
    with pytest.raises(MinutesConflict):
        services.restore_minutes_version(world.trust_person, minutes, first.history_id, based_on_version=2)


# --- reading, what changed, comments --------------------------------------------------------------------------------


def test_each_reader_sees_what_changed_since_they_last_read(world, minutes, held_meeting):
    point = AgendaItem.objects.create(meeting=held_meeting, kind="proposed", title="Bolig", position=9)
    minutes = services.write_minutes(world.trust_person, minutes, 1, situation="Bor på hospits.")
    assert selectors.changes_since_last_read(world.partner_valid, minutes).first_time
    read = services.mark_minutes_read(world.partner_valid, minutes)
    assert read.version == 2
    assert not selectors.changes_since_last_read(world.partner_valid, minutes).has_changes
    minutes = services.write_minutes(world.trust_person, minutes, 2, situation="Bor på hospits.\nFår leilighet 1.3.",
                                     point_notes={point.pk: "Kontrakt signert."})
    since = selectors.changes_since_last_read(world.partner_valid, minutes)
    assert since.last_read_version == 2 and since.current_version == 3
    assert [c.label for c in since.changes] == ["Situasjonen nå", "Punkt: Bolig"]
    assert ("+", "Får leilighet 1.3.") in since.changes[0].lines
    assert (" ", "Bor på hospits.") in since.changes[0].lines
    # Another reader who has read the latest sees nothing new.
    services.mark_minutes_read(world.owner, minutes)
    assert not selectors.changes_since_last_read(world.owner, minutes).has_changes
    assert MinutesRead.objects.filter(minutes=minutes).count() == 2


def test_members_comment_and_the_coordinator_is_told(world, minutes, gp_member):
    comment = services.add_comment(world.partner_valid, minutes, "Jeg følger opp resepten.")
    assert comment.member == gp_member and comment.minutes_version == 1
    assert fresh(minutes).version == 1  # comments are not part of the document
    assert notifications_to(world.trust_person)[-1].subject.startswith("Kommentar")
    with pytest.raises(ServiceError):
        services.add_comment(world.owner, minutes, "")
    with pytest.raises(PermissionDenied):
        services.add_comment(world.partner_none, minutes, "Hei")
    with pytest.raises(PermissionDenied):
        services.archive_comment(world.partner_org_member, comment)
    comment = services.archive_comment(world.partner_valid, comment)
    assert comment.archived_at is not None and Comment.objects.filter(pk=comment.pk).exists()


def test_no_minutes_for_a_cancelled_meeting(world, meeting):
    services.cancel_meeting(world.trust_person, meeting, "Syk")
    with pytest.raises(ServiceError):
        services.start_minutes(world.trust_person, meeting)
    assert not Minutes.objects.exists()


def test_minutes_can_be_prepared_before_the_meeting_and_finished_after(world, meeting):
    minutes = services.start_minutes(world.trust_person, meeting)
    minutes = services.write_minutes(world.trust_person, minutes, 1, situation="Forberedt før møtet")
    move_to_past(meeting, 0, hour=0)
    assert services.mark_minutes_ready(world.trust_person, minutes).status == Minutes.Status.READY
