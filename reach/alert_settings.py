"""«Varsle meg også på SMS» (``User.sms_alerts``): a member of staff chooses to be told by SMS too when someone asks
to be called or writes to them (``reach.callbacks.staff_alerts``, ``reach.messages``). The SMS says only that there
is something, never who or what; the rest is in the app.

The choice is the person's own, on ``/konto/varsler/`` (linked from «Innlogging og sikkerhet»), and the
administrator's on the account in the admin site. It is saved with history (who, when, why). Switching it on needs a
phone number on the account; without one it is refused with a clear message and nothing changes. Service users have
their own channel choice on Min side; this page is not theirs (404).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy

from koordinator.models import Membership, User
from koordinator.phone import display_phone
from koordinator.toolkit import ServiceError, save_with_history

MESSAGES = {
    "no_phone": gettext_lazy("Vi har ikke telefonnummeret ditt, så vi kan ikke sende deg SMS. Be administratoren "
                             "legge inn mobilnummeret ditt på kontoen din, og slå det på her etterpå."),
    "choice": gettext_lazy("Velg om du vil ha SMS eller ikke."),
}


def is_staff(user: User) -> bool:
    """Someone with a role in an organisation (or Django staff): the people the alerts go to. One query."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or Membership.objects.filter(user_id=user.pk).exists())


def phone_text(user: User) -> str:
    return display_phone((user.phone or "").strip())


@transaction.atomic
def set_sms_alerts(user: User, on, *, by: User | None = None) -> User:
    """Switch ``user``'s SMS alerts on or off (``by``: who did it, the person themselves unless the administrator).
    Nothing is written when the choice is what it was."""
    if not isinstance(on, bool):
        raise ServiceError(str(MESSAGES["choice"]), "sms_alerts")
    account = User.objects.select_for_update().get(pk=user.pk)
    if on and not (account.phone or "").strip():
        raise ServiceError(str(MESSAGES["no_phone"]), "sms_alerts")
    if account.sms_alerts == on:
        return account
    account.sms_alerts = on
    reason = gettext_lazy("SMS-varsler slått på") if on else gettext_lazy("SMS-varsler slått av")
    save_with_history(account, by or user, reason, update_fields=["sms_alerts"])
    user.sms_alerts = on
    return account
