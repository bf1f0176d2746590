"""Notifications (with their delivery attempts) and the access log: the tables every page's header, the bell and
«Hvem har sett opplysningene mine» read, and that grow with every municipality.

Each municipality gets ``NOTIFICATIONS_PER_USER`` and ``ACCESS_EVENTS_PER_USER`` rows per service user, spread
over its cases by how busy they are. A notification is one of the kinds the services and ``run_reminders``
write (meeting invitations and reminders, appointment reminders, an absence notice, steps and action items due,
no contact for a while, consents expiring, a plan revision due), to the user on their channel or to the trust
person in the app. Most were sent (in-app ones mostly read); some failed after every attempt, some were
cancelled, letters wait in the print queue, and reminders for what is coming are pending. No notification is
left half-sent (``sending``): a stale one would be re-queued by the next ``send_notifications`` and disturb a
benchmark of it. Access events are the reads the pages log: the worklist and the leader's overview once a day,
the case, the log and the plan when opened, a partner's reads through a consent.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from bench.generate.cases import weighted
from bench.generate.context import DAY, Case, Ctx, Person
from bench.generate.plan import ACCESS_EVENTS_PER_USER, NOTIFICATIONS_PER_USER, apportion
from koordinator.models import AccessEvent, DeliveryAttempt, Notification

NOTIFICATION = ("id", "recipient_user_id", "recipient_service_user_id", "channel", "address", "subject", "body",
                "about_type_id", "about_id", "due_at", "state", "attempts", "next_attempt_at", "claimed_at",
                "claimed_by", "sent_at", "read_at", "dedupe_key", "created_at")
ATTEMPT = ("id", "notification_id", "at", "worker", "backend", "success", "error")
ACCESS = ("id", "service_user_id", "actor_id", "actor_name", "actor_role", "what", "channel", "reason", "at")

State = Notification.State
Channel = Notification.Channel
WORKER = "generator:1"
BACKENDS = {Channel.IN_APP: "in_app", Channel.SMS: "ConsoleSmsBackend", Channel.EMAIL: "email"}
MINUTE = datetime.timedelta(minutes=1)


def build(ctx: Ctx) -> None:
    n = ctx.plan.service_users
    weights = [c.entries + 5.0 for c in ctx.cases]
    for case, count in zip(ctx.cases, apportion(round(NOTIFICATIONS_PER_USER * n), weights), strict=True):
        notifications(ctx, case, count)
    for case, count in zip(ctx.cases, apportion(round(ACCESS_EVENTS_PER_USER * n), weights), strict=True):
        access_events(ctx, case, count)


# --- notifications --------------------------------------------------------------------------------------------


def window(ctx: Ctx, case: Case) -> tuple[datetime.date, datetime.date]:
    last = case.last_contact or ctx.ago(1)
    return max(case.started_on, ctx.ago(700)), max(last, case.started_on)


def some_day(ctx: Ctx, case: Case) -> datetime.date:
    first, last = window(ctx, case)
    return first + int(ctx.rng.random() * ((last - first).days + 1)) * DAY


def kinds(ctx: Ctx, case: Case) -> list[tuple[str, int]]:
    """The kinds of notification this case can have, with how common each is."""
    menu = [("appointment", 30), ("no_contact", 4)]
    if case.meetings:
        menu += [("invitation", 15), ("meeting_reminder", 15), ("minutes", 5)]
    if case.steps:
        menu.append(("step_due", 12))
    if case.overdue_items:
        menu.append(("action_overdue", 5))
    if ctx.away.get(case.tp.id):
        menu.append(("absence", 6))
    if case.plan_id:
        menu.append(("revision", 2))
    if case.grants:
        menu.append(("consent", 2))
    return menu


def notifications(ctx: Ctx, case: Case, count: int) -> None:
    if count <= 0:
        return
    menu = kinds(ctx, case)
    types = ctx.content_types
    for _ in range(count):
        kind = weighted(ctx, menu)
        to_user = True
        about_type, about_id, dedupe = types["followup"], case.id, None
        due = ctx.at(some_day(ctx, case), 8 + int(ctx.rng.random() * 10))
        if kind == "appointment":
            if case.appointments and ctx.chance(0.2):
                about_id, starts = ctx.pick(case.appointments)
                about_type, due = types["appointment"], starts - DAY
            subject, body = "Påminnelse om avtale", f"Hei {case.first}! Husk avtalen med {case.tp.first} i morgen."
        elif kind in ("invitation", "meeting_reminder", "minutes"):
            about_id, starts, status = ctx.pick(case.meetings)
            about_type = types["meeting"]
            when = f"{starts:%d.%m.%Y kl. %H.%M}"
            if kind == "invitation":
                due = starts - ctx.between(7, 30) * DAY
                subject, body = "Innkalling til ansvarsgruppemøte", f"Du er invitert til møte {when}."
            elif kind == "meeting_reminder":
                due = starts - DAY
                subject, body = "Påminnelse om møte i morgen", f"Møtet i ansvarsgruppen er {when}."
                dedupe = f"meeting-reminder:{about_id}:"
            else:
                due = starts + ctx.between(1, 5) * DAY
                subject, body = "Referatet er klart", "Referatet fra møtet er klart. Les det og si om du er enig."
            if ctx.chance(0.3):
                to_user = False  # the coordinator's copy, in the app
        elif kind == "step_due":
            about_id, made, _closed = ctx.pick(case.steps)
            about_type, due, to_user = types["step"], ctx.at(max(made, some_day(ctx, case)), 10), ctx.chance(0.3)
            subject, body = "Et delmål har frist snart", f"Et delmål i planen til {case.name} har frist om to dager."
        elif kind == "action_overdue":
            about_id = ctx.pick(case.overdue_items)
            about_type, to_user = types["actionitem"], False
            subject, body = "En oppgave har passert fristen", f"En oppgave i ansvarsgruppen til {case.name} er ikke gjort."
            dedupe = f"action-overdue:{about_id}:"
        elif kind == "absence":
            start, _end, absence_id, announced = ctx.pick(ctx.away[case.tp.id])
            about_type, about_id = types["absence"], absence_id
            due = announced or ctx.at(start - DAY, 18)
            deputy = case.deputy.name if case.deputy else "lederen"
            subject = f"{case.tp.name} er borte – dette er kontakten din"
            body = f"{case.tp.first} er borte en stund. Ta kontakt med {deputy} i mellomtiden."
        elif kind == "revision":
            about_type, about_id, to_user = types["plan"], case.plan_id, False
            subject, body = "Planen skal revideres", f"Planen til {case.name} skal revideres."
            dedupe = f"plan-revision:{about_id}:"
        elif kind == "consent":
            to_user = False
            subject, body = "Et samtykke går snart ut", f"Et samtykke fra {case.name} går ut om to uker."
        else:
            to_user = False
            subject, body = f"Ingen kontakt på 21 dager: {case.name}", "Det er tre uker siden siste kontakt."
            dedupe = "no-contact:"
        notification(ctx, case, to_user, subject, body, about_type, about_id, due, dedupe)


def notification(ctx: Ctx, case: Case, to_user: bool, subject: str, body: str, about_type: int, about_id: int,
                 due: datetime.datetime, dedupe: str | None) -> None:
    table = ctx.sink.table(Notification, NOTIFICATION)
    rng = ctx.rng
    nid = table.new_id()
    if to_user:
        recipient_user, recipient_su, channel, address = None, case.su_id, case.channel, case.address
    else:
        recipient_user, recipient_su, channel, address = case.tp.id, None, Channel.IN_APP, ""
    created = ctx.past(due - (DAY * rng.random() * 7 if dedupe is None and rng.random() < 0.5 else MINUTE))
    due = max(due, created)
    values = (nid, recipient_user, recipient_su, channel, address, subject, body, about_type, about_id, due,
              State.PENDING, 0, None, None, "", None, None, f"{dedupe}{nid}" if dedupe else None, created)
    versions = [(values, created, None, None)]
    roll = rng.random()
    if due > ctx.now:
        pass  # a reminder for what is coming
    elif channel == Channel.LETTER:
        if roll < 0.9:  # printed and posted by the trust person
            at = ctx.past(due + DAY * (1 + rng.random() * 3))
            values = table.version(values, state=State.SENT, sent_at=at, attempts=1)
            versions.append((values, at, case.tp.id, "Skrevet ut og sendt i posten"))
    elif roll < 0.03:
        at = ctx.past(due + 30 * MINUTE)
        values = table.version(values, state=State.CANCELLED)
        versions.append((values, at, None, "Møtet er endret"))
    elif roll < 0.045:
        values = attempts(ctx, table, values, versions, due, failures=settings.NOTIFICATION_MAX_ATTEMPTS, sent=False)
    elif roll > 0.998:
        pass  # due, not sent yet: the next ``send_notifications`` takes it
    else:
        values = attempts(ctx, table, values, versions, due, failures=1 if rng.random() < 0.05 else 0, sent=True)
        if channel == Channel.IN_APP and rng.random() < 0.8:
            at = ctx.past(values[table.index["sent_at"]] + DAY * rng.random() * 3)
            values = table.version(values, read_at=at)
            versions.append((values, at, recipient_user or (case.login.id if case.login else None), "Lest"))
    table.record(versions)


def attempts(ctx: Ctx, table, values: tuple, versions: list, due: datetime.datetime, *, failures: int,
             sent: bool) -> tuple:
    """Delivery attempts, each a row, and the notification's history as the sender writes it."""
    rows = ctx.sink.table(DeliveryAttempt, ATTEMPT)
    channel = values[table.index["channel"]]
    at = due
    for i in range(failures + (1 if sent else 0)):
        at = ctx.past(at + MINUTE * (1 + 2**i))
        ok = sent and i == failures
        rows.add((rows.new_id(), values[0], at, WORKER, BACKENDS.get(channel, channel), ok,
                  "" if ok else "DeliveryError: Tidsavbrudd hos leverandøren"), at, None, None)
        if ok:
            values = table.version(values, state=State.SENT, attempts=i + 1, sent_at=at, claimed_at=at,
                                   claimed_by=WORKER, next_attempt_at=None)
            versions.append((values, at, None, "Sendt"))
        elif i + 1 >= settings.NOTIFICATION_MAX_ATTEMPTS:
            values = table.version(values, state=State.FAILED, attempts=i + 1, claimed_at=at, claimed_by=WORKER)
            versions.append((values, at, None, "Ga opp"))
        else:
            values = table.version(values, attempts=i + 1, claimed_at=at, claimed_by=WORKER,
                                   next_attempt_at=at + MINUTE * 2 ** (i + 1))
            versions.append((values, at, None, "Prøver igjen"))
    return values


# --- access events --------------------------------------------------------------------------------------------

STAFF_READS = (("Navnet ditt i arbeidslisten til tillitspersonen", 40, True), ("Oppfølgingssak", 25, False),
               ("Kontaktlogg", 20, False), ("Personopplysninger og sak", 10, False), ("Individuell plan", 5, False))
LEADER_READS = (("Navnet ditt i lederens oversikt over saker", 70, True), ("Oppfølgingssak", 30, False))
PARTNER_READS = (("Oppfølgingssak", 50, False), ("Kontaktlogg", 30, False), ("Individuell plan", 20, False))


def access_events(ctx: Ctx, case: Case, count: int) -> None:
    if count <= 0:
        return
    table = ctx.sink.table(AccessEvent, ACCESS)
    rng = ctx.rng
    first, last = window(ctx, case)
    first = max(first, ctx.ago(365))
    last = max(last, first)
    span = (last - first).days + 1
    leader = ctx.leaders[case.unit.id]
    partners = [g.person for g in case.grants if g.person is not None and g.in_force]
    for _ in range(count):
        roll = rng.random()
        actor: Person
        if roll < 0.65:
            actor, reads = case.tp, STAFF_READS
        elif roll < 0.75 and case.deputy is not None:
            actor, reads = case.deputy, STAFF_READS
        elif roll < 0.9 or not partners:
            actor, reads = leader, LEADER_READS
        else:
            actor, reads = partners[int(rng.random() * len(partners))], PARTNER_READS
        what, listing = pick_read(rng.random() * 100, reads)
        channel = AccessEvent.Channel.WEB
        roll = rng.random()
        if not listing and roll < 0.08:
            channel = AccessEvent.Channel.API
            what = f"{what} (API)"
        elif what == "Individuell plan" and roll > 0.9:
            channel, what = AccessEvent.Channel.PDF, "Individuell plan (PDF)"
        day = first + int(rng.random() * span) * DAY
        hour = 8 if listing else 8 + int(rng.random() * 8)
        at = ctx.past(ctx.at(day, hour, int(rng.random() * 60)))
        table.add((table.new_id(), case.su_id, actor.id, actor.name, actor.role_label, what, channel, "", at), at,
                  actor.id, None)


def pick_read(roll: float, reads) -> tuple[str, bool]:
    for what, weight, listing in reads:
        roll -= weight
        if roll < 0:
            return what, listing
    return reads[-1][0], reads[-1][2]
