"""Demo data for «Ring meg» (issue 16), called from ``DemoBuilder.build`` in ``demo/core.py`` after the other sections.

What it makes
-------------
* **bruker1** (Kari Nordmann, ``tillit1``) asked to be called today, a little before the seed ran («I dag», «Lurer på
  noe om husleia»): on top of tillit1's *Min arbeidsliste* with the three marks; Kari's Min side says «Sigrid Aune
  ringer deg i dag.»; the confirmation waits in the outbox by her channel and tillit1's alert is under the bell.
* **tillit3's user** (the first of tillit3's active users with a phone whose deputy is ``tillit4``) asked, while
  tillit3 is off sick: the request went to the deputy, so it is on top of tillit4's worklist.
* **About five months behind it**: thirty requests of tillit1–6's other users (with a phone) that were called back (by
  phone, now and then by SMS), most within an hour or two of working time, some later, and those not handled within four
  working hours went on to the deputy (``escalation_level`` 1) — so the leader's page «Ring meg» has figures per
  month and per trust person. Each call is in the case's log (a phone or SMS contact by whoever called), each request
  with its history as it happened (asked, sent on, marked).

Login users other than bruker1 ask for nothing (bruker4 presses «Ring meg» in the browser test), and tillit1's quiet
user gets no call (the demo keeps them quiet for 21 days). Dates are relative to the seed's moment and never after
it. A rerun adds nothing: a unit with any request keeps what it has. Random choices come from the section's own
generator, so the rest of the demo does not change.
"""

from __future__ import annotations

import datetime
from functools import partial
from typing import TYPE_CHECKING

from django.utils import timezone

from koordinator import continuity, outbox
from koordinator.models import FollowUp, FollowUpEntry, Notification, User
from koordinator.timeutil import at, day_bounds
from koordinator.toolkit import record_text
from koordinator.workdays import is_working_day
from reach import callbacks, escalation
from reach.models import CallbackRequest

if TYPE_CHECKING:  # pragma: no cover
    from demo.core import DemoBuilder

Role = CallbackRequest.Role
Outcome = CallbackRequest.Outcome

PAST_REQUESTS = 30
PAST_DAYS = 150
# Working hours from the request to the call back, and how often (most are called within two hours).
DELAYS = ((0.25, 0.75, 30), (0.75, 2.0, 40), (2.0, 4.0, 18), (4.5, 9.0, 12))
NOTES = ("", "", "", "Om time hos NAV", "Har mistet bankkortet", "Lurer på noe om brevet jeg fikk", "Haster ikke",
         "Om avtalen neste uke")


def add_callbacks(builder: DemoBuilder) -> None:
    if CallbackRequest.objects.filter(unit=builder.unit).exists():
        return
    now = timezone.now()
    start_of_today = day_bounds(timezone.localdate(now))[0]
    kari = _case_of("bruker1")
    if kari is not None:
        _asked_today(builder, kari, max(start_of_today, now - datetime.timedelta(minutes=25)), when="today",
                     note="Lurer på noe om husleia")
    sick = _tillit3_user(builder)
    if sick is not None:
        _asked_today(builder, sick, max(start_of_today, now - datetime.timedelta(minutes=50)), when="soon", note="")
    _past_requests(builder, now, exclude={case.pk for case in (kari, sick) if case is not None})


def _case_of(username: str) -> FollowUp | None:
    return (FollowUp.objects.open().select_related("service_user__user", "trust_person", "deputy", "unit")
            .filter(service_user__user__username=username).order_by("-started_on", "-pk").first())


def _tillit3_user(builder: DemoBuilder) -> FollowUp | None:
    """tillit3's first active user whose contact now is the deputy tillit4 (tillit3 is off sick today); else the first
    whose contact is any deputy."""
    tillit3 = builder.users["tillit3"]
    cases = [c for c in builder.generated if c.trust_person_id == tillit3.pk and c.status == FollowUp.Status.ACTIVE]
    covered = []
    for case in cases:
        case = FollowUp.objects.select_related("service_user__user", "trust_person", "deputy", "unit").get(pk=case.pk)
        if not case.service_user.phone:  # no phone, nobody to call: letters reach them
            continue
        contact = continuity.contact_now(case)
        if contact.role == "deputy":
            covered.append((contact.person.username != "tillit4", case))
    return min(covered, key=lambda pair: (pair[0], pair[1].pk))[1] if covered else None


def _save(obj, user: User | None, when: datetime.datetime, reason: str) -> None:
    obj._history_user = user
    obj._history_date = when
    obj._change_reason = reason
    obj.save()


def _asked_today(builder: DemoBuilder, case: FollowUp, moment: datetime.datetime, *, when: str, note: str) -> None:
    """An open request, as ``reach.callbacks.request_callback`` would have written it at ``moment``."""
    contact = continuity.contact_now(case)
    role = {"primary": Role.PRIMARY, "deputy": Role.DEPUTY}.get(contact.role, Role.DUTY)
    callback = CallbackRequest(
        case=case, service_user=case.service_user, unit=case.unit, when=when, note=note,
        via=CallbackRequest.Via.MY_PAGE if case.service_user.user_id else CallbackRequest.Via.SMS_LINK,
        requested_at=moment, assigned_to=contact.person if role != Role.DUTY else None, assigned_role=role,
        due_by=escalation.due_by_for(when, moment),
    )
    _save(callback, case.service_user.user, moment, "Bedt om å bli ringt")
    builder.summary.count(CallbackRequest)
    recipients = [callback.assigned_to] if callback.assigned_to else escalation.unit_leaders(case)
    drafts = callbacks.staff_alerts(callback, recipients, key=partial(callbacks.new_key, callback.pk))
    drafts.append(outbox.build(case.service_user, words=partial(callbacks.confirmation_words, callback),
                               about=callback, dedupe_key=callbacks.new_key(callback.pk, "user")))
    for draft in drafts:
        draft.due_at = moment
        _save(draft, builder.system, moment, "Demodata")
        builder.summary.count(Notification)


def _past_requests(builder: DemoBuilder, now: datetime.datetime, exclude: set[int]) -> None:
    rng = builder.plan_rng("callbacks")
    quiet = builder._generated_case("tillit1")
    cases = [
        case for case in FollowUp.objects.open()
        .filter(unit=builder.unit, service_user__user__isnull=True).exclude(service_user__phone="")
        .select_related("service_user", "trust_person", "deputy", "unit").order_by("pk")
        if case.pk not in exclude and case.pk != quiet.pk
    ]
    if not cases:
        return
    standing = continuity.standing_deputies({case.trust_person_id for case in cases})
    start, end = escalation.working_hours()
    today = timezone.localdate(now)
    for _ in range(PAST_REQUESTS):
        case = rng.choice(cases)
        day = today - datetime.timedelta(days=rng.randint(3, PAST_DAYS))
        while not is_working_day(day):
            day -= datetime.timedelta(days=1)
        evening = rng.random() < 0.15  # the link in an SMS, after hours
        asked = at(day, rng.randint(19, 21), rng.choice((5, 20, 40))) if evening else at(
            day, rng.randint(start.hour, max(start.hour, end.hour - 1)), rng.choice((0, 10, 25, 40, 55)))
        low, high, _weight = rng.choices(DELAYS, weights=[d[2] for d in DELAYS])[0]
        handled = escalation.add_working_hours(asked, rng.uniform(low, high))
        if handled > now or day < case.started_on:
            continue
        _past(builder, case, continuity.effective_deputy(case, standing), asked, handled, evening,
              note=rng.choice(NOTES), sms=rng.random() < 0.12)


def _past(builder: DemoBuilder, case: FollowUp, deputy: User | None, asked: datetime.datetime,
          handled: datetime.datetime, evening: bool, *, note: str, sms: bool) -> None:
    """One request called back at ``handled``, with its history: asked, sent on (when it was late), marked."""
    due = escalation.due_by_for(CallbackRequest.When.SOON, asked)
    callback = CallbackRequest(
        case=case, service_user=case.service_user, unit=case.unit, note=note,
        via=CallbackRequest.Via.SMS_LINK if evening else CallbackRequest.Via.MY_PAGE,
        requested_at=asked, assigned_to=case.trust_person, assigned_role=Role.PRIMARY, due_by=due,
    )
    _save(callback, None, asked, "Bedt om å bli ringt")
    caller = case.trust_person
    if handled > due and deputy is not None:
        callback.escalation_level = 1
        callback.escalated_at = due
        callback.assigned_to = caller = deputy
        callback.assigned_role = Role.DEPUTY
        callback.due_by = escalation.add_working_hours(due, escalation.escalate_after())
        _save(callback, None, due, "Sendt videre til stedfortrederen")
    outcome = Outcome.SMS_SENT if sms else Outcome.CALLED
    kind, minutes, words = callbacks.MARKS[outcome]
    entry = FollowUpEntry(follow_up=case, written_by=caller, kind=kind, started_at=handled,
                          duration_minutes=minutes, note=record_text(words))
    _save(entry, caller, handled, f"Loggført: {entry.get_kind_display()}")
    builder.summary.count(FollowUpEntry)
    callback.state = CallbackRequest.State.DONE
    callback.outcome = outcome
    callback.attempts = 1
    callback.handled_at = callback.done_at = handled
    callback.handled_by = caller
    callback.log_entry = entry
    _save(callback, caller, handled, "Sendt SMS" if sms else "Ringt")
    builder.summary.count(CallbackRequest)
