"""``apply_retention`` and the data of issue 16 and of «Last ned alt om meg» (``retention.reach_kinds``): a case's
messages (and the SMS replies in its thread) and its «Ring meg» requests go with the follow-up log's period, history
included, the «Ring meg» figures staying the same; the person's archives go with the person; handled SMS in the
leader's inbox go their own period after they were handled; an open door, another open case and a legal hold keep
everything; the run records only counts.

The clock: a case started in January 2016 and ended on 2 May 2016 (the door open for three months); the runs happen on
Monday 23 November 2026, more than ten years (the default periods) later."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from exchange import archive
from exchange.models import DataArchive
from koordinator import reminders
from koordinator.models import FollowUp, Notification
from koordinator.timeutil import at
from reach import callbacks, figures, messages, sms_inbound
from reach.models import CallbackRequest, InboundSms, Message
from retention import checks, engine, kinds, periods, services
from retention.models import Removal, RetentionRun
from tests.retention.helpers import rich_case, traces

pytestmark = pytest.mark.django_db

STARTED = datetime.date(2016, 1, 11)
TALKED = datetime.date(2016, 3, 1)  # a Tuesday
ENDED = datetime.date(2016, 5, 2)
DOOR = datetime.date(2016, 8, 2)
TODAY = datetime.date(2026, 11, 23)  # a Monday
MARCH = datetime.date(2016, 3, 1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(TODAY, 3), tick=False) as traveller:
        yield traveller


def _travel(day: datetime.date, hour: int = 10, minute: int = 0):
    return time_machine.travel(at(day, hour, minute), tick=False)


def _end(case: FollowUp, ended_on: datetime.date, open_door_until: datetime.date) -> None:
    with _travel(ended_on, 15):
        case.status = FollowUp.Status.ENDED
        case.ended_on = ended_on
        case.ending_reason = FollowUp.EndingReason.HANDED_OVER
        case.open_door_until = open_door_until
        case.save()


def _inbox_sms(world, provider_id: str, number: str, text: str, *, received: datetime.date,
               handled: datetime.date | None, municipality=True) -> InboundSms:
    """An SMS that could not be put in a thread, as the webhook stores it, handled by the leader on ``handled``."""
    with _travel(received, 9):
        sms, _new = sms_inbound.receive(sms_inbound.Incoming(provider_id, number, "", text, None))
        # Which municipality's inbox is decided by the numbers (reach.sms_inbound.route); here, by the test.
        InboundSms.objects.filter(pk=sms.pk).update(
            state=InboundSms.State.UNKNOWN, municipality=world.municipality if municipality else None)
    if handled is not None:
        with _travel(handled, 11):
            sms_inbound.mark_handled(world.leader, sms.pk, f"{text} – ringte tilbake")
    return InboundSms.objects.get(pk=sms.pk)


def _reach_history(world, built, secret: str, *, phone: str, day: datetime.date = TALKED):
    """On ``day``: the user writes, the trust person answers, the user writes and takes it back, an SMS reply arrives
    in the thread, she asks to be called with a few words and is called an hour later; she asks for «alt om meg»
    and the trust person makes one for her on paper (both built)."""
    person, case, account = built.person, built.case, built.account
    person.phone = phone
    person.save()
    tp = world.trust_person
    with _travel(day, 10):
        messages.send_as_user(account, case, f"{secret} fra brukeren")
    with _travel(day, 10, 30):
        messages.send_as_staff(tp, case, f"{secret} svar fra tillitspersonen")
    with _travel(day, 11):
        taken_back = messages.send_as_user(account, case, f"{secret} angret")
        messages.withdraw(account, taken_back)
    with _travel(day, 12):
        sms, _new = sms_inbound.receive(sms_inbound.Incoming(f"gw-{secret}", phone, "", f"{secret} på SMS", None))
        assert sms.state == InboundSms.State.MATCHED and sms.message.case_id == case.pk
    with _travel(day, 13):
        callback, _new = callbacks.request_callback(person, by=account, note=f"{secret} ring etter lunsj")
    with _travel(day, 14):
        callbacks.mark_callback(tp, callback, CallbackRequest.Outcome.CALLED)
    with _travel(day, 15):
        archive.request_own_archive(account, person)
        archive.request_paper_archive(tp, person, how="phone", received_on=day, note=f"{secret} ringte")
        reminders.run_all(at(day, 15))
    assert DataArchive.objects.filter(service_user=person, state=DataArchive.State.READY).count() == 2
    return callback


def _old_case(world, letter: str, phone: str, **kwargs):
    secret = f"Hemmelig{letter}X"
    built = rich_case(world, started_on=STARTED, ended_on=None, username=f"person_{letter}", secret=secret)
    callback = _reach_history(world, built, secret, phone=phone)
    _end(built.case, kwargs.get("ended_on", ENDED), kwargs.get("open_door_until", DOOR))
    return built, callback


def _figures(world, month: datetime.date = MARCH):
    data = figures.leader_figures(world.leader, month)
    return ([(row.month, row.figures) for row in data.months], data.total,
            [(row.person.pk, row.figures) for row in data.people])


def _run(dry: bool = False) -> str:
    out = io.StringIO()
    call_command("apply_retention", *(["--dry-run"] if dry else []), stdout=out)
    return out.getvalue()


def test_the_messages_sms_callbacks_and_archives_of_an_old_case_go_with_their_history_and_the_figures_stay(world):
    built, callback = _old_case(world, "A", "+4740000011")
    case, person = built.case, built.person
    before = _figures(world)
    assert before[1].asked == 1 and before[1].times == [datetime.timedelta(hours=1)]
    for model in (Message, InboundSms, CallbackRequest, DataArchive):
        assert any(key.startswith(model._meta.db_table) or key.startswith(model.history.model._meta.db_table)
                   for key in traces("HemmeligAX")), f"{model.__name__} holds the secret before the run"
    assert Notification.objects.filter(subject__contains="HemmeligAX").exists() or \
        Notification.objects.filter(body__contains="HemmeligAX").exists()

    output = _run()

    assert traces("HemmeligAX") == {}, "personal text left after the run"
    # The thread and the SMS in it: gone, with every history row (the SMS's first one, before it was matched, too).
    assert not Message.objects.filter(case=case).exists() and not Message.history.filter(case_id=case.pk).exists()
    assert not InboundSms.objects.exists() and not InboundSms.history.exists()
    # «Ring meg»: the row stays for the figures, without her words or any history; the figures are the same.
    kept = CallbackRequest.objects.get(pk=callback.pk)
    assert kept.note == "" and kept.handled_at == at(TALKED, 14)
    assert (kept.requested_at, kept.state, kept.outcome, kept.unit_id) == \
        (at(TALKED, 13), CallbackRequest.State.DONE, CallbackRequest.Outcome.CALLED, case.unit_id)
    assert not CallbackRequest.history.filter(id=callback.pk).exists()
    assert _figures(world) == before
    # The archives (the zips and who asked) went with the person, history and notifications about them included.
    assert not DataArchive.objects.filter(service_user=person).exists()
    assert not DataArchive.history.filter(service_user_id=person.pk).exists()
    assert not Notification.objects.filter(about_type__model="dataarchive", subject__contains="Hemmelig").exists()
    # Counts only, per kind, in the run and in its output.
    run = RetentionRun.objects.get()
    # Four messages (the SMS reply among them) and the SMS as it arrived.
    assert run.counts["total"]["messages"]["rows"] == 5
    assert run.counts["total"]["callbacks"]["rows"] == 1 and run.counts["total"]["callbacks"]["history"] >= 2
    assert run.counts["total"]["archives"]["rows"] == 4  # the two archives, and the two notices they were ready
    assert {"messages", "callbacks"} <= set(Removal.objects.filter(follow_up=case).values_list("kind", flat=True))
    assert Removal.objects.filter(service_user=person, follow_up__isnull=True, kind="archives").exists()
    assert "Meldinger med brukeren og SMS-svar: 5 rader" in output and "Hemmelig" not in output


def test_the_kinds_have_the_logs_period_and_the_archives_the_persons():
    assert kinds.get("messages").period == "followup_log" and kinds.get("messages").scope == kinds.CASE
    assert kinds.get("callbacks").period == "followup_log" and kinds.get("callbacks").scope == kinds.CASE
    assert kinds.get("archives").period == kinds.LONGEST and kinds.get("archives").scope == kinds.PERSON
    assert kinds.get("archives").order < kinds.get("person").order
    assert kinds.labels()["sms_inbox"] == "SMS i lederens innboks, behandlet"


@override_settings(RETENTION_PERIODS={key: "100d" for key in ("followup_log", "plan", "minutes", "crisis_plan",
                                                                 "access_log")})
def test_an_open_door_case_and_a_held_case_keep_their_messages_callbacks_and_archives(world):
    ended = datetime.date(2026, 6, 1)  # + 100 days: 9 September, long gone by 23 November
    door_open, _c = _old_case(world, "A", "+4740000011", ended_on=ended, open_door_until=datetime.date(2026, 12, 31))
    held, _c = _old_case(world, "B", "+4740000012", ended_on=ended, open_door_until=datetime.date(2026, 9, 1))
    services.place_hold(world.leader, follow_up=held.case, reason="Klagesak hos Statsforvalteren")
    # The held person's number also wrote to the inbox once, handled long ago: it stays with the hold.
    from_held = _inbox_sms(world, "gw-held", "+4740000012", "HemmeligBX fra et nummer", received=TALKED,
                           handled=TALKED)

    _run()

    for letter, built in (("A", door_open), ("B", held)):
        found = traces(f"Hemmelig{letter}X")
        for model in (Message, InboundSms, CallbackRequest):
            assert any(key.startswith(model._meta.db_table) for key in found), f"{letter}: {model.__name__} went"
        assert Message.history.filter(case_id=built.case.pk).exists()
        assert DataArchive.objects.filter(service_user=built.person).count() == 2
        assert not Removal.objects.filter(follow_up=built.case).exists()
    assert InboundSms.objects.filter(pk=from_held.pk).exists()


def test_a_person_with_another_open_case_keeps_the_old_cases_thread(world):
    old, _c = _old_case(world, "A", "+4740000011")
    rich_case(world, started_on=datetime.date(2026, 9, 1), ended_on=None, person=old.person)

    _run()

    assert Message.objects.filter(case=old.case).count() == 4
    assert CallbackRequest.objects.get(case=old.case).note == "HemmeligAX ring etter lunsj"
    assert DataArchive.objects.filter(service_user=old.person).count() == 2


def test_handled_sms_in_the_leaders_inbox_go_their_own_period_after_they_were_handled(world, settings):
    settings.RETENTION_PERIODS = {**settings.RETENTION_PERIODS, "sms_inbox": "90d"}
    day = datetime.timedelta(days=1)
    first_kept = TODAY - 90 * day  # 25 August 2026: handled on that day or later, kept
    old = _inbox_sms(world, "gw-1", "+4740000091", "HemmeligCX gammel", received=first_kept - 10 * day,
                     handled=first_kept - day)
    on_the_day = _inbox_sms(world, "gw-2", "+4740000092", "HemmeligDX på dagen", received=first_kept - 10 * day,
                            handled=first_kept)
    waiting = _inbox_sms(world, "gw-3", "+4740000093", "HemmeligEX venter", received=TALKED, handled=None)
    nobodys = _inbox_sms(world, "gw-4", "+4740000094", "HemmeligFX uten kommune", received=first_kept - day,
                         handled=None, municipality=False)
    nobodys_new = _inbox_sms(world, "gw-5", "+4740000095", "HemmeligGX uten kommune, ny", received=first_kept,
                             handled=None, municipality=False)
    assert InboundSms.history.filter(id=old.pk).count() == 3  # stored, routed, handled

    dry = _run(dry=True)
    assert InboundSms.objects.count() == 5
    output = _run()

    assert set(InboundSms.objects.values_list("pk", flat=True)) == {on_the_day.pk, waiting.pk, nobodys_new.pk}
    assert traces("HemmeligCX") == {} and traces("HemmeligFX") == {}
    assert traces("HemmeligDX") and traces("HemmeligEX") and traces("HemmeligGX")
    assert not InboundSms.history.filter(id__in=[old.pk, nobodys.pk]).exists()
    dry_run, real = RetentionRun.objects.order_by("pk")
    assert dry_run.counts["total"]["sms_inbox"] == real.counts["total"]["sms_inbox"] == {"rows": 2, "history": 5}
    # The leader's municipality's counts hold its own SMS only (the one of no municipality is in the total).
    assert real.counts["municipalities"][str(world.municipality.pk)]["sms_inbox"] == {"rows": 1, "history": 3}
    assert "SMS i lederens innboks, behandlet fra før 25.08.2026: 2 rader, 5 i historikken" in output
    assert "SMS i lederens innboks, behandlet fra før 25.08.2026: 2 rader, 5 i historikken" in dry
    assert "Hemmelig" not in output + dry and "+47400000" not in output + dry
    # A second run finds nothing.
    assert "SMS i lederens innboks" not in _run()


def test_the_inbox_period_is_any_positive_period_and_has_its_own_setting():
    good = {"followup_log": "10y", "plan": "10y", "minutes": "10y", "crisis_plan": "10y", "access_log": "10y"}
    assert periods.problems({**good, "sms_inbox": "30d"}) == []
    assert periods.problems({**good, "sms_inbox": "0d"}) == [("sms_inbox", "not_positive")]
    assert periods.problems({**good, "sms_inbox": "tre måneder"}) == [("sms_inbox", "format")]
    assert periods.ENV["sms_inbox"] == "RETENTION_SMS_INBOX"
    with override_settings(RETENTION_PERIODS={**good, "sms_inbox": "0d"}):
        (error,) = checks.retention_periods()
    assert "RETENTION_SMS_INBOX='0d'" in error.msg and error.hint.startswith("Set RETENTION_SMS_INBOX to a positive")
    assert periods.first_kept(TODAY, periods.parse("90d")) == datetime.date(2026, 8, 25)
    assert periods.first_kept(datetime.date(2028, 2, 29), periods.parse("10y")) == datetime.date(2018, 3, 1)


def test_the_dry_run_counts_the_reach_kinds_as_the_real_run_does(world):
    _old_case(world, "A", "+4740000011")
    counts = {model: (model.objects.count(), model.history.count())
              for model in (Message, InboundSms, CallbackRequest, DataArchive)}

    _run(dry=True)
    assert {model: (model.objects.count(), model.history.count()) for model in counts} == counts
    _run()

    dry, real = (run.counts["total"] for run in RetentionRun.objects.order_by("pk"))
    for key in ("messages", "callbacks", "archives"):
        assert dry[key] == real[key], key
    assert engine.candidates(TODAY) == []
