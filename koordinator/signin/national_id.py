"""The national identity number on the staff pages: registered and changed by staff, shown masked, read in full only
as an access event.

Who sees it: those who may change the person through the gate (``access.can_change``: the trust person and the
deputy of their case, a leader in their municipality; the owner for themselves). They see it masked
(«140388 *****»); the whole number is shown only in the answer to a POST («Vis hele fødselsnummeret»), and that read
is written to the owner's access log («Fødselsnummer»). Partners never see any of it. The number is never in a URL, a
log line, a notification, the follow-up log or an e-mail; the case timeline shows it masked
(``koordinator.selectors``), and the API does not have it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from koordinator import access, outbox
from koordinator.models import AccessEvent, ServiceUser, SignInIdentity, User
from koordinator.timeutil import no_date
from koordinator.toolkit import ServiceError, ensure_inside_gate, save_with_history
from koordinator.toolkit.national_id import INVALID, compact, masked, validate_national_id
from koordinator.toolkit.services import record_text

# What the owner's access log says when a staff member asked to see the whole number.
WHAT_REVEALED = _("Fødselsnummer")
# Never whose: the number is someone's, and that is all anyone may learn from this form.
TAKEN = _("Dette fødselsnummeret er allerede registrert. Kontakt systemansvarlig.")
DOES_NOT_MATCH_BIRTH_DATE = _("Fødselsnummeret passer ikke med fødselsdatoen. Sjekk begge.")
# Added to the history's reason when the account's ID-porten log-ins were unlinked with the change.
UNLINKED = _("innlogging med ID-porten koblet fra")
# To the owner when their number was changed or removed: by their own channel, never with the number.
CHANGED_SUBJECT = _("Fødselsnummeret ditt er endret")


def may_see(user: User, service_user: ServiceUser, *, changes: bool | None = None) -> bool:
    """Does the person page show ``user`` the masked number and the button to see all of it? ``changes``: the
    caller's answer to ``access.can_change(user, service_user)`` when it has one (saves the query)."""
    if changes is None:
        changes = access.can_change(user, service_user)
    return bool(changes)


def clean(value: str | None) -> str:
    """The number as eleven digits (``""`` for none), or a ``ValidationError`` in plain words."""
    number = compact(value or "")
    validate_national_id(number)
    return number


def is_taken(number: str, *, by_other_than: ServiceUser | None = None) -> bool:
    """Is ``number`` someone's already? Asked outside the gate on purpose (one number, one person, whoever they are
    followed up by); the answer is only ever «yes», never whose."""
    if not number:
        return False
    others = ServiceUser.objects.filter(national_id=number)
    if by_other_than is not None and by_other_than.pk is not None:
        others = others.exclude(pk=by_other_than.pk)
    return others.exists()


@sensitive_variables()  # no error report carries the number
def set_national_id(actor: User, service_user: ServiceUser, value: str | None) -> ServiceUser:
    """Register, change or (with ``""``) remove the person's number. Staff only: the owner does not change their
    own (it is how ID-porten finds them). The history says that it changed, never the number.

    A changed or removed number also unlinks the account's ID-porten log-ins (``SignInIdentity`` «citizen»): the
    identity that came with the old number no longer logs in to it, and whoever has the new number is linked at
    their first log-in with it. The owner is told through the outbox, by their own channel, without the number:
    were it a mistake, or someone else's doing, they know to ask."""
    with transaction.atomic():
        access.require_change(actor, service_user)
        if service_user.user_id is not None and service_user.user_id == actor.pk:
            raise PermissionDenied
        try:
            number = clean(value)
        except ValidationError as error:
            raise ServiceError(str(INVALID), "national_id") from error
        if number == service_user.national_id:
            return service_user
        if is_taken(number, by_other_than=service_user):
            raise ServiceError(str(TAKEN), "national_id")
        had_one = bool(service_user.national_id)
        reason = (
            _("Fødselsnummer fjernet")
            if not number
            else _("Fødselsnummer endret")
            if had_one
            else _("Fødselsnummer registrert")
        )
        service_user.national_id = number
        try:
            with transaction.atomic():
                if unlink_citizen(actor, service_user, reason):
                    reason = format_lazy("{}; {}", reason, UNLINKED)
                save_with_history(service_user, actor, reason)
        except IntegrityError as error:  # registered by someone else a moment ago
            service_user.refresh_from_db(fields=["national_id"])
            raise ServiceError(str(TAKEN), "national_id") from error
        if had_one:
            tell_the_owner(service_user)
        ensure_inside_gate(actor, service_user)
    return service_user


def unlink_citizen(actor: User, service_user: ServiceUser, reason) -> int:
    """Remove the person's account's ID-porten log-ins, each with a history of who and why; how many there were."""
    if service_user.user_id is None:
        return 0
    identities = list(
        SignInIdentity.objects.filter(user_id=service_user.user_id, provider=SignInIdentity.Provider.CITIZEN)
    )
    for identity in identities:
        identity._history_user = actor
        identity._change_reason = record_text(reason)
        identity.delete()
    return len(identities)


def tell_the_owner(service_user: ServiceUser) -> None:
    """«Fødselsnummeret ditt … ble endret <dato>»: to the owner, by their channel (``outbox.choose_channel``)."""
    day = timezone.localdate()
    outbox.notify(
        service_user,
        CHANGED_SUBJECT,
        lambda: gettext(
            "Fødselsnummeret ditt hos oppfølgingstjenesten ble endret %(date)s. Var det ikke riktig, ta kontakt med "
            "tillitspersonen din."
        )
        % {"date": no_date(day)},
        about=service_user,
    )


def reveal(actor: User, service_user: ServiceUser, channel: str = AccessEvent.Channel.WEB) -> str:
    """The whole number, for one answer to ``actor``, written to the owner's access log as a read («Fødselsnummer»).
    A 403 for someone who sees the person but may not change them (a partner); nothing is logged then."""
    access.require_change(actor, service_user)
    if service_user.national_id:
        access.record_access(actor, [service_user], WHAT_REVEALED, channel)
    return service_user.national_id


def readable(number: str) -> str:
    """The whole number as it is read aloud: «140388 41385»."""
    number = compact(number)
    return f"{number[:6]} {number[6:]}" if len(number) == 11 else number


__all__ = [
    "DOES_NOT_MATCH_BIRTH_DATE",
    "TAKEN",
    "WHAT_REVEALED",
    "clean",
    "is_taken",
    "masked",
    "may_see",
    "readable",
    "reveal",
    "set_national_id",
]
