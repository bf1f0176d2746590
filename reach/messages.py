"""Messages between a user and their case's staff (issue 16): the services (every write) and the selectors (reads).

A thread per case. The user (the owner, with a login) writes from Min side; the case's staff (the trust person, the
deputy, the leader in the municipality: ``koordinator.access.is_case_staff``) write from the case. An SMS reply
arrives through :func:`receive_from_sms` (the inbound webhook, ``reach.inbound``).

Rules, in plain words:

* Only an open case takes new messages; an ended case's thread is read-only.
* Nothing is deleted. The writer may take a message back (:func:`withdraw`) only before the other side has read it;
  it then shows as «Meldingen ble trukket tilbake» to both, and its words stay in the history.
* Read: a message is read when someone on the other side marks the thread read (:func:`mark_read`, a POST
  «Merk som lest») or answers in it (writing in the thread marks the other side's messages read). Opening the
  page is a read that writes nothing but its access event (DESIGN.md: a read writes only its access events).
* Double submit: the same words from the same writer in the same thread within ``DOUBLE_SUBMIT_SECONDS`` is the
  message already sent, not a new one (nothing new is saved or sent).
* Notifications (the outbox, in the recipient's language, never the message's words): one alert per thread and
  side until read. A message alerts the other side only when it has no unread message from this side already, so
  ten messages in a row send one SMS. To the staff: whoever is the user's contact now (``contact_now``: the trust
  person, the deputy while the trust person is away; the leaders of the municipality when both are away), in the
  app, and by SMS too for those who chose it (``User.sms_alerts``). To the user: by their preferred channel, with a
  link to Min side (a letter is never used for this: a user with a login gets it in the app instead).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access, outbox
from koordinator.continuity.selectors import contact_now, effective_deputy, owner_cases
from koordinator.models import FollowUp, Membership, ServiceUser, User
from koordinator.models.notifications import Notification
from koordinator.toolkit import ServiceError, ensure_inside_gate, save_with_history
from reach.models import MESSAGE_MAX_LENGTH, Message

# The same words from the same writer in the same thread within this many seconds are one message (a double click,
# a form sent again after «Tilbake»).
DOUBLE_SUBMIT_SECONDS = 30
# The thread shows this many messages per page (the newest first page, «Eldre meldinger» for the rest).
THREAD_PAGE_SIZE = 20
# Min side's section shows the newest few.
MY_PAGE_NEWEST = 3

# What a person reads when a write is refused, kept together.
MESSAGES = {
    "empty": gettext_lazy("Skriv en melding før du sender."),
    "too_long": gettext_lazy("Meldingen kan være høyst %(max)s tegn. Den er nå %(length)s tegn."),
    "not_text": gettext_lazy("Meldingen må være tekst."),
    "ended": gettext_lazy("Saken er avsluttet. Du kan lese meldingene, men ikke skrive nye."),
    "no_login": gettext_lazy(
        "%(name)s har ikke innlogging i Koordinator og kan ikke lese meldinger her. Ring eller send SMS i stedet."
    ),
    "not_writer": gettext_lazy("Du kan bare trekke tilbake meldinger du har skrevet selv."),
    "already_read": gettext_lazy("Meldingen er allerede lest, og kan ikke trekkes tilbake."),
    "already_withdrawn": gettext_lazy("Meldingen er allerede trukket tilbake."),
}

WITHDRAWN_TEXT = gettext_lazy("Meldingen ble trukket tilbake")


# --- input ---------------------------------------------------------------------------------------------------------


def clean_body(value) -> str:
    """The message's words: text, not only spaces, at most ``MESSAGE_MAX_LENGTH`` characters (after trimming)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ServiceError(str(MESSAGES["not_text"]), "body")
    value = value.replace("\x00", "").strip()  # a NUL (a form posted by hand): PostgreSQL stores none
    if not value:
        raise ServiceError(str(MESSAGES["empty"]), "body")
    if len(value) > MESSAGE_MAX_LENGTH:
        raise ServiceError(str(MESSAGES["too_long"]) % {"max": MESSAGE_MAX_LENGTH, "length": len(value)}, "body")
    return value


def _lock_case(case: FollowUp) -> FollowUp:
    """The case row, locked for the rest of the transaction: two sends in the same thread take turns, so a double
    submit is seen as one and the «one alert until read» check sees the other's message."""
    return (FollowUp.objects.select_for_update(of=("self",))
            .select_related("service_user", "trust_person", "deputy", "unit").get(pk=case.pk))


def _check_open(case: FollowUp) -> None:
    if case.status == FollowUp.Status.ENDED:
        raise ServiceError(str(MESSAGES["ended"]), "case")


def _duplicate(case: FollowUp, *, from_service_user: bool, author: User, body: str,
               now: datetime.datetime) -> Message | None:
    return (
        Message.objects.live()
        .filter(case=case, from_service_user=from_service_user, author=author, body=body,
                sent_at__gte=now - datetime.timedelta(seconds=DOUBLE_SUBMIT_SECONDS))
        .order_by("-sent_at", "-pk")
        .first()
    )


# --- writes --------------------------------------------------------------------------------------------------------


@transaction.atomic
def send_as_user(user: User, case: FollowUp, body, *, via: str = Message.Via.WEB,
                 at: datetime.datetime | None = None) -> Message:
    """The user writes to their case's staff. ``user`` must own the case (else ``PermissionDenied``)."""
    if not access.is_owner(user, case.service_user_id):
        raise PermissionDenied
    text = clean_body(body)
    case = _lock_case(case)
    _check_open(case)
    now = at or timezone.now()
    existing = _duplicate(case, from_service_user=True, author=user, body=text, now=now)
    if existing is not None:
        return existing
    message = Message(case=case, service_user=case.service_user, from_service_user=True, author=user, body=text,
                      via=via, sent_at=now)
    save_with_history(message, user, gettext_lazy("Melding fra brukeren"))
    _mark_read(user, case, from_service_user=False, now=now)
    ensure_inside_gate(user, message, access.VIEW)
    _alert_staff(case, message)
    return message


@transaction.atomic
def send_as_staff(user: User, case: FollowUp, body, *, via: str = Message.Via.WEB,
                  at: datetime.datetime | None = None) -> Message:
    """A member of the case's staff writes to the user. ``user`` must be case staff (else ``PermissionDenied``)."""
    if not access.is_case_staff(user, case.pk):
        raise PermissionDenied
    text = clean_body(body)
    case = _lock_case(case)
    _check_open(case)
    if case.service_user.user_id is None:
        raise ServiceError(str(MESSAGES["no_login"]) % {"name": case.service_user.full_name}, "case")
    now = at or timezone.now()
    existing = _duplicate(case, from_service_user=False, author=user, body=text, now=now)
    if existing is not None:
        return existing
    message = Message(case=case, service_user=case.service_user, from_service_user=False, author=user, body=text,
                      via=via, sent_at=now)
    save_with_history(message, user, gettext_lazy("Melding til brukeren"))
    _mark_read(user, case, from_service_user=True, now=now)
    ensure_inside_gate(user, message, access.CHANGE)
    _alert_user(case, message)
    return message


def send(user: User, case: FollowUp, body, *, via: str = Message.Via.WEB) -> Message:
    """Write as whoever ``user`` is in the thread: the owner writes as the user, the case's staff as staff."""
    if access.is_owner(user, case.service_user_id):
        return send_as_user(user, case, body, via=via)
    return send_as_staff(user, case, body, via=via)


@transaction.atomic
def receive_from_sms(case: FollowUp, text: str, *, at: datetime.datetime) -> Message:
    """An SMS reply from the user, matched to their open ``case`` by the inbound webhook: a message in the thread
    from the user (``author`` empty, ``via`` SMS, sent ``at`` when the gateway received it), and the staff are told
    as for any message from the user.

    The caller has checked the signature and that the provider's message id is new (it stores ``InboundSms`` once);
    nothing here guards against a replay. A text over ``MESSAGE_MAX_LENGTH`` is kept whole (an SMS is never cut:
    nothing lost). Raises ``ServiceError`` for an empty text or an ended case; nothing is saved then."""
    if not isinstance(text, str) or not text.strip():
        raise ServiceError(str(MESSAGES["empty"]), "body")
    case = _lock_case(case)
    _check_open(case)
    message = Message(case=case, service_user=case.service_user, from_service_user=True, author=None,
                      body=text.strip(), via=Message.Via.SMS, sent_at=at)
    save_with_history(message, None, gettext_lazy("Svar på SMS fra brukeren"))
    _alert_staff(case, message)
    return message


def mark_read(user: User, case: FollowUp, *, at: datetime.datetime | None = None) -> int:
    """The reader marks the other side's unread messages in the thread read: the owner the staff's, the case's
    staff the user's. Returns how many. Anyone else: ``PermissionDenied``."""
    if access.is_owner(user, case.service_user_id):
        from_service_user = False
    elif access.is_case_staff(user, case.pk):
        from_service_user = True
    else:
        raise PermissionDenied
    with transaction.atomic():
        return _mark_read(user, case, from_service_user=from_service_user, now=at or timezone.now())


def _mark_read(user: User, case: FollowUp, *, from_service_user: bool, now: datetime.datetime) -> int:
    from simple_history.utils import bulk_update_with_history

    unread = list(
        Message.objects.live().filter(case=case, from_service_user=from_service_user, read_at__isnull=True)
        .select_for_update()
    )
    for message in unread:
        message.read_at = now
        message.read_by = user
    if unread:
        from koordinator.toolkit import record_text

        bulk_update_with_history(unread, Message, ["read_at", "read_by"], default_user=user,
                                 default_change_reason=record_text(gettext_lazy("Lest")))
    return len(unread)


@transaction.atomic
def withdraw(user: User, message: Message, *, at: datetime.datetime | None = None) -> Message:
    """The writer takes the message back before it is read. The words stay in the history; the thread shows
    «Meldingen ble trukket tilbake». An alert not sent yet is cancelled when nothing else from the writer is unread.

    The caller has found ``message`` through the gate (``for_user``); someone else's message is refused here too."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.author_id is None or message.author_id != user.pk:
        raise ServiceError(str(MESSAGES["not_writer"]))
    if message.withdrawn_at is not None:
        raise ServiceError(str(MESSAGES["already_withdrawn"]))
    if message.read_at is not None:
        raise ServiceError(str(MESSAGES["already_read"]))
    message.withdrawn_at = at or timezone.now()
    save_with_history(message, user, gettext_lazy("Trukket tilbake av den som skrev"))
    ensure_inside_gate(user, message, access.VIEW)
    _cancel_alerts(message)
    return message


# --- notifications -------------------------------------------------------------------------------------------------


def _link(path: str) -> str:
    return (getattr(settings, "SITE_URL", "") or "").rstrip("/") + path


def _has_other_unread(message: Message) -> bool:
    """Is something else from the same side in the thread still unread (so its alert already stands)?"""
    return (
        Message.objects.live()
        .filter(case_id=message.case_id, from_service_user=message.from_service_user, read_at__isnull=True)
        .exclude(pk=message.pk)
        .exists()
    )


def _key(message: Message, recipient: User | ServiceUser, channel: str) -> str:
    kind = "su" if isinstance(recipient, ServiceUser) else "u"
    return f"reach:message:{message.pk}:{kind}{recipient.pk}:{channel}"


def staff_to_alert(case: FollowUp) -> list[User]:
    """Who is told of a message from the user: the contact now (the trust person; the deputy while the trust person
    is away), or, when both are away (the duty phone's turn), the leaders in the case's municipality."""
    contact = contact_now(case)
    if contact.person is not None:
        return [contact.person]
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(role=Membership.Role.LEADER,
                                             organisation__municipality_id=case.municipality_id).values("user_id"),
        ).order_by("pk")
    )


def _alert_staff(case: FollowUp, message: Message) -> None:
    if _has_other_unread(message):
        return
    person = case.service_user
    link = _link(reverse("reach_case_messages", args=[case.pk]))

    def app_words():
        return (_("Ny melding fra %(name)s") % {"name": person.full_name},
                # The link on a line of its own: the app shows it as «Les og svar» (wiring_messages), an SMS or an
                # e-mail as the address; either way the sentence before it reads the same.
                _("%(name)s har skrevet en melding.\n%(link)s") % {"name": person.full_name, "link": link})

    def sms_words():
        # No content and only the first name: an SMS may be read by others on a locked screen.
        text = _("Ny melding fra %(name)s i Koordinator.\n%(link)s") % {"name": person.first_name, "link": link}
        return _("Ny melding"), text

    notes = []
    for staff in staff_to_alert(case):
        notes.append(outbox.build(staff, words=app_words, about=message, channel=outbox.Channel.IN_APP,
                                  dedupe_key=_key(message, staff, outbox.Channel.IN_APP)))
        if staff.sms_alerts and staff.phone:
            notes.append(outbox.build(staff, words=sms_words, about=message, channel=outbox.Channel.SMS,
                                      dedupe_key=_key(message, staff, outbox.Channel.SMS)))
    outbox.notify_many(notes)


def _user_channel(person: ServiceUser) -> str:
    channel = outbox.choose_channel(person)
    if channel == outbox.Channel.LETTER and person.user_id:
        return outbox.Channel.IN_APP
    return channel


def _alert_user(case: FollowUp, message: Message) -> None:
    if _has_other_unread(message):
        return
    person = case.service_user
    writer = message.author.display_name if message.author_id else ""
    link = _link(reverse("reach_my_messages"))

    def words():
        return (_("Ny melding fra %(name)s") % {"name": writer},
                # The link alone on the last line: «Les meldingen på Min side» in the app, the address by SMS.
                _("Du har fått en melding fra %(name)s.\n%(link)s") % {"name": writer, "link": link})

    channel = _user_channel(person)
    outbox.notify_many([outbox.build(person, words=words, about=message, channel=channel,
                                     dedupe_key=_key(message, person, channel))])


def _cancel_alerts(message: Message) -> None:
    """A taken-back message's alerts that have not gone yet are cancelled, unless another unread message from the
    same side leans on them (it wrote no alert of its own)."""
    if _has_other_unread(message):
        return
    pending = Notification.objects.filter(
        about_type=ContentType.objects.get_for_model(Message), about_id=message.pk,
        state=Notification.State.PENDING, sent_at__isnull=True,
    ).select_for_update()
    for notification in pending:
        notification.state = Notification.State.CANCELLED
        save_with_history(notification, None, gettext_lazy("Meldingen ble trukket tilbake"))


# --- reads ---------------------------------------------------------------------------------------------------------


def is_writer(user: User, case: FollowUp) -> bool:
    """May ``user`` write in the case's thread now (the owner or the case's staff, and the case is open)?"""
    if case.status == FollowUp.Status.ENDED:
        return False
    return access.is_owner(user, case.service_user_id) or access.is_case_staff(user, case.pk)


def my_case(user: User) -> FollowUp | None:
    """The case whose thread Min side shows the user: their newest open case, else their newest (read-only)."""
    service_user_id = access.actor_for(user).service_user_id
    if service_user_id is None:
        return None
    # The owner's cases, newest first, as Min side has read them (once per request; the gate shows the owner all
    # their own).
    cases = owner_cases(user)
    return next((case for case in cases if case.status != FollowUp.Status.ENDED), cases[0] if cases else None)


def thread_page(user: User, case: FollowUp, page_number=None, *, per_page: int = THREAD_PAGE_SIZE) -> Page:
    """A page of the thread through the gate: page 1 holds the newest messages. ``page.object_list`` is in the
    order to show them, oldest at the top and newest at the bottom."""
    qs = (Message.objects.for_user(user).filter(case=case).select_related("author")
          .order_by("-sent_at", "-pk"))
    page = Paginator(qs, per_page).get_page(page_number)
    page.object_list = list(reversed(list(page.object_list)))
    return page


def newest(user: User, case: FollowUp, count: int = MY_PAGE_NEWEST) -> list[Message]:
    qs = Message.objects.for_user(user).filter(case=case).select_related("author").order_by("-sent_at", "-pk")
    return list(reversed(list(qs[:count])))


def unread_count(user: User, case: FollowUp) -> int:
    """Messages from the other side of the thread that nobody on ``user``'s side has marked read."""
    from_service_user = not access.is_owner(user, case.service_user_id)
    return (Message.objects.for_user(user).live()
            .filter(case=case, from_service_user=from_service_user, read_at__isnull=True).count())


@dataclass
class Shown:
    """A message as a reader sees it: who wrote it (in words) and whether the reader may take it back."""

    message: Message
    writer: str
    role: str
    mine: bool  # written by the reader
    ours: bool  # written by the reader's side of the thread (the user; the case's staff)
    withdrawn: bool
    can_withdraw: bool
    read: bool

    @property
    def pk(self) -> int:
        return self.message.pk


def shown(user: User, case: FollowUp, messages: list[Message]) -> list[Shown]:
    """``messages`` as ``user`` reads them. The staff's names are shown to the user with their role on the case
    («Per Hansen, stedfortreder»), so the user sees who answered while the trust person was away."""
    deputy = effective_deputy(case)
    others = {m.author_id for m in messages if not m.from_service_user and m.author_id is not None} - {
        case.trust_person_id, deputy.pk if deputy else None}
    # Of the other staff who wrote, the leaders in the case's municipality (one query, only when there are any).
    leaders = set(
        Membership.objects.filter(user_id__in=others, role=Membership.Role.LEADER,
                                  organisation__municipality_id=case.municipality_id)
        .values_list("user_id", flat=True)
    ) if others else set()
    out = []
    owner = access.is_owner(user, case.service_user_id)
    for message in messages:
        mine = message.author_id is not None and message.author_id == user.pk
        if message.from_service_user:
            writer = _("Du") if owner else case.service_user.full_name
            role = _("på SMS") if message.via == Message.Via.SMS else ""
        else:
            writer = _("Du") if mine else (message.author.display_name if message.author_id else "")
            role = _role(case, message.author_id, deputy, leaders)
        withdrawn = message.withdrawn_at is not None
        out.append(Shown(message=message, writer=writer, role=role, mine=mine,
                         ours=message.from_service_user == owner, withdrawn=withdrawn,
                         can_withdraw=mine and not withdrawn and message.read_at is None,
                         read=message.read_at is not None))
    return out


def _role(case: FollowUp, author_id: int | None, deputy: User | None, leaders: set[int]) -> str:
    """The writer's role on the case now; nothing for someone who no longer has one (a former trust person)."""
    if author_id is None:
        return ""
    if author_id == case.trust_person_id:
        return _("tillitsperson")
    if deputy is not None and author_id == deputy.pk:
        return _("stedfortreder")
    if author_id in leaders:
        return _("leder")
    return ""
