"""«Ring meg» (issue 16, point 1): the user asks to be called; whoever is their contact right now does.

**Asking** (:func:`request_callback`). One button on Min side, the short link at the end of every SMS the user gets
(``/r/<token>``, :func:`link_url`), or the API. The request belongs to the user's **newest open case** (as «Kontakten
din nå»: a user with more than one open case is called about the newest) and goes to whoever is the contact now by
``koordinator.continuity.contact_now``: the trust person; the deputy while the trust person is away; the unit's
**duty phone** when both are. The duty phone is no person: the request has no ``assigned_to`` and is the unit's
leaders' (they cover the duty phone): on their page «Ring meg» (``/leder/ring-meg/``), on their worklist when they are
trust persons too, and in their notifications. One open request per case: a second press, or five, shows the one
that is open (the database's constraint decides a race). The user is told at once, on the page and through the
outbox by their own channel, who will call and when, in words with nothing sensitive in them («Kari Hansen ringer deg
i dag.»; outside working hours «Vi ringer deg mandag formiddag.», ``reach.escalation``).

**Marking** (:func:`mark_callback`). The one who calls marks it on *Min arbeidsliste*: «Ringt» (a phone contact in
the follow-up log), «Sendt SMS» (an SMS contact) close it; «Fikk ikke svar – prøver igjen» writes a tried contact
(«Forsøkt, men ikke truffet»), tells the user that someone tried, and keeps the request open on top of the list
with its escalation clock started again from the mark (``CALLBACK_ESCALATE_AFTER_HOURS`` working hours; the next
step is still the deputy, then the leader, once each): the user is never left in silence. The log is written through
``koordinator.followup_log``'s service, never directly. The first mark is the call back of the leader's figures
(``handled_at``). Closing a request marks the notifications about it read (they are no longer current).

**Nothing in the link names anyone** beyond what the signature needs: the token is the service user's id and a
timestamp, signed with ``django.core.signing`` (valid ``LINK_MAX_AGE_DAYS`` days); its path is hidden from the
request logs (:class:`HideLinks`). The page behind it shows nothing but the question and, after the press, who will
call.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access, continuity, followup_log, outbox
from koordinator.models import (
    FollowUp,
    FollowUpEntry,
    Notification,
    Organisation,
    ServiceUser,
    User,
)
from koordinator.phone import display_phone
from koordinator.timeutil import no_datetime, no_time
from koordinator.toolkit import ServiceError, ensure_inside_gate, record_text, save_with_history
from koordinator.toolkit.log_paths import HidePaths, hide_paths_in_request_logs
from reach import escalation
from reach.models import CALLBACK_NOTE_MAX_LENGTH, CallbackRequest

When = CallbackRequest.When
Via = CallbackRequest.Via
Role = CallbackRequest.Role
State = CallbackRequest.State
Outcome = CallbackRequest.Outcome
Kind = FollowUpEntry.Kind

LINK_SALT = "reach.callback-link"
LINK_MAX_AGE_DAYS = 60
# A done request is shown on Min side («Thomas Bakken ringte deg i går kl. 10.15.») this many days.
RECENT_DAYS = 7
# The leader's list of requests waiting shows at most this many (the oldest first); the count says how many there are.
LEADER_WAITING_SHOWN = 50

# The messages of this module, kept together.
MESSAGES = {
    "when": gettext_lazy("Velg når det passer: så snart som mulig, i dag, i morgen formiddag eller i morgen "
                         "ettermiddag."),
    "note_text": gettext_lazy("Skriv noen ord, eller la feltet stå tomt."),
    "note_long": gettext_lazy("Skriv høyst %(max)s tegn. Resten kan dere snakke om på telefonen."),
    "no_case": gettext_lazy("Du har ingen åpen oppfølging hos oss nå, så vi vet ikke hvem som skal ringe deg. "
                            "Ta kontakt med tjenesten hvis du tror dette er feil."),
    "no_phone": gettext_lazy("Vi har ikke telefonnummeret ditt. Legg det inn under «Mine opplysninger», så kan vi "
                             "ringe deg."),
    "outcome": gettext_lazy("Velg hva som skjedde: «Ringt», «Fikk ikke svar – prøver igjen» eller «Sendt SMS»."),
    "done": gettext_lazy("Denne er allerede merket ferdig («%(outcome)s»). Ingenting ble endret."),
    "link_invalid": gettext_lazy("Lenken er ikke gyldig. Sjekk at hele lenken ble med."),
    "link_old": gettext_lazy("Lenken er for gammel. Logg inn på Min side og trykk «Ring meg» der, eller ring oss."),
}

# What each mark writes in the follow-up log: the kind, the minutes, and the note the user reads in their log.
MARKS = {
    Outcome.CALLED: (Kind.PHONE, 10, gettext_lazy("Ringte tilbake etter «Ring meg».")),
    Outcome.SMS_SENT: (Kind.SMS, 0, gettext_lazy("Sendte SMS etter «Ring meg».")),
    Outcome.NO_ANSWER: (Kind.NOT_MET, 0, gettext_lazy("Prøvde å ringe etter «Ring meg», men fikk ikke svar.")),
}


# --- the link at the end of every SMS ------------------------------------------------------------------------------


class _LinkSigner(signing.TimestampSigner):
    """Django's timestamp signer with the HMAC-SHA256 cut to 128 bits (22 characters): an SMS is short."""

    SIGNATURE_LENGTH = 22

    def signature(self, value, key=None):
        return super().signature(value, key)[: self.SIGNATURE_LENGTH]


def _signer() -> _LinkSigner:
    return _LinkSigner(salt=LINK_SALT)


def link_token(service_user_id: int) -> str:
    """Signed, not encrypted: the payload is the service user's id (base 62) and when the link was made."""
    return _signer().sign(signing.b62_encode(service_user_id))


def link_url(service_user_id: int) -> str:
    path = reverse("callback_link", args=[link_token(service_user_id)])
    return (getattr(settings, "SITE_URL", "") or "").rstrip("/") + path


def read_link(token: str) -> int:
    """The service user's id in a link, checked; a clear Norwegian error otherwise (never naming the token)."""
    try:
        value = _signer().unsign(token or "", max_age=datetime.timedelta(days=LINK_MAX_AGE_DAYS))
        service_user_id = signing.b62_decode(value)
    except signing.SignatureExpired:
        raise ServiceError(str(MESSAGES["link_old"]), "token") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise ServiceError(str(MESSAGES["link_invalid"]), "token") from None
    if service_user_id <= 0:
        raise ServiceError(str(MESSAGES["link_invalid"]), "token")
    return service_user_id


def sms_ending(service_user: ServiceUser, about) -> str:
    """The last line of every SMS to a service user (``outbox.register_sms_ending``): the way to ask to be called.
    Not on the messages about a request itself (the confirmation, the escalation): they answer one."""
    if service_user.pk is None or isinstance(about, CallbackRequest):
        return ""
    return "\n" + _("Vil du at vi ringer deg? %(url)s") % {"url": link_url(service_user.pk)}


class HideLinks(HidePaths):
    """The request logs print a request's path; a link's path holds the signed token, which names the person.
    This filter, on those loggers (``koordinator.toolkit.log_paths``), writes «/r/…» instead."""

    PATTERN = re.compile(r"/r/[^/\s\"']+")
    REPLACEMENT = "/r/…"


def hide_links_in_request_logs() -> None:
    hide_paths_in_request_logs(HideLinks)


# --- who calls, and when: the words ----------------------------------------------------------------------------------


def caller_name(callback: CallbackRequest) -> str:
    """The person who will call, or ``""`` for the duty phone and the leaders (then it is «we»)."""
    return callback.assigned_to.display_name if callback.assigned_to_id else ""


def _day_word(day: datetime.date, today: datetime.date) -> str:
    if day == today + datetime.timedelta(days=1):
        return _("i morgen")
    if day - today < datetime.timedelta(days=7):
        return formats.date_format(day, "l").lower()
    return formats.date_format(day, "l j.n.").lower()


def when_words(callback: CallbackRequest, now: datetime.datetime | None = None) -> str:
    """When the call will come, as the user reads it: «i dag», «i morgen formiddag», «mandag formiddag»."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    slot = escalation.slot_start(callback.when, callback.requested_at)
    if slot < now:  # the time asked for has come: the next moment the office is open
        slot = escalation.next_working_moment(now)
    day = timezone.localtime(slot).date()
    if day <= today:
        return _("i dag")
    afternoon = callback.when == When.TOMORROW_AFTERNOON
    word = _day_word(day, today)
    if afternoon:
        return _("i morgen ettermiddag") if word == _("i morgen") else _("%(day)s ettermiddag") % {"day": word}
    return _("i morgen formiddag") if word == _("i morgen") else _("%(day)s formiddag") % {"day": word}


def promise(callback: CallbackRequest, now: datetime.datetime | None = None) -> str:
    """«Kari Hansen ringer deg i dag.» — or «Vi ringer deg mandag formiddag.» for the duty phone and the leaders."""
    name = caller_name(callback)
    when = when_words(callback, now)
    if name:
        return _("%(name)s ringer deg %(when)s.") % {"name": name, "when": when}
    return _("Vi ringer deg %(when)s.") % {"when": when}


def confirmation_words(callback: CallbackRequest) -> tuple[str, str]:
    return _("Vi ringer deg"), promise(callback)


def escalated_words(callback: CallbackRequest, before: User | None) -> tuple[str, str]:
    """To the user when the request goes on: who calls now, or that the leader makes sure someone does."""
    when = when_words(callback)
    if callback.attempts:  # someone tried and got no answer
        first = _("Vi har ikke fått tak i deg ennå.")
    else:
        first = _("Vi har ikke fått ringt deg ennå.")
    if callback.assigned_to_id:
        body = _("Nå er det %(name)s som ringer deg %(when)s.") % {
            "name": callback.assigned_to.display_name, "when": when}
    else:
        body = _("Lederen har fått beskjed og sørger for at noen ringer deg %(when)s.") % {"when": when}
    body = f"{first} {body}"
    return _("Vi ringer deg"), body


def _tried_words(callback: CallbackRequest, actor: User, at: datetime.datetime) -> tuple[str, str]:
    body = _("%(name)s prøvde å ringe deg kl. %(time)s, men fikk ikke svar. Vi prøver igjen.") % {
        "name": actor.display_name, "time": no_time(at)}
    return _("Vi prøvde å ringe deg"), body


def _staff_words(callback: CallbackRequest, escalated: bool) -> tuple[str, str]:
    """In the app (it names the person: the app is behind the log-in)."""
    su = callback.service_user
    values = {
        "name": su.full_name,
        "when": callback.get_when_display().lower(),
        "asked": no_datetime(callback.requested_at),
        "phone": display_phone(su.phone) or _("ikke oppgitt"),
    }
    if escalated:
        body = _("Ingen har ringt %(name)s ennå (bedt om %(asked)s). Nå er det din oppgave. Når det passer: "
                 "%(when)s. Telefon: %(phone)s.")
    elif callback.assigned_role == Role.DUTY:
        body = _("%(name)s har bedt om å bli ringt, og verken kontaktpersonen eller stedfortrederen er på jobb. "
                 "Vakttelefonen er lederens. Når det passer: %(when)s. Telefon: %(phone)s.")
    else:
        body = _("%(name)s har bedt om å bli ringt. Når det passer: %(when)s. Telefon: %(phone)s.")
    return _("Ring meg: %(name)s") % {"name": su.full_name}, body % values


def _staff_sms_words() -> tuple[str, str]:
    """By SMS to staff who want it: that there is something, not who or what (``User.sms_alerts``)."""
    return _("Ring meg"), _("Noen venter på at du ringer. Se «Ring meg» i Koordinator.")


def staff_alerts(callback: CallbackRequest, recipients: list[User], *, key, escalated: bool = False
                 ) -> list[Notification]:
    """The notifications to the staff who should call: in the app, and by SMS without content to those who chose it.
    ``key(who)`` makes each dedupe key."""
    drafts = []
    for person in recipients:
        drafts.append(outbox.build(person, words=partial(_staff_words, callback, escalated), about=callback,
                                   channel=outbox.Channel.IN_APP, dedupe_key=key(f"{person.pk}:app")))
        if person.sms_alerts and person.phone:
            drafts.append(outbox.build(person, words=_staff_sms_words, about=callback, channel=outbox.Channel.SMS,
                                       dedupe_key=key(f"{person.pk}:sms")))
    return drafts


# --- asking ------------------------------------------------------------------------------------------------------------


def newest_open_case(service_user_id: int) -> FollowUp | None:
    """The case a request belongs to: the user's newest open one, as «Kontakten din nå» decides. One query."""
    return (
        FollowUp.objects.open()
        .filter(service_user_id=service_user_id)
        .select_related("trust_person", "deputy", "unit", "service_user")
        .order_by("-started_on", "-pk")
        .first()
    )


def clean_when(value) -> str:
    if value in (None, ""):
        return When.SOON
    if not isinstance(value, str) or value not in When.values:
        raise ServiceError(str(MESSAGES["when"]), "when")
    return value


def clean_note(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ServiceError(str(MESSAGES["note_text"]), "note")
    value = " ".join(value.split())
    if len(value) > CALLBACK_NOTE_MAX_LENGTH:
        raise ServiceError(str(MESSAGES["note_long"]) % {"max": CALLBACK_NOTE_MAX_LENGTH}, "note")
    return value


def open_request(case_id: int) -> CallbackRequest | None:
    return (
        CallbackRequest.objects.open()
        .filter(case_id=case_id)
        .select_related("assigned_to", "unit", "service_user")
        .first()
    )


@transaction.atomic
def request_callback(
    service_user: ServiceUser,
    *,
    by: User | None,
    when=When.SOON,
    note="",
    via: str = Via.MY_PAGE,
) -> tuple[CallbackRequest, bool]:
    """Ask to be called. Returns (the request, whether it is new): with one open already, that one, and nothing is
    written. ``by`` is who pressed (the user's log-in; ``None`` through the SMS link without one), for the history.

    The caller has checked that ``by`` is the person (Min side, the API) or holds a valid link for them."""
    when = clean_when(when)
    note = clean_note(note)
    case = newest_open_case(service_user.pk)
    if case is None:
        raise ServiceError(str(MESSAGES["no_case"]))
    # Presses of the same case wait for each other here (PostgreSQL); the constraint is the last word on SQLite.
    list(FollowUp.objects.select_for_update(of=("self",)).filter(pk=case.pk).values_list("pk", flat=True))
    existing = open_request(case.pk)
    if existing is not None:
        return existing, False
    if not (service_user.phone or "").strip():
        raise ServiceError(str(MESSAGES["no_phone"]))
    contact = continuity.contact_now(case)
    now = timezone.now()
    role = {"primary": Role.PRIMARY, "deputy": Role.DEPUTY}.get(contact.role, Role.DUTY)
    callback = CallbackRequest(
        case=case,
        service_user=service_user,
        unit=case.unit,
        when=when,
        note=note,
        via=via,
        requested_at=now,
        assigned_to=contact.person if role != Role.DUTY else None,
        assigned_role=role,
        due_by=escalation.due_by_for(when, now),
    )
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the caller's transaction usable
            save_with_history(callback, by, gettext_lazy("Bedt om å bli ringt"))
    except IntegrityError:
        existing = open_request(case.pk)
        if existing is None:
            raise
        return existing, False
    recipients = [callback.assigned_to] if callback.assigned_to else escalation.unit_leaders(case)
    drafts = staff_alerts(callback, recipients, key=partial(new_key, callback.pk))
    drafts.append(outbox.build(service_user, words=partial(confirmation_words, callback), about=callback,
                               dedupe_key=new_key(callback.pk, "user")))
    outbox.notify_many(drafts)
    return callback, True


def new_key(callback_id: int, who: str) -> str:
    return f"callback:{callback_id}:new:{who}"


# --- marking -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def mark_callback(actor: User, callback: CallbackRequest, outcome) -> CallbackRequest:
    """«Ringt», «Fikk ikke svar – prøver igjen» or «Sendt SMS», by one of the case's staff. Writes the contact (or the
    tried contact) in the case's log through its service. «Fikk ikke svar» starts the escalation clock again."""
    access.require_change(actor, callback)
    if not isinstance(outcome, str) or outcome not in Outcome.values:
        raise ServiceError(str(MESSAGES["outcome"]), "outcome")
    callback = (
        CallbackRequest.objects.select_for_update(of=("self",))
        .select_related("case", "service_user", "assigned_to")
        .get(pk=callback.pk)
    )
    if callback.state != State.OPEN:
        raise ServiceError(str(MESSAGES["done"]) % {"outcome": callback.get_outcome_display()}, "outcome")
    kind, minutes, note = MARKS[outcome]
    now = timezone.now()
    entry = followup_log.create_entry(actor, callback.case, kind=kind, started_at=now, duration_minutes=minutes,
                                      note=record_text(note))
    callback.outcome = outcome
    callback.attempts += 1
    callback.log_entry = entry
    if callback.handled_at is None:
        callback.handled_at = now
        callback.handled_by = actor
    if outcome == Outcome.NO_ANSWER:
        # Someone tried: the clock starts again from now (never earlier than the time the user asked for).
        callback.due_by = max(callback.due_by, escalation.add_working_hours(now, escalation.escalate_after()))
        reason = gettext_lazy("Fikk ikke svar – prøver igjen")
    else:
        callback.state = State.DONE
        callback.done_at = now
        reason = gettext_lazy("Ringt") if outcome == Outcome.CALLED else gettext_lazy("Sendt SMS")
    save_with_history(callback, actor, reason)
    if outcome == Outcome.NO_ANSWER:
        outbox.notify(callback.service_user, words=partial(_tried_words, callback, actor, now), about=callback,
                      dedupe_key=f"callback:{callback.pk}:tried:{callback.attempts}")
    else:
        _notices_read(callback, actor, now)
    ensure_inside_gate(actor, callback)
    return callback


def _notices_read(callback: CallbackRequest, actor: User, now: datetime.datetime) -> int:
    """The notifications about a request that is done, still unread (the user's «… prøver igjen», the staff's «Ring
    meg: …»), are marked read: they no longer look current. With history. One query when there are none."""
    from simple_history.utils import bulk_update_with_history

    items = list(
        Notification.objects.filter(
            about_type=ContentType.objects.get_for_model(CallbackRequest), about_id=callback.pk,
            read_at__isnull=True,
        )
    )
    for item in items:
        item.read_at = now
    if items:
        bulk_update_with_history(items, Notification, ["read_at"], default_user=actor,
                                 default_change_reason="«Ring meg» er ferdig")
    return len(items)


# --- reads: Min side -----------------------------------------------------------------------------------------------------


@dataclass
class MyCallback:
    """What Min side shows of «Ring meg»: the open request (who will call, when), or the last one done lately (who
    called, when), and whether the user can ask (an open case)."""

    can_ask: bool
    open: CallbackRequest | None = None
    done: CallbackRequest | None = None

    @property
    def promise(self) -> str:
        return promise(self.open) if self.open else ""

    @property
    def asked(self) -> str:
        """«Du ba om å bli ringt i dag kl. 09.12.» (the open request; what was chosen and written is shown with it)."""
        if self.open is None:
            return ""
        return _("Du ba om å bli ringt %(when)s.") % {"when": _moment_words(self.open.requested_at)}

    @property
    def tried(self) -> str:
        """«Thomas Bakken prøvde å ringe deg i dag kl. 10.15, men fikk ikke svar. Vi prøver igjen.» (still open)."""
        if self.open is None or not self.open.attempts or self.open.log_entry_id is None:
            return ""
        entry = self.open.log_entry
        return _("%(name)s prøvde å ringe deg %(when)s, men fikk ikke svar. Vi prøver igjen.") % {
            "name": entry.written_by.display_name, "when": _moment_words(entry.started_at)}

    @property
    def called(self) -> str:
        """«Thomas Bakken ringte deg i dag kl. 10.15.»"""
        if self.done is None or self.done.log_entry_id is None:
            return ""
        entry = self.done.log_entry
        values = {"name": entry.written_by.display_name, "when": _moment_words(entry.started_at)}
        if self.done.outcome == Outcome.SMS_SENT:
            return _("%(name)s sendte deg en SMS %(when)s.") % values
        return _("%(name)s ringte deg %(when)s.") % values


def _moment_words(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    today = timezone.localdate()
    if local.date() == today:
        return _("i dag kl. %(time)s") % {"time": no_time(moment)}
    if local.date() == today - datetime.timedelta(days=1):
        return _("i går kl. %(time)s") % {"time": no_time(moment)}
    return no_datetime(moment)


def my_callback(user: User) -> MyCallback | None:
    """For a service user's Min side; ``None`` for anyone else, or a user with neither an open case nor a request.
    Two queries."""
    service_user_id = access.actor_for(user).service_user_id
    if service_user_id is None:
        return None
    # The owner's cases as Min side has read them (once per request; the gate shows the owner all their own).
    can_ask = any(case.status != FollowUp.Status.ENDED for case in continuity.owner_cases(user))
    latest = (
        CallbackRequest.objects.for_user(user)
        .filter(service_user_id=service_user_id)
        .select_related("assigned_to", "unit", "log_entry__written_by")
        .order_by("-requested_at", "-pk")
        .first()
    )
    if latest is not None and latest.state == State.OPEN:
        return MyCallback(can_ask, open=latest)
    recent = latest is not None and latest.done_at is not None and (
        timezone.now() - latest.done_at < datetime.timedelta(days=RECENT_DAYS))
    if not can_ask and not recent:
        return None
    return MyCallback(can_ask, done=latest if recent else None)


# --- reads: the staff's lists ----------------------------------------------------------------------------------------


@dataclass
class CallbackRow:
    """One open request on *Min arbeidsliste* or the leader's page."""

    callback: CallbackRequest
    now: datetime.datetime
    # Who reads the list (the worklist): a request about another trust person's user says «Du dekker for …».
    viewer_id: int | None = None

    @property
    def covering_for(self) -> User | None:
        """The case's trust person, when the reader of the worklist calls in their place (deputy, duty, leader)."""
        case = self.callback.case
        if self.viewer_id is None or case.trust_person_id in (None, self.viewer_id):
            return None
        return case.trust_person

    @property
    def next_step(self) -> str:
        """Where the request goes when nobody has marked it «Ringt» or «Sendt SMS» by its ``due_by`` («Fikk ikke svar»
        moves the ``due_by``): the deputy (or the leader, when the deputy is away), then the leader."""
        callback = self.callback
        if callback.escalation_level >= escalation.LEADER_LEVEL:
            return ""
        if callback.escalation_level == 0 and callback.assigned_role == Role.PRIMARY:
            return _("til stedfortrederen")
        return _("til lederen")

    @property
    def overdue(self) -> bool:
        """Past the time it escalates (shown with a tag)."""
        return self.callback.due_by <= self.now

    @property
    def service_user(self) -> ServiceUser:
        return self.callback.service_user

    @property
    def tried_at(self) -> datetime.datetime | None:
        return self.callback.log_entry.started_at if self.callback.attempts and self.callback.log_entry_id else None


def _rows(qs, now: datetime.datetime, viewer_id: int | None = None) -> list[CallbackRow]:
    return [CallbackRow(callback, now, viewer_id) for callback in qs]


def _related(qs):
    return qs.select_related("service_user", "case__trust_person", "assigned_to", "unit", "log_entry")


def leader_unit_ids(user: User) -> list[int]:
    """The units in the leader's municipalities (the duty phones they cover). One query; none for a non-leader."""
    munis = access.actor_for(user).leader_municipality_ids
    if not munis:
        return []
    return list(Organisation.objects.filter(municipality_id__in=munis).values_list("pk", flat=True))


def worklist_rows(user: User, now: datetime.datetime | None = None) -> list[CallbackRow]:
    """The open requests that are ``user``'s to call: assigned to them, and for a leader the duty phone's and the
    leader's in their municipalities. Oldest first. Two or three queries however many."""
    now = now or timezone.now()
    mine = Q(assigned_to=user)
    units = leader_unit_ids(user)
    if units:
        mine |= Q(assigned_to__isnull=True, unit_id__in=units)
    qs = CallbackRequest.objects.for_user(user, access.CHANGE).open().filter(mine).order_by("requested_at", "pk")
    return _rows(_related(qs), now, user.pk)


@dataclass
class Waiting:
    rows: list[CallbackRow]
    count: int


def waiting_in_municipality(user: User, now: datetime.datetime | None = None) -> Waiting:
    """For the leader's page: every open request in the leader's municipalities, oldest first (at most
    ``LEADER_WAITING_SHOWN``, and how many in all). Three queries."""
    now = now or timezone.now()
    units = leader_unit_ids(user)
    qs = CallbackRequest.objects.for_user(user, access.CHANGE).open().filter(unit_id__in=units)
    rows = _rows(_related(qs.order_by("requested_at", "pk"))[:LEADER_WAITING_SHOWN], now)
    count = len(rows) if len(rows) < LEADER_WAITING_SHOWN else qs.count()
    return Waiting(rows, count)


def is_leader(user: User) -> bool:
    return bool(access.actor_for(user).leader_municipality_ids)
