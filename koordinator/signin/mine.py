"""«Mine innlogginger»: the person's own log-ins of the last twelve months, as Helsenorge shows them.

Two pages with the same list: ``/min-side/innlogginger/`` next to «Hvem har sett opplysningene mine» on Min side
(service users; a 404 for anyone else, like Min side), and ``/konto/innlogginger/`` in the account menu for anyone
logged in (staff, partners, administrators, service users). Each lists only the rows of the user asking: there is
no way to ask for someone else's, so nobody sees another's list. One query for the rows, whatever their number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from koordinator import access
from koordinator.models import SignIn

SHOWN = 50  # the newest; older ones are left out (and the page says so)
PERIOD = datetime.timedelta(days=365)

# The assurance level (``acr``) in plain words, with an example of a way of logging in at it: the one place these
# words are kept (the local provider's page, deploy/oidc-provider/server.mjs, uses the same). ID-porten's earlier
# names (Level3, Level4) are the same levels.
SUBSTANTIAL = _("Betydelig (for eksempel MinID)")
HIGH = _("Høyt (for eksempel BankID)")
LEVELS = {
    "idporten-loa-substantial": SUBSTANTIAL,
    "Level3": SUBSTANTIAL,
    "idporten-loa-high": HIGH,
    "Level4": HIGH,
    "idporten-loa-low": _("Lavt"),
}
NO_LEVEL = "–"


def level_words(level: str) -> str:
    """``idporten-loa-substantial`` → «Betydelig (for eksempel MinID)»; empty → «–»; a level the service has no
    words for is shown as the provider sent it."""
    if not level:
        return NO_LEVEL
    return str(LEVELS.get(level, level))


@dataclass(frozen=True)
class Row:
    at: datetime.datetime
    how: str
    level: str


def own_sign_ins(user) -> tuple[list[Row], bool]:
    """The user's log-ins of the last twelve months, newest first (at most ``SHOWN``), and whether older ones in the
    period were left out. One query."""
    since = timezone.now() - PERIOD
    rows = list(
        SignIn.objects.filter(user_id=user.pk, at__gte=since)
        .order_by("-at", "-pk")
        .only("at", "method", "level")[: SHOWN + 1]
    )
    shown = [
        Row(at=row.at, how=row.get_method_display(), level=level_words(row.level)) for row in rows[:SHOWN]
    ]
    return shown, len(rows) > SHOWN


def _render(request, *, on_my_page: bool):
    rows, more = own_sign_ins(request.user)
    actor = access.actor_for(request.user)
    context = {
        "rows": rows,
        "more": more,
        "shown": SHOWN,
        "on_my_page": on_my_page,
        # A service user only (no role at work): call the service; anyone else: the system administrator.
        "is_service_user_only": actor.service_user_id is not None
        and not (actor.is_staff_worker or actor.is_partner or actor.is_admin),
        "has_password": request.user.has_usable_password(),
    }
    return render(request, "koordinator/signin/sign_ins.html", context)


@require_safe
@login_required
def my_sign_ins(request):
    """Min side's «Mine innlogginger»: for service users; for anyone else the page does not exist."""
    if access.actor_for(request.user).service_user_id is None:
        raise Http404
    return _render(request, on_my_page=True)


@require_safe
@login_required
def account_sign_ins(request):
    """The account menu's «Mine innlogginger»: anyone logged in, their own log-ins."""
    return _render(request, on_my_page=False)
