"""SMS that arrive (issue 16, point 4): the gateway's webhooks, checked, stored once, matched and routed.

The two-way contract with the SMS gateway (the README has it with examples):

* **Outbound**: ``settings.SMS_BACKEND`` is a class with ``send(to, text, idempotency_key)``
  (``koordinator.outbox.backends``); the key is ``koordinator-notification-<id>`` (``-<n>`` added for a resend after a
  failed delivery receipt, ``koordinator.outbox.sender.idempotency_key``).
* **Inbound** ``POST /sms/innkommende/`` and **receipts** ``POST /sms/kvittering/``: a JSON body, signed. The gateway
  sends ``X-Koordinator-Timestamp: <unix seconds>`` and ``X-Koordinator-Signature: sha256=<hex>``, the HMAC-SHA256 with
  ``settings.SMS_WEBHOOK_SECRET`` of ``<timestamp>.<the raw body>`` (:func:`sign`). A missing or malformed header is
  401, a wrong signature or a timestamp more than five minutes off is 403, and nothing is stored; without a secret
  configured every request is 503 (the gateway retries once it is set). Bad JSON or fields: 400 with the field.

Inbound (:func:`receive`): stored once per provider message id (``InboundSms.provider_message_id`` is unique, so two
copies at once are one: the second finds the first). The sender's number is normalised (``koordinator.phone``) and
looked up among the service users (not archived):

* exactly one, with an open case: the text goes into their newest open case's thread
  (``reach.messages.receive_from_sms``: the staff are told), ``matched``;
* two or more (``ambiguous``), none (``unknown``), or one without an open case (``no_case``): the text goes to the
  inbox of the leader of a municipality (:func:`inbox`), never into anyone's thread. Which municipality: for
  ``no_case`` the person's; for a shared number the one all of them belong to; otherwise (people in several
  municipalities, or nobody) the municipality whose follow-up service has the number the SMS was sent *to* (its phone
  or duty phone), or the only municipality that has a follow-up service here. If none of these says which, the SMS is
  **held for the administrator** (:func:`is_held`; the webhook answers ``"held"``): kept without a municipality, in
  no leader's inbox, listed read-only in the admin site («Innkommende SMS», ``reach.admin``: only these) and a
  warning in the log (without number or text): telling a leader who may not be the right one would show a person's
  words to the wrong person.

The leaders of the municipality get one in-app notice a day that something is waiting (no number, no text in it).
Receipts (:func:`receipt`) go to the outbox (``koordinator.outbox.sender.record_receipt``).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import re
import time
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access, outbox
from koordinator.models import FollowUp, Membership, Organisation, ServiceUser, User
from koordinator.outbox import sender
from koordinator.phone import normalise_phone
from koordinator.timeutil import no_datetime
from koordinator.toolkit import ServiceError, clean_text, save_with_history
from reach.models import MESSAGE_MAX_LENGTH, InboundSms

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Koordinator-Signature"
TIMESTAMP_HEADER = "X-Koordinator-Timestamp"
SIGNATURE_PREFIX = "sha256="
# How far the timestamp may be from our clock, either way (seconds): an old signed request cannot be replayed later.
MAX_SKEW = 300
# The longest text taken (the stored field's limit): a concatenated SMS is far shorter; longer is refused (400).
TEXT_MAX_LENGTH = MESSAGE_MAX_LENGTH * 2
NUMBER_MAX_LENGTH = 32
ID_MAX_LENGTH = 200
NOTE_MAX_LENGTH = 300
# The most service users the number lookup reads: two already make a shared number.
LOOKUP_LIMIT = 10

INBOX_STATES = (InboundSms.State.UNKNOWN, InboundSms.State.AMBIGUOUS, InboundSms.State.NO_OPEN_CASE)

MESSAGES = {
    "not_configured": gettext_lazy("Mottak av SMS er ikke satt opp (SMS_WEBHOOK_SECRET mangler)."),
    "no_signature": gettext_lazy("Forespørselen mangler signatur eller tidsstempel."),
    "bad_signature": gettext_lazy("Signaturen stemmer ikke."),
    "stale": gettext_lazy("Tidsstempelet er mer enn fem minutter fra klokka vår."),
    "too_big": gettext_lazy("Forespørselen er for stor."),
    "json": gettext_lazy("Innholdet er ikke gyldig JSON (et objekt i UTF-8)."),
    "required": gettext_lazy("Feltet mangler."),
    "text_type": gettext_lazy("Feltet skal være tekst."),
    "number": gettext_lazy("Skriv telefonnummeret med sifre, for eksempel +4791234567."),
    "too_long": gettext_lazy("Teksten er for lang: %(length)s tegn, høyst %(max)s."),
    "empty_text": gettext_lazy("Teksten er tom."),
    "datetime": gettext_lazy("Skriv tidspunktet som ISO 8601, for eksempel 2026-11-23T14:05:00+01:00."),
    "status": gettext_lazy("Status skal være «delivered» eller «failed»."),
    "key": gettext_lazy("Nøkkelen er ikke en av våre (koordinator-notification-<id>)."),
    "unknown_key": gettext_lazy("Ingen melding med denne nøkkelen."),
    "note": gettext_lazy("Skriv kort hva du gjorde, for eksempel «Ringte tilbake» eller «Feil nummer»."),
    "handled": gettext_lazy("Denne SMS-en er allerede behandlet."),
}


class WebhookError(Exception):
    """A refused webhook request: the HTTP status, the message and (for 400) the field."""

    def __init__(self, status: int, message, field: str = ""):
        super().__init__(str(message))
        self.status = status
        self.message = str(message)
        self.field = field


# --- signatures --------------------------------------------------------------------------------------------------


def signature_for(body: bytes, timestamp: str, secret: str | None = None) -> str:
    """``sha256=<hex>``: the HMAC-SHA256 of ``<timestamp>.<body>`` with the shared secret."""
    key = (settings.SMS_WEBHOOK_SECRET if secret is None else secret).encode()
    digest = hmac.new(key, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def sign(body: bytes, *, secret: str | None = None, timestamp: int | None = None) -> dict[str, str]:
    """The two headers the gateway sends with ``body`` (as a client's ``headers=``), for tests and for the docs."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: signature_for(body, stamp, secret)}


def verify(body: bytes, timestamp: str | None, signature: str | None, *, now: float | None = None) -> None:
    """Refuse (``WebhookError``) a request that is not signed with the secret within five minutes of now."""
    secret = settings.SMS_WEBHOOK_SECRET
    if not secret:
        raise WebhookError(503, MESSAGES["not_configured"])
    timestamp, signature = (timestamp or "").strip(), (signature or "").strip()
    if not timestamp or not signature.startswith(SIGNATURE_PREFIX) or not timestamp.isascii() \
            or not timestamp.isdigit() or len(timestamp) > 12:
        raise WebhookError(401, MESSAGES["no_signature"])
    expected = signature_for(body, timestamp, secret)
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        raise WebhookError(403, MESSAGES["bad_signature"])
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_SKEW:
        raise WebhookError(403, MESSAGES["stale"])


# --- the payloads ------------------------------------------------------------------------------------------------


def _storable(value: str) -> bool:
    """Text a database can store: a lone surrogate is valid JSON (``\\ud800``) but no UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _json_object(body: bytes) -> dict:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise WebhookError(400, MESSAGES["json"]) from None
    if not isinstance(data, dict):
        raise WebhookError(400, MESSAGES["json"])
    return data


def _text(data: dict, field: str, *, required: bool = True, max_length: int) -> str:
    value = data.get(field)
    if value is None or value == "":
        if required:
            raise WebhookError(400, MESSAGES["required"], field)
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise WebhookError(400, MESSAGES["text_type"], field)
    value = str(value).strip()
    if "\x00" in value:  # PostgreSQL stores no NUL in text: refused, not a 500
        raise WebhookError(400, MESSAGES["text_type"], field)
    if not _storable(value):
        raise WebhookError(400, MESSAGES["json"], field)
    if required and not value:
        raise WebhookError(400, MESSAGES["required"], field)
    if len(value) > max_length:
        raise WebhookError(400, str(MESSAGES["too_long"]) % {"length": len(value), "max": max_length}, field)
    return value


def _moment(data: dict, field: str) -> datetime.datetime | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    try:
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            moment.astimezone(datetime.UTC)  # the database keeps UTC: a time that leaves the calendar there
    except (ValueError, OverflowError):  # well formed, but no time («2026-02-30», «25:00»)
        moment = None
    if moment is None:
        raise WebhookError(400, MESSAGES["datetime"], field)
    return moment


# A phone number as a gateway writes one: digits, perhaps a leading «+» and spaces, dots, dashes or brackets between
# them; 3 (a short code) to 15 (E.164's most) digits.
_NUMBER = re.compile(r"^\+?[0-9][0-9 ().-]*$")


def _number(data: dict, field: str, *, required: bool = True) -> str:
    value = _text(data, field, required=required, max_length=NUMBER_MAX_LENGTH)
    digits = sum(char.isdigit() for char in value)
    if value and (not value.isascii() or not _NUMBER.match(value) or not 3 <= digits <= 15):
        raise WebhookError(400, MESSAGES["number"], field)
    return value


@dataclass(frozen=True)
class Incoming:
    """What the inbound webhook was sent (``POST /sms/innkommende/``)."""

    provider_message_id: str
    from_number: str
    to_number: str
    text: str
    received_at: datetime.datetime | None


def parse_incoming(body: bytes) -> Incoming:
    """``{"id", "from", "to" (optional), "text", "received_at" (optional, ISO 8601)}``, or ``WebhookError`` 400."""
    data = _json_object(body)
    provider_id = _text(data, "id", max_length=ID_MAX_LENGTH)
    from_number = _number(data, "from")
    to_number = _number(data, "to", required=False)
    raw = data.get("text")
    if raw is None:
        raise WebhookError(400, MESSAGES["required"], "text")
    if not isinstance(raw, str):
        raise WebhookError(400, MESSAGES["text_type"], "text")
    if len(raw) > TEXT_MAX_LENGTH:
        raise WebhookError(400, str(MESSAGES["too_long"]) % {"length": len(raw), "max": TEXT_MAX_LENGTH}, "text")
    text = raw.replace("\x00", "").strip()
    if not text:
        raise WebhookError(400, MESSAGES["empty_text"], "text")
    if not _storable(text):
        raise WebhookError(400, MESSAGES["json"], "text")
    return Incoming(provider_id, from_number, to_number, text, _moment(data, "received_at"))


@dataclass(frozen=True)
class Receipt:
    """A delivery receipt (``POST /sms/kvittering/``)."""

    receipt_id: str
    key: str
    delivered: bool
    error: str


def parse_receipt(body: bytes) -> Receipt:
    """``{"id", "idempotency_key", "status": "delivered" | "failed", "error" (optional)}``, or ``WebhookError`` 400."""
    data = _json_object(body)
    receipt_id = _text(data, "id", max_length=sender.RECEIPT_ID_MAX_LENGTH)
    key = _text(data, "idempotency_key", max_length=100)
    if sender.parse_key(key) is None:
        raise WebhookError(400, MESSAGES["key"], "idempotency_key")
    status = data.get("status")
    if status not in ("delivered", "failed"):
        raise WebhookError(400, MESSAGES["status"], "status")
    error = data.get("error")
    error = "" if error is None else error
    if not isinstance(error, str):
        raise WebhookError(400, MESSAGES["text_type"], "error")
    if not _storable(error):
        raise WebhookError(400, MESSAGES["json"], "error")
    return Receipt(receipt_id, key, status == "delivered", error.replace("\x00", "")[:2000])


def receipt(parsed: Receipt) -> sender.ReceiptResult:
    """Record a delivery receipt in the outbox (``WebhookError`` 404 for a key we do not know)."""
    result = sender.record_receipt(parsed.key, parsed.receipt_id, delivered=parsed.delivered, error=parsed.error)
    if result.outcome == "unknown":
        raise WebhookError(404, MESSAGES["unknown_key"], "idempotency_key")
    return result


# --- matching and routing ----------------------------------------------------------------------------------------


def number_forms(raw: str) -> tuple[str, list[str]]:
    """The number as stored (E.164 when it is a valid number, else as given) and the forms a stored number may have
    (E.164 as the services store it, and the national and international ways it may have been typed in before)."""
    e164 = normalise_phone(raw)
    if e164 is None:
        return raw.strip()[:NUMBER_MAX_LENGTH], []
    number = phonenumbers.parse(e164)
    forms = {
        e164,
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
        f"00{e164[1:]}",
    }
    if number.country_code == 47:
        national = phonenumbers.national_significant_number(number)
        forms |= {national, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
                  f"47{national}"}
    return e164, sorted(forms)


def _municipality_written_to(to_number: str) -> int | None:
    """The municipality whose follow-up service has the number the SMS was sent to, if exactly one."""
    _e164, forms = number_forms(to_number) if to_number else ("", [])
    if not forms:
        return None
    found = set(
        Organisation.objects.filter(kind=Organisation.Kind.FOLLOW_UP_SERVICE, municipality__isnull=False)
        .filter(Q(phone__in=forms) | Q(duty_phone__in=forms)).values_list("municipality_id", flat=True)[:LOOKUP_LIMIT]
    )
    return found.pop() if len(found) == 1 else None


def _only_municipality() -> int | None:
    """The municipality, when this installation serves only one (one with a follow-up service)."""
    found = list(
        Organisation.objects.filter(kind=Organisation.Kind.FOLLOW_UP_SERVICE, municipality__isnull=False)
        .values_list("municipality_id", flat=True).distinct().order_by("municipality_id")[:2]
    )
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class Route:
    state: str
    case: FollowUp | None = None
    municipality_id: int | None = None


def route(from_forms: list[str], to_number: str) -> Route:
    """Where an SMS from a number (its forms, :func:`number_forms`) goes. Reads at most ``LOOKUP_LIMIT`` people."""
    people = list(
        ServiceUser.objects.filter(phone__in=from_forms, archived_at__isnull=True)
        .order_by("pk").values_list("pk", "municipality_id")[:LOOKUP_LIMIT]
    ) if from_forms else []
    if len(people) == 1:
        pk, municipality_id = people[0]
        case = (FollowUp.objects.open().filter(service_user_id=pk).select_related("service_user")
                .order_by("-started_on", "-pk").first())
        if case is None:
            return Route(InboundSms.State.NO_OPEN_CASE, municipality_id=municipality_id)
        return Route(InboundSms.State.MATCHED, case=case, municipality_id=case.municipality_id)
    if people:
        municipalities = {municipality_id for _pk, municipality_id in people}
        if len(municipalities) == 1:
            return Route(InboundSms.State.AMBIGUOUS, municipality_id=municipalities.pop())
        return Route(InboundSms.State.AMBIGUOUS, municipality_id=_municipality_written_to(to_number))
    return Route(InboundSms.State.UNKNOWN,
                 municipality_id=_municipality_written_to(to_number) or _only_municipality())


# --- receiving ---------------------------------------------------------------------------------------------------


def receive(incoming: Incoming) -> tuple[InboundSms, bool]:
    """Store an SMS once and send it where it belongs. Returns it and whether it was new (a replay: ``False``, and
    nothing is stored or sent again)."""
    existing = InboundSms.objects.filter(provider_message_id=incoming.provider_message_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return _store(incoming), True
    except IntegrityError:
        # The same id at the same moment: the other request stored it (the unique index decided); nothing of ours
        # (not the message in the thread, nor the staff's notices) was kept.
        existing = InboundSms.objects.filter(provider_message_id=incoming.provider_message_id).first()
        if existing is None:
            raise
        return existing, False


def _store(incoming: Incoming) -> InboundSms:
    from reach import messages

    number, forms = number_forms(incoming.from_number)
    to_number, _to_forms = number_forms(incoming.to_number) if incoming.to_number else ("", [])
    sms = InboundSms(provider_message_id=incoming.provider_message_id, from_number=number, to_number=to_number,
                     text=incoming.text, received_at=incoming.received_at or timezone.now(),
                     state=InboundSms.State.UNKNOWN)
    # Saved first: a copy stored at the same moment fails here, on the unique id, before anything else is written.
    save_with_history(sms, None, gettext_lazy("SMS mottatt"))
    where = route(forms, incoming.to_number)
    sms.municipality_id = where.municipality_id
    sms.state = where.state
    if where.case is not None:
        try:
            with transaction.atomic():
                sms.message = messages.receive_from_sms(where.case, incoming.text, at=sms.received_at)
        except ServiceError:
            # The case was ended a moment ago: the leader's inbox, as for anyone without an open case.
            sms.state = InboundSms.State.NO_OPEN_CASE
    save_with_history(sms, None, lambda: InboundSms.State(sms.state).label)
    if sms.state != InboundSms.State.MATCHED:
        if sms.municipality_id is None:
            log.warning("Innkommende SMS %s (%s) kunne ikke knyttes til en kommune", sms.pk, sms.state)
        else:
            _tell_leaders(sms)
    return sms


def _tell_leaders(sms: InboundSms) -> None:
    """One in-app notice a day to each leader of the municipality: something waits in the inbox (no number or
    text: the notice is only that there is something)."""
    leaders = list(
        User.objects.filter(memberships__role=Membership.Role.LEADER, is_active=True,
                            memberships__organisation__municipality_id=sms.municipality_id).distinct()
    )
    day = timezone.localdate().isoformat()
    link = (getattr(settings, "SITE_URL", "") or "").rstrip("/") + reverse("reach_sms_inbox")
    outbox.notify_many([
        outbox.build(
            leader,
            gettext_lazy("SMS venter i innboksen"),
            # The link on a line of its own: «Se innboksen» in the app (wiring_inbound), not «Se innboksen: Se
            # innboksen».
            lambda: _("Det har kommet SMS som ikke kunne legges i en brukers meldinger.\n%(link)s") % {"link": link},
            channel=outbox.Channel.IN_APP,
            dedupe_key=f"inbound-sms:{sms.municipality_id}:{leader.pk}:{day}",
        )
        for leader in leaders
    ])


def result_of(sms: InboundSms) -> str:
    """What the webhook answers: ``matched`` (in the user's thread), ``inbox`` (a leader's), ``held`` (nobody's yet:
    the administrator's list)."""
    if sms.message_id is not None:
        return "matched"
    return "held" if is_held(sms) else "inbox"


def is_held(sms: InboundSms) -> bool:
    return sms.message_id is None and sms.municipality_id is None and sms.state != InboundSms.State.MATCHED


def held():
    """The SMS no leader sees (no municipality could be told), for the administrator; newest first."""
    return (InboundSms.objects.filter(municipality__isnull=True, message__isnull=True)
            .exclude(state=InboundSms.State.MATCHED).order_by("-received_at", "-pk"))


# --- the leader's inbox ------------------------------------------------------------------------------------------


def inbox(user, *, handled: bool = False):
    """What waits for ``user`` as a leader (``handled``: what was dealt with): their municipalities' SMS that were
    not matched, newest first. On the ``inbound_sms_inbox`` index (municipality, received_at; not matched)."""
    municipalities = sorted(access.actor_for(user).leader_municipality_ids)
    if not municipalities:
        return InboundSms.objects.none()
    qs = InboundSms.objects.filter(municipality_id__in=municipalities).exclude(state=InboundSms.State.MATCHED)
    if handled:
        qs = qs.filter(state=InboundSms.State.HANDLED).select_related("handled_by")
    else:
        qs = qs.exclude(state=InboundSms.State.HANDLED)
    return qs.order_by("-received_at", "-pk")


def may_read_inbox(user) -> bool:
    return bool(access.actor_for(user).leader_municipality_ids)


@transaction.atomic
def mark_handled(user: User, sms_id: int, note) -> InboundSms:
    """The leader marks an SMS in the inbox handled, with a short note of what they did. Someone else's (another
    municipality's, or a matched one): ``PermissionDenied``; already handled or no note: ``ServiceError``."""
    sms = (InboundSms.objects.select_for_update().filter(pk=sms_id).exclude(state=InboundSms.State.MATCHED)
           .first())
    if sms is None or not access.leads(user, sms.municipality_id):
        raise PermissionDenied
    if sms.state == InboundSms.State.HANDLED:
        raise ServiceError(str(MESSAGES["handled"]))
    if isinstance(note, str):
        note = note.replace("\x00", "")  # a NUL (a form posted by hand): PostgreSQL stores none
    note = clean_text(note, "note", required=str(MESSAGES["note"]), max_length=NOTE_MAX_LENGTH)
    sms.state = InboundSms.State.HANDLED
    sms.handled_at = timezone.now()
    sms.handled_by = user
    sms.handled_note = note
    return save_with_history(sms, user, gettext_lazy("Behandlet av lederen"))


def received_text(sms: InboundSms) -> str:
    """«23.11.2026 kl. 14.05»."""
    return no_datetime(sms.received_at)
