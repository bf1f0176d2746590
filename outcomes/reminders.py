"""The quality-of-life rounds' reminder for ``manage.py run_reminders`` (registered with ``koordinator.reminders``).

When a round is due (``outcomes.rounds.is_due``: none yet, or the last is ``QOL_ROUND_MONTHS`` months old) the
trust person is reminded in the app, **once per due round**: the dedupe key names the case and the date of the last
round (``start`` when there is none), so a rerun writes nothing, and the round after the next one gets a reminder
of its own. The candidates are read in one query, with the cases already reminded left out by the database
(``outbox.already_written``): the same few queries whatever the number of cases.
"""

from __future__ import annotations

import datetime
from functools import partial

from django.conf import settings
from django.db.models import CharField, OuterRef, Value
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import outbox
from koordinator.models import FollowUp
from koordinator.outbox.links import register_link_text
from koordinator.reminders import register_reminder
from koordinator.timeutil import no_date
from outcomes import rounds

KEY_PREFIX = "qol:"
NO_ROUND = "start"

# The link in the reminder reads «Ny runde» in the app.
register_link_text("qol_round_create", gettext_lazy("Ny runde"))


def round_reminder_key(case_id: int, last_round_on: datetime.date | None) -> str:
    """One reminder per due round: the case, and the round it is due after (``start``: the first)."""
    return f"{KEY_PREFIX}{case_id}:after:{last_round_on.isoformat() if last_round_on else NO_ROUND}"


@register_reminder("livskvalitet")
def round_reminders(now: datetime.datetime) -> int:
    """A round due: the trust person is reminded in the app, once per due round."""
    day = timezone.localdate(now)
    cases = (
        rounds.due_cases(day)
        # Dates read as ISO text on both databases, as the key is written.
        .annotate(after=Coalesce(Cast("last_round_on", CharField()), Value(NO_ROUND)))
        .exclude(outbox.already_written(FollowUp, KEY_PREFIX, OuterRef("pk"), ":after:", OuterRef("after")))
        .select_related("service_user", "trust_person")
        .order_by("pk")
    )
    drafts = [
        outbox.build(
            case.trust_person,
            words=partial(_words, case),
            about=case,
            channel=outbox.Channel.IN_APP,
            dedupe_key=round_reminder_key(case.pk, case.last_round_on),
        )
        for case in cases
    ]
    return len(outbox.notify_many(drafts))


def _words(case: FollowUp) -> tuple[str, str]:
    """Composed by the outbox in the recipient's language."""
    su = case.service_user
    if case.last_round_on is None:
        body = _(
            "%(name)s har ikke hatt en livskvalitetsrunde ennå. Ta den første sammen med %(first)s når det "
            "passer: du svarer på din del, %(first)s på sin."
        )
    else:
        body = _(
            "Det er %(months)s måneder siden forrige livskvalitetsrunde med %(name)s (%(date)s). Ta en ny "
            "sammen med %(first)s når det passer."
        )
    body = body % {
        "name": su.full_name,
        "first": su.first_name,
        "months": rounds.round_months(),
        "date": no_date(case.last_round_on) if case.last_round_on else "",
    }
    body += " " + getattr(settings, "SITE_URL", "").rstrip("/") + reverse("qol_round_create", args=[case.pk])
    return _("Livskvalitetsrunde med %(name)s") % {"name": su.full_name}, body
