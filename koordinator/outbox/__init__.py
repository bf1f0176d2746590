"""The notification outbox: write notifications with :func:`notify`; ``send_notifications`` delivers them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, Model, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation

from koordinator.models import ServiceUser, User
from koordinator.models.notifications import Notification
from koordinator.toolkit.services import Words, compose

Channel = Notification.Channel

# When the preferred channel cannot reach the person, try these in order.
FALLBACK_ORDER = (Channel.SMS, Channel.EMAIL, Channel.IN_APP, Channel.LETTER)


def reachable_channels(recipient: User | ServiceUser) -> list[str]:
    if isinstance(recipient, ServiceUser):
        channels = []
        if recipient.phone:
            channels.append(Channel.SMS)
        if recipient.email:
            channels.append(Channel.EMAIL)
        if recipient.user_id:
            channels.append(Channel.IN_APP)
        if recipient.address:
            channels.append(Channel.LETTER)
        return channels
    channels = [Channel.IN_APP]
    if recipient.phone:
        channels.append(Channel.SMS)
    if recipient.email:
        channels.append(Channel.EMAIL)
    return channels


def choose_channel(recipient: User | ServiceUser, preferred: str | None = None) -> str:
    """The preferred channel if it reaches the person, otherwise the first that does in FALLBACK_ORDER.

    A service user who can be reached no other way gets a letter (the print queue shows it without an address
    so staff notice it).
    """
    reachable = reachable_channels(recipient)
    if preferred is None and isinstance(recipient, ServiceUser):
        preferred = recipient.preferred_channel
    if preferred in reachable:
        return preferred
    for channel in FALLBACK_ORDER:
        if channel in reachable:
            return channel
    return Channel.LETTER if isinstance(recipient, ServiceUser) else Channel.IN_APP


def address_for(recipient: User | ServiceUser, channel: str) -> str:
    if channel == Channel.SMS:
        return recipient.phone
    if channel == Channel.EMAIL:
        return recipient.email
    if channel == Channel.LETTER and isinstance(recipient, ServiceUser):
        lines = [recipient.full_name, recipient.address, f"{recipient.postal_code} {recipient.city}".strip()]
        return "\n".join(line for line in lines if line)
    return ""


def language_of(recipient: User | ServiceUser | None) -> str:
    """The language every message to ``recipient`` is written in: the one recorded for them, else
    ``settings.LANGUAGE_CODE`` (bokmål). Not the language of the staff member whose action causes the message.

    Nothing records a message language yet: a staff member's English (the footer's cookie) is a choice for their own
    screens, and a service user's ``language`` is free text for the staff to read («norsk», «arabisk, trenger
    tolk»), not guessed from. When a language is recorded for people, this is the one place to read it."""
    return settings.LANGUAGE_CODE


def words_for(recipient: User | ServiceUser | None, subject: Words, body: Words,
              words: Callable[[], tuple[str, str]] | None = None) -> tuple[str, str]:
    """Subject and body written out in the recipient's language (:func:`language_of`): the one place a message's
    words are composed. ``subject`` and ``body`` are lazy strings (``gettext_lazy``) or builders (functions that
    compose with ``gettext``), or ``words`` one builder for both; a plain ``str`` is taken as it is."""
    language = language_of(recipient)
    if words is not None:
        with translation.override(language):
            subject, body = words()
    return compose(subject, language), compose(body, language)


def build(
    recipient: User | ServiceUser,
    subject: Words = "",
    body: Words = "",
    *,
    words: Callable[[], tuple[str, str]] | None = None,
    about: Model | None = None,
    due_at: datetime.datetime | None = None,
    channel: str | None = None,
    dedupe_key: str | None = None,
) -> Notification:
    """An unsaved notification; write many at once with :func:`notify_many`.

    The words are composed here, in the recipient's language (:func:`words_for`): pass them lazy or as builders,
    never composed with ``gettext`` in the request of whoever causes the message."""
    channel = channel or choose_channel(recipient)
    subject, body = words_for(recipient, subject, body, words)
    if channel == Channel.SMS and isinstance(recipient, ServiceUser):
        body += sms_ending(recipient, about)
    return Notification(
        recipient_user=recipient if isinstance(recipient, User) else None,
        recipient_service_user=recipient if isinstance(recipient, ServiceUser) else None,
        channel=channel,
        address=address_for(recipient, channel),
        subject=subject[:200],
        body=body,
        about_type=ContentType.objects.get_for_model(about) if about is not None else None,
        about_id=about.pk if about is not None else None,
        due_at=due_at or timezone.now(),
        dedupe_key=dedupe_key,
    )


# --- how every SMS to a service user ends ---------------------------------------------------------------------
#
# An app may end every SMS to a service user with a line of its own (reach: the link to «Ring meg», issue 16), so
# a user who gets an SMS can always answer it with a tap. ``fn(service_user, about) -> str`` (``""`` for nothing:
# an SMS about the app's own object, say) is composed in the recipient's language, starts with its own separator,
# and must run no query (``notify_many`` builds hundreds at a time).
SmsEnding = Callable[[ServiceUser, Model | None], str]
SMS_ENDINGS: list[SmsEnding] = []


def register_sms_ending(fn: SmsEnding) -> SmsEnding:
    SMS_ENDINGS.append(fn)
    return fn


def sms_ending(recipient: ServiceUser, about: Model | None = None) -> str:
    """What the registered endings add to an SMS to ``recipient``, in their language."""
    return "".join(compose(partial(fn, recipient, about), language_of(recipient)) for fn in SMS_ENDINGS)


def written_keys(model: type[Model], ids, prefix: str) -> set[str]:
    """The dedupe keys starting with ``prefix`` already written about these objects of ``model``: one query on the
    (about_type, about_id) index. Reminder jobs use it to skip, before any other work, what they have already
    written, so a run with nothing due costs the same few queries whatever the size of the database."""
    ids = list(ids)
    if not ids:
        return set()
    return set(
        Notification.objects.filter(
            about_type=ContentType.objects.get_for_model(model), about_id__in=ids, dedupe_key__startswith=prefix
        ).values_list("dedupe_key", flat=True)
    )


def already_written(model: type[Model], *parts, prefix: bool = False) -> Exists:
    """For a reminder job's query on ``model``: is a notification with this dedupe key already written about the
    row? ``parts`` build the key from text and the row's fields (``OuterRef("pk")``, ``OuterRef("due_on")``: dates
    read as ISO text on both databases), the whole key or, with ``prefix``, its start. Used as
    ``.exclude(already_written(...))`` the database skips what is done, on the (about_type, about_id) index, so a
    run with nothing due reads none of the rows it would otherwise read and skip."""
    key = Concat(*(Cast(p, CharField()) if isinstance(p, OuterRef) else Value(p) for p in parts),
                 output_field=CharField())
    return Exists(Notification.objects.filter(
        about_type=ContentType.objects.get_for_model(model), about_id=OuterRef("pk"),
        **{"dedupe_key__startswith" if prefix else "dedupe_key": key},
    ))


def notify_many(notifications: list[Notification]) -> list[Notification]:
    """Write several notifications in a constant number of queries, skipping dedupe keys already written.

    Returns the ones written. Call it inside the transaction of the event that causes them.
    """
    from simple_history.utils import bulk_create_with_history

    keys = [n.dedupe_key for n in notifications if n.dedupe_key]
    existing = set(Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)) if keys else set()
    fresh, seen = [], set()
    for n in notifications:
        if n.dedupe_key:
            if n.dedupe_key in existing or n.dedupe_key in seen:
                continue
            seen.add(n.dedupe_key)
        fresh.append(n)
    if not fresh:
        return []
    with transaction.atomic():
        return bulk_create_with_history(fresh, Notification)


def notify(
    recipient: User | ServiceUser,
    subject: Words = "",
    body: Words = "",
    *,
    words: Callable[[], tuple[str, str]] | None = None,
    about: Model | None = None,
    due_at: datetime.datetime | None = None,
    channel: str | None = None,
    dedupe_key: str | None = None,
) -> Notification | None:
    """Write one notification to the outbox. Call it inside the transaction of the event that causes it.

    With a ``dedupe_key`` a second call for the same event writes nothing and returns ``None``. The words are
    composed in the recipient's language, as in :func:`build`.
    """
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    notification = build(recipient, subject, body, words=words, about=about, due_at=due_at, channel=channel,
                         dedupe_key=dedupe_key)
    try:
        # A savepoint, so a lost race on the dedupe key does not spoil the caller's transaction.
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        if dedupe_key:
            return None
        raise
    return notification


# --- attachments ----------------------------------------------------------------------------------------------
#
# An e-mail may carry attachments made from what the notification is ``about`` (a meeting's calendar invitation).
# They are built when the e-mail is delivered, by a function another app registers for its model, so the outbox
# stores no files and an e-mail delivered late carries the object as it stands then.

# (filename, content, mimetype)
Attachment = tuple[str, bytes | str, str]
AttachmentBuilder = Callable[[Notification, Model], list[Attachment]]
ATTACHMENT_BUILDERS: dict[str, AttachmentBuilder] = {}


def register_attachments(model: type[Model], builder: AttachmentBuilder) -> None:
    """E-mails about an instance of ``model`` get ``builder(notification, instance)`` as attachments."""
    ATTACHMENT_BUILDERS[model._meta.label_lower] = builder


def attachments_for(notification: Notification) -> list[Attachment]:
    """The attachments of an e-mail notification (none for other channels, or when nothing is registered)."""
    if notification.channel != Channel.EMAIL or notification.about_type_id is None:
        return []
    about_type = ContentType.objects.get_for_id(notification.about_type_id)
    builder = ATTACHMENT_BUILDERS.get(f"{about_type.app_label}.{about_type.model}")
    if builder is None:
        return []
    about = about_type.model_class()._default_manager.filter(pk=notification.about_id).first()
    if about is None:
        return []
    # Built when the e-mail goes out, in the words of the message it goes with: the recipient's language.
    recipient = notification.recipient_user or notification.recipient_service_user
    with translation.override(language_of(recipient)):
        return builder(notification, about)


# --- reading: the bell, the list, the print queue ------------------------------------------------------------


def inbox(user):
    """What a person sees under the bell: messages to them that are due, whatever channel they went by."""
    return (
        Notification.objects.for_recipient(user)
        .filter(due_at__lte=timezone.now())
        .exclude(state=Notification.State.CANCELLED)
        .order_by("-due_at", "-pk")
    )


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox(user).filter(read_at__isnull=True).count()


def mark_read(user, ids: list[int] | None = None) -> int:
    """Mark the user's own messages read (all of them when ``ids`` is None). Others' ids are ignored."""
    from simple_history.utils import bulk_update_with_history

    qs = inbox(user).filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    items = list(qs)
    now = timezone.now()
    for n in items:
        n.read_at = now
    if items:
        bulk_update_with_history(items, Notification, ["read_at"], default_user=user,
                                 default_change_reason="Lest")
    return len(items)


def print_queue(user):
    """Letters waiting to be printed, for service users the staff member may act for."""
    return (
        Notification.objects.filter(
            channel=Notification.Channel.LETTER,
            state=Notification.State.PENDING,
            due_at__lte=timezone.now(),
            recipient_service_user__in=ServiceUser.objects.for_user(user, "change"),
        )
        .select_related("recipient_service_user")
        .order_by("due_at", "pk")
    )


def mark_printed(user, ids: list[int]) -> int:
    """Letters handed to the post: sent, with the printing recorded as the delivery attempt."""
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from koordinator.models.notifications import DeliveryAttempt

    with transaction.atomic():
        items = list(print_queue(user).filter(pk__in=ids).select_for_update(of=("self",)))
        now = timezone.now()
        for n in items:
            n.state = Notification.State.SENT
            n.sent_at = now
            n.attempts += 1
        if items:
            bulk_update_with_history(items, Notification, ["state", "sent_at", "attempts"], default_user=user,
                                     default_change_reason="Skrevet ut og sendt i posten")
            bulk_create_with_history(
                [DeliveryAttempt(notification=n, worker=f"utskrift:{user.username}", backend="letter", success=True)
                 for n in items],
                DeliveryAttempt,
                default_user=user,
            )
    return len(items)
