"""Demo data for individual plans (issue 4): about two thirds of the open demo cases have a plan.

Registered with ``koordinator.demo.register_demo_section`` (imported from ``PlansConfig.ready``), so it runs at the
end of ``DemoBuilder.build``, in the same transaction: ``manage.py seed_demo``, ``make run`` and the browser tests.

What it makes
-------------
* ``bruker1`` (Kari Nordmann, ``tillit1``): a plan in use for five months. Goals in five life areas in her own
  words; steps done month by month (so «Min fremgang» draws several months), one not done, one due in two days,
  one a few days overdue, and a step she proposed yesterday waiting for ``tillit1``'s answer. Measures:
  arbeidsforberedende trening from NAV Lerkendal with ``nav1`` responsible (applied, no decision yet, so it is
  flagged) and his progress note on it (her consent to NAV Lerkendal has the plan scope); a council flat refused
  and appealed; social assistance granted; debt counselling. She gave her consent to the plan in the portal
  before ``tillit1`` took it into use, and the plan was revised on time two months ago. This week she marked a
  step done and commented on a goal, and ``nav1`` wrote his note: ``tillit1`` has all three under the bell.
* ``bruker3`` (intake): a draft waiting for her consent. ``bruker4`` (dormant): declined, «Vil ikke ha plan nå,
  vil tenke på det.» ``bruker2`` has no plan on purpose: the browser test makes one with him.
* Other open cases in Trondheim and Malvik, chosen with ``plan_rng("plans")``: mostly plans in use, some drafts,
  some declined (date and the reason in the user's words), a few ended because the user wanted a break (dormant
  cases), and some that have slid: revised once, then the next revision date passed. Steps done, not done and
  overdue; measures in every decision state (some applied or needing a decision with none: flagged); progress
  notes by the trust person and, where the owner's consent with the plan scope lets them, by ``nav1``, ``dps1``
  or ``lege1``. Ended cases get no plan: the services refuse a plan for an ended case.

How
---
Everything is written through ``plans.services`` by the case's trust person (the owner for her own consent,
comment, suggestion and step; the partner for their notes), so the gate, the version numbers, the history users
and reasons are those of real use. Each plan is played as a timeline of events, in time order, months back.
What the services can only do as of today is moved back in three places, and nowhere else:

1. *When*, in the history. While an event plays, a ``pre_create_historical_record`` receiver (simple-history's
   own hook, connected only while this section runs and only in its thread) dates the history rows the event
   writes to the event's moment, so the plan's timeline reads as months of use. At the end of the section
   ``created_at`` (auto_now_add) and ``Plan.updated_at`` (auto_now) are set from those history dates, on the
   rows and on their history rows (:meth:`Section.settle`).
2. *Dates the services refuse in the past, or set to today*: a step's due date before today (done and overdue
   steps), a step's ``closed_on`` (``close_step`` sets today) and a revision date already passed (plans that
   have slid). The service is given today (or tomorrow), and right after the call the date is corrected on the
   row and on the history row that call wrote (:func:`correct`). Nothing has read those rows in between.
3. *Messages*. Notifications the services wrote about events back then would have been delivered back then.
   In-app ones from the last week (the owner's step and comment, a partner's note: news for the trust person)
   are kept and dated to their event; the rest (SMS, e-mail and letters about a plan made months ago) are removed
   in the same transaction, so the outbox holds only today's news.

time-machine is a test dependency only, so it is not used here.

Running it again adds nothing. A case's plan is found by its case. In a plan that was there already, goals are
found by their text and measures by their service, and only missing ones are added (with their steps, decisions
and notes), and only while the plan is a draft or in use. What exists is left as it is: a found plan is not
taken into use, declined, revised or ended again, and a step is closed, a measure decided or noted on, only in
the run that made it. Who gets which kind of plan is drawn from ``plan_rng`` the same way on every run (the users
without a log-in in one shuffled order; each plan's content from its case's own generator, keyed by municipality
and name); dates are relative to ``builder.today``.

One module per part: ``shapes`` (what a plan is made of, as a script), ``words``, ``clock`` (dating things
back, and the messages), ``section``, ``owners`` (the owners' plans, by hand), ``generated`` (the generated
plans, and which cases get one) and ``play`` (playing a plan, and the section registered with the builder).
"""

from __future__ import annotations

from demo.plans.clock import (
    KEEP_MESSAGES_DAYS,
    Clock,
    correct,
    settle_messages,
)
from demo.plans.generated import (
    SHARE_WITH_PLAN,
    scripts,
)
from demo.plans.owners import (
    OWNER_SCRIPTS,
)
from demo.plans.play import (
    log_on_steps,
    plans_demo,
)
from demo.plans.section import (
    PARTNER_LOGINS,
    partner_services,
)
from demo.plans.shapes import (
    PLAN_MODELS,
    Area,
    Decision,
    GoalScript,
    Kind,
    MeasureScript,
    PlanScript,
    RevisionScript,
    StepScript,
    StepStatus,
    Who,
)
from demo.plans.words import (
    DECLINED,
    ENDED,
    GOALS,
    HOW_DONE,
    HOW_NOT_DONE,
    MEASURES,
    NEEDS,
    ORG,
    OWN_WORDS,
    PARTNER_MEASURES,
    PARTNER_NOTES,
    RESOURCES,
    STAFF_NOTES,
    TP,
    TRONDHEIM_ONLY,
    U,
)

__all__ = [
    "Area",
    "Clock",
    "DECLINED",
    "Decision",
    "ENDED",
    "GOALS",
    "GoalScript",
    "HOW_DONE",
    "HOW_NOT_DONE",
    "KEEP_MESSAGES_DAYS",
    "Kind",
    "MEASURES",
    "MeasureScript",
    "NEEDS",
    "ORG",
    "OWNER_SCRIPTS",
    "OWN_WORDS",
    "PARTNER_LOGINS",
    "PARTNER_MEASURES",
    "PARTNER_NOTES",
    "PLAN_MODELS",
    "PlanScript",
    "RESOURCES",
    "RevisionScript",
    "SHARE_WITH_PLAN",
    "STAFF_NOTES",
    "StepScript",
    "StepStatus",
    "TP",
    "TRONDHEIM_ONLY",
    "U",
    "Who",
    "correct",
    "log_on_steps",
    "partner_services",
    "plans_demo",
    "scripts",
    "settle_messages",
]
