"""The kinds of issue 16 (reach: the messages of a case, «Ring meg», SMS that arrive) and of «Last ned alt om meg»
(exchange's archives), registered by ``RetentionConfig.ready`` after the built-in ones (``retention.builtin``).

* **Messages** (``messages``): a case's thread goes with the follow-up log's period (``followup_log``: the thread is
  part of the follow-up's record, as the log is), deleted with its history. An SMS that arrived in the thread
  (``InboundSms`` matched to one of the messages) goes with its message, history included (its first history row,
  written before it was matched, too).
* **«Ring meg»** (``callbacks``): the same period. The requests stay as anonymised rows, because the leader's «Ring
  meg» figures (``reach.figures``) read them: when asked, when first handled, whether escalated, the state, the case's
  trust person and unit. The user's own words (``note``) are blanked and every history row goes. The mark in the
  follow-up log (a contact or a tried contact) is the log's entry, anonymised with the log.
* Notifications about a message or a request are blanked with the case's other notifications (the kind
  ``notifications``, the first of the case's kinds to go).
* **Archives** (``archives``): every «alt om meg» request of the person and the zip it holds (if not emptied yet), with
  their history and the notifications about them, go with the person's own record (the period ``LONGEST``: when
  nothing else about the person is kept).
* **SMS in the leader's inbox** (the sweep ``sms_inbox``): an SMS that could not be put in anyone's thread belongs to
  no case. It waits in the inbox until the leader marks it handled, and is deleted with its history
  ``RETENTION_SMS_INBOX`` (default 90 days) after that; one that no leader can see (no municipality could be told:
  held for the administrator, read-only in the admin site) goes the same time after it arrived. An SMS from the number of a person, or of a case's person, under a legal hold
  stays. The run records only how many went, in its counts.

Like the built-in kinds, nothing here touches a case whose door is open, a person with another open case, or anything
under a legal hold (``retention.engine``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from koordinator.timeutil import day_bounds
from retention.builtin import _about, _blank_notifications
from retention.kinds import (
    CASE,
    LONGEST,
    PERSON,
    Blank,
    Counts,
    Kind,
    Remove,
    Sweep,
    Target,
    raw_delete,
    register,
    register_subject,
    register_sweep,
)

SMS_INBOX_DEFAULT = "90d"


def _case(t: Target) -> dict:
    return {"case_id": t.follow_up_id}


def _message_steps():
    from reach.models import InboundSms, Message

    def sms(t: Target) -> Q:
        return Q(message__case_id=t.follow_up_id)

    def sms_history(t: Target) -> Q:
        # Every history row of those SMS, also the first one, written before the SMS was matched to its message.
        return Q(id__in=InboundSms.objects.filter(sms(t)).values("pk"))

    return [
        Remove(InboundSms, sms, history_where=sms_history),
        Remove(Message, _case),
    ]


def _callback_steps():
    from reach.models import CallbackRequest

    # The times, the state, the escalation, the case and the unit stay for the leader's figures; the words go.
    return [Blank(CallbackRequest, _case, values={"note": ""})]


def _archive_steps():
    from exchange.models import DataArchive

    def person(t: Target) -> dict:
        return {"service_user_id": t.service_user_id}

    return [
        *_blank_notifications(lambda t: _about(DataArchive, person(t))),
        Remove(DataArchive, person),
    ]


KINDS = (
    Kind("messages", _("Meldinger med brukeren og SMS-svar"), scope=CASE, period="followup_log", order=52,
         steps=_message_steps, short=_("meldinger")),
    Kind("callbacks", _("«Ring meg»: notatene og historikken (tidene blir stående i statistikken)"), scope=CASE,
         period="followup_log", order=54, steps=_callback_steps, short=_("«Ring meg»-notater")),
    Kind("archives", _("«Last ned alt om meg»: bestillinger og arkiver"), scope=PERSON, period=LONGEST, order=80,
         steps=_archive_steps, short=_("«Alt om meg»-arkiver")),
)


# --- the SMS in the leader's inbox: rows of no case ---------------------------------------------------------------


CHUNK = 500  # SMS per statement


def _held_numbers() -> set[str]:
    """The phone numbers (as an SMS arrives from them, E.164, and as stored) of the persons under a legal hold in
    force, or whose case is: a few, however large the inbox."""
    from koordinator.models import FollowUp, ServiceUser
    from koordinator.phone import normalise_phone
    from retention.models import LegalHold

    holds = LegalHold.objects.in_force()
    phones = (
        ServiceUser.objects.filter(Q(pk__in=holds.values("service_user_id"))
                                   | Q(pk__in=FollowUp.objects.filter(pk__in=holds.values("follow_up_id"))
                                       .values("service_user_id")))
        .exclude(phone="").values_list("phone", flat=True)
    )
    return {form for phone in phones for form in (phone, normalise_phone(phone)) if form}


def _inbox_due(first_kept: datetime.date):
    """The inbox's SMS that have passed their period: handled before ``first_kept``, or (seen by no leader) arrived
    before it. Never one from the number of a person under a legal hold."""
    from reach.models import InboundSms

    before = day_bounds(first_kept)[0]
    return (
        InboundSms.objects.filter(message__isnull=True)
        .exclude(state=InboundSms.State.MATCHED)
        .filter(Q(state=InboundSms.State.HANDLED, handled_at__lt=before)
                | Q(municipality__isnull=True, received_at__lt=before))
        .exclude(from_number__in=sorted(_held_numbers()))
    )


def _inbox_counts(first_kept: datetime.date, *, remove: bool) -> dict[int | None, Counts]:
    """Per municipality (None: of none), the due SMS and their history rows, counted or deleted (history first), a
    chunk of ids at a time."""
    from reach.models import InboundSms

    history = InboundSms.history.model._default_manager
    found: dict[int | None, Counts] = defaultdict(Counts)
    rows = _inbox_due(first_kept).order_by("pk").values_list("pk", "municipality_id")
    by_municipality: dict[int | None, list[int]] = defaultdict(list)
    for pk, municipality_id in rows.iterator(chunk_size=CHUNK):
        by_municipality[municipality_id].append(pk)
    for municipality_id, ids in by_municipality.items():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            if remove:
                found[municipality_id] += Counts(history=raw_delete(history.filter(id__in=chunk)))
                found[municipality_id] += Counts(rows=raw_delete(InboundSms.objects.filter(pk__in=chunk)))
            else:
                found[municipality_id] += Counts(len(chunk), history.filter(id__in=chunk).count())
    return dict(found)


SWEEPS = (
    Sweep("sms_inbox", _("SMS i lederens innboks, behandlet"), period="sms_inbox", default=SMS_INBOX_DEFAULT,
          count=lambda first_kept: _inbox_counts(first_kept, remove=False),
          apply=lambda first_kept: _inbox_counts(first_kept, remove=True)),
)


def register_all() -> None:
    from reach.models import CallbackRequest, Message

    for kind in KINDS:
        register(kind)
    for sweep in SWEEPS:
        register_sweep(sweep)
    register_subject(Message, "case_id")
    register_subject(CallbackRequest, "case_id")
