"""The minutes as a living document: writing with the version in a hidden field, the conflict page that keeps both
texts, «endret siden du leste sist», marking ready, the user's answer, changes after ready with a reason,
comments, the history and restore."""

from __future__ import annotations

import re

import pytest

from meetings import services
from meetings.models import AgendaItem, Comment, Minutes, MinutesRead
from tests.conftest import login
from tests.meetings.page_helpers import post, text, url
from tests.plans.helpers import fresh

pytestmark = pytest.mark.django_db


def sections(minutes: Minutes, **changes) -> dict:
    data = {"situation": minutes.situation, "user_words": minutes.user_words, "decisions": minutes.decisions,
            "version": minutes.version}
    return {**data, **changes}


@pytest.fixture
def point(world, held_meeting, gp_member) -> AgendaItem:
    """A proposal on the held meeting's agenda (made while it was planned)."""
    return AgendaItem.objects.create(meeting=held_meeting, kind="proposed", title="Resepter", position=1,
                                     proposed_by_member=gp_member, proposed_by=world.partner_valid)


@pytest.fixture
def ready(world, minutes) -> Minutes:
    services.write_minutes(world.trust_person, minutes, 1, situation="Bor i egen leilighet.",
                           decisions="Søke bostøtte.")
    return services.mark_minutes_ready(world.trust_person, fresh(minutes))


# --- writing ---------------------------------------------------------------------------------------------------------


def test_the_chair_starts_the_minutes_and_the_situation_is_carried_over(client, world, group, held_meeting):
    from tests.meetings.conftest import past_meeting

    earlier = past_meeting(world.trust_person, group, 40)
    old = services.start_minutes(world.trust_person, earlier)
    services.write_minutes(world.trust_person, old, 1, situation="Som før: bor hos søsteren.")
    login(client, world.trust_person)
    assert "Skriv referat" in text(client.get(url("meeting_detail", held_meeting.pk)))
    response = client.post(url("minutes_start", held_meeting.pk))
    minutes = Minutes.objects.get(meeting=held_meeting)
    assert response.status_code == 302 and response["Location"] == url("minutes_edit", minutes.pk)
    page = text(client.get(url("minutes_edit", minutes.pk)))
    assert "Som før: bor hos søsteren." in page
    assert 'type="hidden" name="version" value="1"' in page


def test_writing_the_minutes_with_a_note_for_each_point(client, world, held_meeting, point):
    minutes = services.start_minutes(world.trust_person, held_meeting)
    login(client, world.trust_person)
    page = text(client.get(url("minutes_edit", minutes.pk)))
    assert f'name="point_{point.pk}"' in page and "Punkt: Resepter" in page
    response = client.post(url("minutes_edit", minutes.pk), sections(
        minutes, situation="Stabil.", user_words="Jeg vil jobbe.", decisions="Søke jobb.",
        **{f"point_{point.pk}": "Legen fornyer reseptene."}))
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert (minutes.version, minutes.situation, minutes.note_for(point.pk)) == (2, "Stabil.",
                                                                                 "Legen fornyer reseptene.")
    page = text(client.get(url("meeting_detail", held_meeting.pk)))
    assert "Jeg vil jobbe." in page and "Legen fornyer reseptene." in page and "Søke jobb." in page


def test_a_missing_version_is_a_norwegian_error_and_nothing_is_saved(client, world, minutes):
    login(client, world.trust_person)
    data = sections(minutes, situation="Ny")
    del data["version"]
    response = client.post(url("minutes_edit", minutes.pk), data)
    assert "Siden mangler versjonen. Last siden på nytt." in text(response)
    assert fresh(minutes).version == 1


def test_a_partner_member_cannot_write_the_minutes(client, world, minutes):
    assert post(client, world.partner_valid, "minutes_edit", minutes.pk,
                data=sections(minutes, situation="x")).status_code == 403
    login(client, world.partner_valid)
    assert client.get(url("minutes_edit", minutes.pk)).status_code == 403
    assert url("minutes_edit", minutes.pk) not in text(client.get(url("meeting_detail", minutes.meeting_id)))


# --- the conflict page -----------------------------------------------------------------------------------------------


def test_two_writers_from_the_same_version_the_second_gets_both_texts_and_nothing_is_lost(
        client, world, minutes, point):
    """The coordinator and the deputy both open version 1; the deputy saves first; the coordinator's save is refused
    with a conflict page that shows both texts, and the form keeps what only one of them changed."""
    services.write_minutes(world.trust_person, minutes, 1, situation="Felles start.")
    minutes.refresh_from_db()
    opened = sections(minutes)  # both open version 2
    post(client, world.deputy, "minutes_edit", minutes.pk, data={
        **opened, "situation": "Dette skrev stedfortrederen.", f"point_{point.pk}": "Notat fra stedfortrederen"})
    assert Minutes.objects.get(pk=minutes.pk).version == 3
    response = post(client, world.trust_person, "minutes_edit", minutes.pk, data={
        **opened, "situation": "Dette skrev koordinatoren.", "decisions": "Bare koordinatoren endret dette."})
    assert response.status_code == 409
    page = text(response)
    assert "Referatet ble endret mens du skrev" in page and world.deputy.display_name in page
    assert "Dette skrev koordinatoren." in page and "Dette skrev stedfortrederen." in page
    assert "endret av begge" in page
    # The form to save again: the stored text where both changed, the coordinator's own where only they did, and
    # the version the minutes have now.
    assert 'name="version" value="3"' in page
    assert "Bare koordinatoren endret dette.</textarea>" in page
    assert "Notat fra stedfortrederen</textarea>" in page
    stored = fresh(minutes)
    assert (stored.version, stored.situation) == (3, "Dette skrev stedfortrederen.")
    # Saving again from the conflict page works, and the history has every version.
    response = post(client, world.trust_person, "minutes_edit", minutes.pk, data=sections(
        stored, situation="Dette skrev stedfortrederen. Og koordinatoren.", decisions="Bare koordinatoren endret dette.",
        **{f"point_{point.pk}": "Notat fra stedfortrederen"}))
    assert response.status_code == 302
    assert sorted(set(fresh(minutes).history.values_list("version", flat=True))) == [1, 2, 3, 4]


# --- what changed since you last read it -----------------------------------------------------------------------------


def test_each_reader_sees_what_changed_since_they_last_read(client, world, minutes, gp_member):
    login(client, world.partner_valid)
    client.get(url("meeting_detail", minutes.meeting_id))  # reads version 1
    services.write_minutes(world.trust_person, minutes, 1, situation="Ny linje om bolig")
    page = text(client.get(url("meeting_detail", minutes.meeting_id)))
    assert "Endret siden du leste sist (fra versjon 1 til 2)" in page
    assert "Lagt til" in page and "Ny linje om bolig" in page  # the change in words, not colour only
    page = text(client.get(url("meeting_detail", minutes.meeting_id)))
    assert "Endret siden du leste sist" not in page  # read now
    # The coordinator, who wrote it, has not read it through the page yet: the first visit shows no diff.
    client.logout()
    assert "Endret siden du leste sist" not in text(login(client, world.trust_person).get(
        url("meeting_detail", minutes.meeting_id)))


def test_a_visit_at_the_version_read_leaves_the_reading_mark_as_it_is(client, world, minutes, gp_member):
    """The page writes the mark when the reader had not read the version shown, and only then."""
    login(client, world.partner_valid)
    client.get(url("meeting_detail", minutes.meeting_id))
    read = MinutesRead.objects.get(minutes=minutes, reader=world.partner_valid)
    rows = read.history.count()
    client.get(url("meeting_detail", minutes.meeting_id))
    again = MinutesRead.objects.get(pk=read.pk)
    assert (again.version, again.read_at, again.history.count()) == (1, read.read_at, rows)
    services.write_minutes(world.trust_person, minutes, 1, situation="Ny linje om bolig")
    client.get(url("meeting_detail", minutes.meeting_id))
    again = MinutesRead.objects.get(pk=read.pk)
    assert again.version == 2 and again.history.count() == rows + 1


# --- ready, the user's answer, changes after ready -------------------------------------------------------------------


def test_the_chair_marks_the_minutes_ready(client, world, minutes):
    services.write_minutes(world.trust_person, minutes, 1, situation="Stabil.")
    login(client, world.trust_person)
    assert "Marker referatet som klart" in text(client.get(url("meeting_detail", minutes.meeting_id)))
    response = client.post(url("minutes_ready", minutes.pk), {"version": 2})
    assert response.status_code == 302 and fresh(minutes).status == "ready"


def test_marking_empty_minutes_ready_is_refused_in_plain_words(client, world, minutes):
    login(client, world.trust_person)
    response = client.post(url("minutes_ready", minutes.pk), {"version": 1}, follow=True)
    assert "Referatet er tomt." in text(response)
    assert fresh(minutes).status == "draft"


def test_marking_ready_from_a_stale_page_is_refused(client, world, minutes):
    services.write_minutes(world.trust_person, minutes, 1, situation="Stabil.")
    response = login(client, world.deputy).post(url("minutes_ready", minutes.pk), {"version": 1}, follow=True)
    assert "Referatet er endret av noen andre" in text(response)
    assert fresh(minutes).status == "draft"


def test_the_user_approves_from_their_own_login(client, world, ready):
    login(client, world.owner)
    page = text(client.get(url("meeting_detail", ready.meeting_id)))
    assert "Er du enig i referatet?" in page and "Jeg godkjenner referatet" in page
    response = client.post(url("minutes_respond", ready.pk), {"answer": "approve", "version": ready.version})
    assert response.status_code == 302
    ready.refresh_from_db()
    assert (ready.status, ready.user_response_how, ready.user_response_by) == ("approved", "portal", world.owner)


def test_the_user_writes_what_they_disagree_with(client, world, ready):
    login(client, world.owner)
    page = text(client.get(url("minutes_respond", ready.pk)))
    assert "Bor i egen leilighet." in page  # the minutes are on the page they answer
    response = client.post(url("minutes_respond", ready.pk), {"answer": "disagree", "disagreement": "",
                                                              "version": ready.version})
    assert "Skriv hva du er uenig i." in text(response) and fresh(ready).status == "ready"
    client.post(url("minutes_respond", ready.pk), {"answer": "disagree", "disagreement": "Jeg sa ikke det om bolig.",
                                                   "version": ready.version})
    assert (fresh(ready).status, fresh(ready).disagreement) == ("disputed", "Jeg sa ikke det om bolig.")
    client.logout()
    page = text(login(client, world.trust_person).get(url("meeting_detail", ready.meeting_id)))
    assert "Det brukeren er uenig i" in page and "Jeg sa ikke det om bolig." in page


def test_an_answer_to_a_changed_version_keeps_the_users_text_and_saves_nothing(client, world, ready):
    login(client, world.owner)
    old_version = ready.version
    services.write_minutes(world.trust_person, ready, ready.version, reason="Skrivefeil", decisions="Søke bostøtte!")
    response = client.post(url("minutes_respond", ready.pk), {"answer": "disagree", "version": old_version,
                                                              "disagreement": "Dette er min tekst."})
    assert response.status_code == 200
    page = text(response)
    assert "Referatet er endret etter at du åpnet det" in page and "Dette er min tekst." in page
    assert f'name="version" value="{old_version + 1}"' in page
    assert fresh(ready).status == "ready"


def test_staff_record_the_users_answer_and_say_how(client, world, ready):
    login(client, world.trust_person)
    response = client.post(url("minutes_respond", ready.pk), {"answer": "approve", "version": ready.version})
    assert "Velg hvordan brukeren svarte" in text(response) and fresh(ready).status == "ready"
    client.post(url("minutes_respond", ready.pk), {"answer": "approve", "how": "paper", "version": ready.version})
    assert (fresh(ready).status, fresh(ready).user_response_how) == ("approved", "paper")


def test_a_partner_cannot_answer_for_the_user(client, world, ready, gp_member):
    assert post(client, world.partner_valid, "minutes_respond", ready.pk,
                data={"answer": "approve", "version": ready.version}).status_code == 403
    assert fresh(ready).status == "ready"


def test_a_change_after_ready_needs_a_reason_and_shows_as_a_visible_change(client, world, ready):
    login(client, world.trust_person)
    page = text(client.get(url("minutes_edit", ready.pk)))
    assert "Hvorfor endres referatet?" in page
    response = client.post(url("minutes_edit", ready.pk), sections(ready, decisions="Søke bostøtte innen mai."))
    assert "Skriv kort hvorfor det endres." in text(response)
    assert fresh(ready).decisions == "Søke bostøtte."
    client.post(url("minutes_edit", ready.pk), sections(ready, decisions="Søke bostøtte innen mai.",
                                                        reason="Fristen var glemt"))
    page = text(client.get(url("meeting_detail", ready.meeting_id)))
    assert "Endringer etter at referatet var klart" in page and "Fristen var glemt" in page
    assert "Søke bostøtte innen mai." in page


def test_the_reason_for_a_change_after_ready_is_labelled_required_not_optional(client, world, ready):
    page = text(login(client, world.trust_person).get(url("minutes_edit", ready.pk)))
    label = re.search(r'<label class="ds-label" for="id_reason">(.*?)</label>', page, re.S).group(1)
    assert "Hvorfor endres referatet?" in label and "valgfritt" not in label
    record = ready.history.filter(version=1).earliest("history_date")
    page = text(client.get(url("minutes_restore", ready.pk, record.history_id)))
    label = re.search(r'<label class="ds-label" for="id_reason">(.*?)</label>', page, re.S).group(1)
    assert "Hvorfor?" in label and "valgfritt" not in label


# --- comments --------------------------------------------------------------------------------------------------------


def test_members_comment_and_only_the_author_or_a_manager_takes_a_comment_down(client, world, minutes, nav_member):
    response = post(client, world.partner_valid, "minutes_comment", minutes.pk, data={"text": "Legen er enig."})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert "Legen er enig." in text(client.get(url("meeting_detail", minutes.meeting_id)))
    assert post(client, world.partner_org_member, "comment_archive", comment.pk).status_code == 403
    assert post(client, world.partner_valid, "comment_archive", comment.pk).status_code == 302
    assert fresh(comment).archived_at is not None


def test_an_empty_comment_is_a_norwegian_error(client, world, minutes):
    response = post(client, world.owner, "minutes_comment", minutes.pk, data={"text": "  "})
    assert "Skriv kommentaren." in text(response)
    assert not Comment.objects.exists()


# --- history and restore ---------------------------------------------------------------------------------------------


def test_the_history_and_restoring_an_earlier_version(client, world, minutes):
    services.write_minutes(world.trust_person, minutes, 1, situation="Første tekst.")
    services.write_minutes(world.trust_person, fresh(minutes), 2, situation="Andre tekst.")
    login(client, world.trust_person)
    page = text(client.get(url("minutes_timeline", minutes.pk)))
    assert "versjon 3" in page and "versjon 2" in page and "Gjenopprett denne versjonen" in page
    record = fresh(minutes).history.filter(version=2).latest("history_date")
    restore = url("minutes_restore", minutes.pk, record.history_id)
    page = text(client.get(restore))
    assert "Første tekst." in page and "Andre tekst." in page
    response = client.post(restore, {"version": 3})
    assert "Kryss av for å bekrefte." in text(response) and fresh(minutes).version == 3
    client.post(restore, {"version": 3, "confirm": "on"})
    assert (fresh(minutes).version, fresh(minutes).situation) == (4, "Første tekst.")


def test_restoring_after_ready_needs_a_reason(client, world, ready):
    record = ready.history.filter(version=1).earliest("history_date")
    restore = url("minutes_restore", ready.pk, record.history_id)
    response = post(client, world.trust_person, "minutes_restore", ready.pk, record.history_id,
                    data={"version": ready.version, "confirm": "on"})
    assert "Skriv kort hvorfor det endres." in text(response)
    client.post(restore, {"version": ready.version, "confirm": "on", "reason": "Feil versjon ble klar"})
    assert fresh(ready).situation == ""


def test_a_partner_sees_the_history_but_cannot_restore(client, world, minutes, gp_member):
    services.write_minutes(world.trust_person, minutes, 1, situation="Første tekst.")
    login(client, world.partner_valid)
    page = text(client.get(url("minutes_timeline", minutes.pk)))
    assert "Historikk for referatet" in page and "Gjenopprett denne versjonen" not in page
    record = fresh(minutes).history.filter(version=1).earliest("history_date")
    assert client.get(url("minutes_restore", minutes.pk, record.history_id)).status_code == 403


def test_restoring_an_unknown_version_is_404(client, world, minutes):
    assert login(client, world.trust_person).get(url("minutes_restore", minutes.pk, 999999)).status_code == 404


def test_marking_ready_without_the_version_is_refused(client, world, minutes):
    services.write_minutes(world.trust_person, minutes, 1, situation="Stabil.")
    response = login(client, world.trust_person).post(url("minutes_ready", minutes.pk), {"version": "x"}, follow=True)
    assert "Siden mangler versjonen. Last siden på nytt." in text(response)
    assert fresh(minutes).status == "draft"
