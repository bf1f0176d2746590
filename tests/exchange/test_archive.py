"""«Last ned alt om meg»: what the archive holds, asking for it, building it in the background, telling the one who
asked, downloading it and emptying it (exchange.archive, exchange.archive_content, exchange.archive_pdf)."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reportlab.platypus import Paragraph

from exchange import archive, archive_content, archive_pdf
from exchange.models import DataArchive
from koordinator import reminders
from koordinator.followup_log import services as log_services
from koordinator.models import AccessEvent, FollowUpEntry, Notification, ServiceUser
from koordinator.pdf import styles
from koordinator.timeutil import at
from koordinator.toolkit.services import ServiceError
from tests import factories as f
from tests.exchange.archive_helpers import (
    GOAL,
    LOG_NOTE,
    OTHER_NOTE,
    SITUATION,
    STEP,
    WARNING_SIGNS,
    fhir_json,
    later,
    make_history,
    open_zip,
    other_json,
    pdf_text,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)
NOW = at(MONDAY, 10)


@pytest.fixture(autouse=True)
def clock():
    """Monday morning in Oslo, before ``world`` is made."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def history(world):
    return make_history(world)


def built(service_user: ServiceUser, actor=None) -> DataArchive:
    """Ask for the owner's archive and run what run_reminders runs; the archive as it is then."""
    made, _new = archive.request_own_archive(actor or service_user.user, service_user)
    reminders.run_all(timezone.now())
    return DataArchive.objects.get(pk=made.pk)


# --- what the archive holds -----------------------------------------------------------------------------------


def test_the_archive_is_a_zip_of_the_pdf_the_fhir_bundle_the_rest_as_json_and_a_read_me(world, history):
    content = archive.build_zip(world.owner_su)
    with open_zip(content) as zipped:
        assert sorted(zipped.namelist()) == ["LES-MEG.txt", "alt-om-meg.pdf", "annet.json", "fhir-bundle.json"]
        readme = zipped.read("LES-MEG.txt").decode()
    assert "Alt om meg – Kari Nordmann" in readme
    assert "alt-om-meg.pdf" in readme and "HL7 FHIR R4" in readme and "Laget 23.11.2026 kl. 10.00." in readme


def test_the_pdf_has_every_section_in_plain_words(world, history):
    text = pdf_text(archive.build_zip(world.owner_su))
    assert text.startswith("Alt om meg Dette er alt vi har lagret om deg, Kari Nordmann, slik det var 23.11.2026 "
                           "kl. 10.00.")
    positions = [text.index(title, text.index("Side 1 av")) for title in archive_pdf.section_titles()]
    assert positions == sorted(positions), "the sections come in the order of the contents"
    assert "Side 1 av" in text and "Alt om meg · Kari Nordmann · laget 23.11.2026" in text


def test_the_pdf_has_an_outline_with_one_entry_per_section(world, history):
    from pypdf import PdfReader

    with open_zip(archive.build_zip(world.owner_su)) as zipped:
        reader = PdfReader(io.BytesIO(zipped.read("alt-om-meg.pdf")))
    assert [entry.title for entry in reader.outline] == archive_pdf.section_titles()
    assert reader.metadata.title == "Alt om meg – Kari Nordmann"


def test_each_outline_entry_points_to_the_page_where_its_section_starts(world, history):
    """The «Side N av M» canvas keeps the pages until it knows how many there are; the outline's entries went to
    page 1 then."""
    from pypdf import PdfReader

    with open_zip(archive.build_zip(world.owner_su)) as zipped:
        reader = PdfReader(io.BytesIO(zipped.read("alt-om-meg.pdf")))
    lines = [page.extract_text().splitlines() for page in reader.pages]
    pointed, expected, start = [], [], 1  # page 1 (index 0) is the front page with the contents
    for entry in reader.outline:
        start = next(i for i in range(start, len(lines)) if entry.title in lines[i])
        expected.append(start)
        pointed.append(reader.get_destination_page_number(entry))
    assert pointed == expected
    assert len(set(pointed)) > 3, "the sections are spread over several pages"


def test_the_pdf_holds_the_plan_the_log_the_crisis_plan_the_minutes_and_who_has_seen_it(world, history):
    text = pdf_text(archive.build_zip(world.owner_su))
    # Saken min: the case and the person's own details.
    assert f"Kontaktperson: {world.trust_person.display_name}" in text
    assert "Mobilnummer: +4791234567" in text
    # Planen min: the goal in her own words, and its step.
    assert f"Bolig: {GOAL} (med mine ord)" in text and STEP in text
    # Loggen, with who wrote it.
    assert f"{world.trust_person.display_name} skrev: {LOG_NOTE}" in text
    # Kriseplanen, with the call list.
    assert WARNING_SIGNS in text and "Eva Nordmann" in text and "116 117" in text
    # Ansvarsgrupper og referater.
    assert SITUATION in text and "Referat fra møtet 16.11.2026 kl. 10.00" in text
    # Samtykker: every one, the withdrawn and the expired too.
    assert world.partner_valid.display_name in text and "NAV Lerkendal" in text
    assert "Trukket tilbake" in text and "Utløpt" in text
    # Hvem har sett opplysningene mine: names, when, why.
    assert f"23.11.2026 kl. 10.00 – {world.trust_person.display_name} (Tillitsperson, Oppfølgingstjenesten Øst): " \
           "Oppfølgingssak (Nettsiden)." in text
    assert f"{world.partner_valid.display_name} (Samarbeidspartner, Legesenteret): Kriseplan (Nettsiden). " \
           "Begrunnelse: Ringte legevakten" in text
    # Mine innlogginger.
    assert "23.11.2026 kl. 10.00 – ID-porten, sikkerhetsnivå: Høyt (for eksempel BankID)" in text


def test_the_owner_sees_the_next_of_kin_she_wants_kept_away_as_on_her_own_page(world, history):
    """The gate shows the owner every next of kin of hers, also those to be kept away (she registered them); a
    removed one is gone from her page, and from the archive."""
    from koordinator import services

    removed = f.NextOfKinFactory(service_user=world.owner_su, name="Fjernet Person", relation="onkel")
    services.archive_next_of_kin(world.trust_person, removed)
    text = pdf_text(archive.build_zip(world.owner_su))
    assert "Eva Nordmann (søster) Støttende – kan kontaktes" in text
    assert "Per Farlig (tidligere samboer) Skal ikke kontaktes / holdes unna" in text
    assert "Fjernet Person" not in text


def test_nothing_about_anyone_else_comes_in_not_even_through_a_consent_to_the_owner(world, history):
    """Ola has let Kari's account see all of his; Kari's archive is about Kari only."""
    content = archive.build_zip(world.owner_su)
    assert OTHER_NOTE not in pdf_text(content)
    with open_zip(content) as zipped:
        for name in zipped.namelist():
            assert OTHER_NOTE not in zipped.read(name).decode("utf-8", errors="replace")
    assert {c["to"] for c in other_json(content)["consents"]} >= {world.partner_valid.display_name}
    assert all(entry["case"] == world.case.pk for entry in other_json(content)["log_entries"])


def test_archived_log_entries_are_left_out_as_on_the_owners_log(world, history):
    entry = FollowUpEntry.objects.get(note=LOG_NOTE)
    log_services.archive_entry(world.trust_person, entry, reason="Skrevet på feil person")
    content = archive.build_zip(world.owner_su)
    assert LOG_NOTE not in pdf_text(content)
    assert [e["note"] for e in other_json(content)["log_entries"]] == ["Telefon om bostøtte."]


def test_annet_json_carries_what_fhir_does_not(world, history):
    data = other_json(archive.build_zip(world.owner_su))
    assert data["format"] == "koordinator-alt-om-meg" and data["made_at"] == "2026-11-23T10:00:00+01:00"
    assert data["person"]["first_name"] == "Kari" and data["person"]["municipality"] == "Trondheim"
    assert [c["id"] for c in data["cases"]] == [world.case.pk]
    assert [e["note"] for e in data["log_entries"]] == [LOG_NOTE, "Telefon om bostøtte."]  # oldest first
    assert data["log_entries"][0]["kind_display"] == "Samtale"
    assert data["plans"][0]["goals"][0]["text"] == GOAL
    assert data["crisis_plans"][0]["warning_signs"] == WARNING_SIGNS
    meeting = data["responsibility_groups"][0]["meetings"][0]
    assert meeting["minutes"]["situation"] == SITUATION
    assert {k["name"] for k in data["next_of_kin"]} == {"Eva Nordmann", "Per Farlig"}
    assert [e["who"] for e in data["access_log"]] == [world.trust_person.display_name,
                                                       world.partner_valid.display_name]
    assert data["access_log"][1]["why"] == "Ringte legevakten"
    assert data["sign_ins"] == [{"at": "2026-11-23T10:00:00+01:00", "method": "citizen_oidc",
                                 "method_display": "ID-porten", "level": "idporten-loa-high",
                                 "level_display": "Høyt (for eksempel BankID)"}]


def test_the_end_evaluation_and_the_quality_of_life_rounds_come_too(world):
    from koordinator import services
    from koordinator.models import FollowUp
    from outcomes import end_evaluation
    from outcomes.models import EndEvaluation, QualityOfLifeRound

    QualityOfLifeRound.objects.create(follow_up=world.case, taken_on=MONDAY, o2="ja", s13=4,
                                      subjective_by=QualityOfLifeRound.AnsweredBy.WITH_TRUST_PERSON)
    services.end_follow_up(world.trust_person, world.case, reason=FollowUp.EndingReason.NO_LONGER_NEEDED)
    end_evaluation.save_end_evaluation(world.trust_person, world.case, achieved="Kari har fått fast bolig.",
                                       user_part=EndEvaluation.UserPart.TOGETHER)
    content = archive.build_zip(world.owner_su)
    assert "Sluttevaluering Dette har vi fått til: Kari har fått fast bolig." in pdf_text(content)
    data = other_json(content)
    assert data["end_evaluations"][0]["achieved"] == "Kari har fått fast bolig."
    answers = {a["code"]: a for a in data["quality_of_life_rounds"][0]["answers"]}
    assert answers["O2"]["answer_display"] == "Ja" and answers["S13"]["answer"] == 4
    assert answers["S1"]["answer"] is None  # not answered: missing, never zero


def test_the_fhir_bundle_is_a_collection_about_the_owner(world, history):
    bundle = fhir_json(archive.build_zip(world.owner_su))
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    patients = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert [p["id"] for p in patients] == [str(world.owner_su.pk)]


def test_building_writes_nothing_to_the_access_log(world, history):
    """The owner's own data, read for the owner: no access event (the download by staff is one, below)."""
    before = AccessEvent.objects.count()
    archive.build_zip(world.owner_su)
    assert AccessEvent.objects.count() == before


def test_a_person_without_a_log_in_gets_the_same_archive(world):
    su = f.ServiceUserFactory(municipality=world.municipality, first_name="Per", last_name="Uten", user=None)
    case = f.FollowUpFactory(service_user=su, unit=world.unit, trust_person=world.trust_person)
    log_services.create_entry(world.trust_person, case, kind="home_visit", started_at=later(-1), note="Besøk.")
    text = pdf_text(archive.build_zip(su))
    assert "Alt vi har lagret om deg, Per Uten".lower() in text.lower()
    assert "Besøk." in text and "Du har ingen innlogging hos oss." in text


# --- a long history: read in chunks, laid out a few flowables at a time --------------------------------------------


def test_the_long_lists_are_read_in_chunks_in_order(world, monkeypatch):
    monkeypatch.setattr(archive_content, "CHUNK", 2)
    for n in range(7):
        log_services.create_entry(world.trust_person, world.case, kind="phone", started_at=later(-10 + n),
                                  note=f"Samtale nummer {n}.")
    rows = list(archive_content.chunked(archive_content.log_entries(archive_content.owner_reader(world.owner_su),
                                                                    world.owner_su), size=2))
    assert [e.note for e in rows] == [f"Samtale nummer {n}." for n in range(7)]
    content = archive.build_zip(world.owner_su)
    text = pdf_text(content)
    positions = [text.index(f"Samtale nummer {n}.") for n in range(7)]
    assert positions == sorted(positions)
    assert len(other_json(content)["log_entries"]) == 7


def test_the_pdf_takes_its_story_a_few_flowables_at_a_time(world):
    """Thousands of rows are never one list in memory: the document holds at most ``AHEAD`` flowables ahead."""
    most = 0
    s = styles()

    def story():
        for n in range(2000):
            yield Paragraph(f"Linje {n}", s["body"])

    class Watching(archive_pdf._StreamingDoc):
        def filterFlowables(self, flowables):  # noqa: N802
            nonlocal most
            super().filterFlowables(flowables)
            if flowables is self.story:
                most = max(most, len(flowables))

    doc = Watching(io.BytesIO(), source=story())
    doc.build(doc.story)
    assert 0 < most <= archive_pdf.AHEAD + 2
    assert doc.page > 30


# --- asking for it ------------------------------------------------------------------------------------------------


def test_asking_twice_makes_one_request(world):
    first, made = archive.request_own_archive(world.owner, world.owner_su)
    again, made_again = archive.request_own_archive(world.owner, world.owner_su)
    assert made and not made_again and again.pk == first.pk
    assert DataArchive.objects.count() == 1
    assert first.history.count() == 1 and first.history.first().history_user == world.owner


def test_someone_else_cannot_ask_for_the_owners_archive(world):
    with pytest.raises(ServiceError):
        archive.request_own_archive(world.other_owner, world.owner_su)
    with pytest.raises(ServiceError):
        archive.request_own_archive(world.trust_person, world.owner_su)
    assert not DataArchive.objects.exists()


def test_a_paper_request_records_how_and_when_and_is_in_the_persons_access_log(world):
    made, new = archive.request_paper_archive(world.trust_person, world.owner_su, how="writing",
                                              received_on=MONDAY - datetime.timedelta(days=3), note="Brev i posten.")
    assert new and made.on_paper and made.paper_how == "writing"
    assert made.paper_received_on == datetime.date(2026, 11, 20) and made.requested_by == world.trust_person
    event = AccessEvent.objects.get(service_user=world.owner_su)
    assert event.actor == world.trust_person and event.what.startswith("Alt om deg: bestilt for deg")
    assert event.reason == "Ba om det skriftlig (brev eller skjema) 20.11.2026. Merknad: Brev i posten."
    # The owner's own request is a request of its own: both may be in progress at once.
    own, own_new = archive.request_own_archive(world.owner, world.owner_su)
    assert own_new and own.pk != made.pk


@pytest.mark.parametrize("received_on,message", [
    (None, "Skriv når personen ba om det, for eksempel 23.11.2026."),
    ("", "Skriv når personen ba om det, for eksempel 23.11.2026."),
    ("24.11.2026", "Datoen kan ikke være fram i tid."),
    ("i går", "Skriv en gyldig dato, for eksempel 23.11.2026."),
])
def test_a_paper_request_without_a_date_or_with_a_future_one_is_refused(world, received_on, message):
    with pytest.raises(ServiceError) as refused:
        archive.request_paper_archive(world.trust_person, world.owner_su, how="phone", received_on=received_on)
    assert refused.value.message == message and refused.value.field == "received_on"
    assert not DataArchive.objects.exists() and not AccessEvent.objects.exists()


@pytest.mark.parametrize("persona", ["partner_valid", "owner", "other_leader", "other_trust_person", "admin"])
def test_a_paper_request_by_anyone_but_the_persons_staff_is_refused(world, persona):
    with pytest.raises(ServiceError):
        archive.request_paper_archive(world.persona(persona), world.owner_su, how="phone", received_on=MONDAY)
    assert not DataArchive.objects.exists()


@pytest.mark.parametrize("persona", ["trust_person", "deputy", "leader"])
def test_the_persons_trust_person_deputy_and_leader_may_make_it(world, persona):
    made, new = archive.request_paper_archive(world.persona(persona), world.owner_su, how="in_person",
                                              received_on=MONDAY)
    assert new and made.requested_by == world.persona(persona)


# --- building it ----------------------------------------------------------------------------------------------


def test_run_reminders_builds_it_and_tells_the_owner_by_her_channel_with_nothing_personal(world, history):
    made = built(world.owner_su)
    assert made.state == DataArchive.State.READY and made.size == len(made.content) > 0
    assert made.built_at == NOW and made.expires_at == NOW + datetime.timedelta(days=7)
    assert GOAL in pdf_text(bytes(made.content))
    told = Notification.objects.get(recipient_service_user=world.owner_su, dedupe_key=f"archive:{made.pk}:ready")
    assert told.channel == Notification.Channel.SMS and told.address == "+4791234567"  # her preferred channel
    assert told.subject == "Arkivet ditt er klart"
    assert "/min-side/alt-om-meg/" in told.body and "30.11.2026" in told.body
    for personal in ("Kari", "Nordmann", GOAL, world.trust_person.last_name):
        assert personal not in told.body and personal not in told.subject
    # The history says what happened, without the zip.
    reasons = list(made.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["Bestilt", "Lages", "Klar til nedlasting"]
    assert "content" not in {field.name for field in DataArchive.history.model._meta.get_fields()}


def test_a_second_run_builds_nothing_and_tells_nobody_again(world):
    made = built(world.owner_su)
    notes = Notification.objects.count()
    assert reminders.run_all(timezone.now())["alt om meg"] == 0
    assert Notification.objects.count() == notes
    assert DataArchive.objects.get(pk=made.pk).history.count() == 3


def test_nothing_to_build_costs_the_same_few_queries(world):
    archive.archive_work(timezone.now())
    with CaptureQueriesContext(connection) as none_waiting:
        archive.archive_work(timezone.now())
    built(world.owner_su)
    with CaptureQueriesContext(connection) as one_built_before:
        archive.archive_work(timezone.now())
    assert len(none_waiting) == len(one_built_before) <= 6


def test_a_paper_archive_tells_the_staff_member_who_asked_in_the_app(world, history):
    made, _ = archive.request_paper_archive(world.deputy, world.owner_su, how="phone", received_on=MONDAY)
    archive.build_requested()
    made.refresh_from_db()
    assert made.state == DataArchive.State.READY
    told = Notification.objects.get(dedupe_key=f"archive:{made.pk}:ready")
    assert told.recipient_user == world.deputy and told.channel == Notification.Channel.IN_APP
    assert told.subject == "Alt om Kari Nordmann er klart"
    assert f"/brukere/{world.owner_su.pk}/alt-om-personen/" in told.body
    assert not Notification.objects.filter(dedupe_key__startswith="archive:", recipient_service_user=world.owner_su).exists()


def test_a_build_that_fails_is_marked_failed_and_the_owner_is_told(world, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError(world.owner_su.full_name)  # a message that quotes the person

    monkeypatch.setattr(archive, "build_zip", broken)
    made = built(world.owner_su)
    assert "RuntimeError" in caplog.text and "Kari" not in caplog.text  # where, not what it said
    assert made.state == DataArchive.State.FAILED and made.content is None
    assert made.failure == "RuntimeError"  # the kind of error, never what it said
    told = Notification.objects.get(dedupe_key=f"archive:{made.pk}:failed")
    assert told.subject == "Vi fikk ikke laget arkivet ditt"
    # Failed is not in progress: she may ask again.
    again, new = archive.request_own_archive(world.owner, world.owner_su)
    assert new and again.pk != made.pk


def test_a_build_whose_run_died_is_picked_up_again(world, clock):
    made, _ = archive.request_own_archive(world.owner, world.owner_su)
    claimed = archive._claim(timezone.now())
    assert claimed.pk == made.pk and archive._claim(timezone.now()) is None  # claimed once
    clock.shift(datetime.timedelta(minutes=30))
    assert archive.build_requested() == 0  # still being built somewhere
    clock.shift(datetime.timedelta(minutes=31))
    assert archive.build_requested() == 1
    assert DataArchive.objects.get(pk=made.pk).state == DataArchive.State.READY


def test_the_command_builds_what_waits_once(world):
    made, _ = archive.request_own_archive(world.owner, world.owner_su)
    out = io.StringIO()
    call_command("build_archives", "--once", stdout=out)
    assert "Laget: 1" in out.getvalue()
    assert DataArchive.objects.get(pk=made.pk).state == DataArchive.State.READY


def test_it_is_a_reminder_of_run_reminders():
    assert reminders.REMINDERS["alt om meg"] is archive.archive_work


def test_a_new_archive_replaces_the_ready_one(world):
    first = built(world.owner_su)
    second = built(world.owner_su)
    first.refresh_from_db()
    assert second.state == DataArchive.State.READY
    assert first.state == DataArchive.State.EXPIRED and first.content is None


# --- emptying it -------------------------------------------------------------------------------------------------


def test_it_is_emptied_after_keep_days_and_its_record_stays(world, clock, settings):
    settings.ARCHIVE_KEEP_DAYS = 2
    made = built(world.owner_su)
    assert made.expires_at == NOW + datetime.timedelta(days=2)
    clock.shift(datetime.timedelta(days=2) - datetime.timedelta(minutes=1))
    reminders.run_all(timezone.now())
    assert DataArchive.objects.get(pk=made.pk).state == DataArchive.State.READY
    clock.shift(datetime.timedelta(minutes=1))
    reminders.run_all(timezone.now())
    made.refresh_from_db()
    assert made.state == DataArchive.State.EXPIRED and made.content is None
    assert made.expired_at == NOW + datetime.timedelta(days=2)
    assert made.history.latest("history_id").history_change_reason == "Slettet etter fristen"


# --- downloading it --------------------------------------------------------------------------------------------


def test_a_download_by_the_owner_is_a_history_row_and_not_an_access_event(world, clock):
    made = built(world.owner_su)
    clock.shift(datetime.timedelta(hours=1))
    content = archive.download(world.owner, made)
    assert content == bytes(made.content)
    made.refresh_from_db()
    assert made.downloads == 1 and made.last_downloaded_by == world.owner
    row = made.history.latest("history_id")
    assert row.history_user == world.owner and row.history_change_reason == "Lastet ned"
    assert row.history_date == NOW + datetime.timedelta(hours=1)
    assert not AccessEvent.objects.filter(service_user=world.owner_su).exists()


def test_a_download_by_staff_is_in_the_persons_access_log(world):
    made, _ = archive.request_paper_archive(world.trust_person, world.owner_su, how="phone", received_on=MONDAY)
    archive.build_requested()
    made.refresh_from_db()
    archive.download(world.leader, made)
    event = AccessEvent.objects.filter(service_user=world.owner_su).latest("pk")
    assert event.actor == world.leader and event.what == str(archive.DOWNLOAD_READ)
    assert made.history.latest("history_id").history_user == world.leader


def test_an_archive_past_its_time_is_not_handed_out(world, clock):
    made = built(world.owner_su)
    clock.shift(datetime.timedelta(days=7))
    with pytest.raises(ServiceError) as refused:
        archive.download(world.owner, made)
    assert refused.value.message.startswith("Arkivet er slettet")
    made.refresh_from_db()
    assert made.state == DataArchive.State.EXPIRED and made.content is None and made.downloads == 0


def test_an_archive_not_built_yet_or_failed_is_not_handed_out(world):
    made, _ = archive.request_own_archive(world.owner, world.owner_su)
    with pytest.raises(ServiceError) as refused:
        archive.download(world.owner, made)
    assert refused.value.message == "Arkivet er ikke klart ennå. Du får beskjed når det er klart."


def test_someone_else_cannot_download_it(world):
    made = built(world.owner_su)
    for persona in ("other_owner", "trust_person", "leader", "partner_valid"):
        with pytest.raises(ServiceError):
            archive.download(world.persona(persona), made)
    assert DataArchive.objects.get(pk=made.pk).downloads == 0
