"""Every write to an individual plan goes through a function in this package (DESIGN.md rule 2).

One module per capability: ``plan`` (create, texts, consent, activate, decline, end, revise, restore),
``content`` (goals, steps, the owner's suggestions, measures), ``notes`` (progress notes and comments), and
``common`` (the fields, messages, the plan's conflict, locks and telling people). Callers use the package.

Each service takes the acting user explicitly, checks the gate (``koordinator.access``) and the finer rules,
saves with the history user and a change reason, writes the notifications a person should get to the outbox,
and does it in one transaction. Views, forms, the API and commands call these and never repeat the rules.

The plan is a living document with a version number:

* every change of the plan or its content (goals, steps, measures, consent, revision, restore) adds one to
  ``Plan.version``, so the plan's ETag changes;
* :func:`update_plan` must say which version it was based on; a stale one raises :class:`PlanConflict`,
  which carries the submitted values and the current ones, so nothing typed is lost. The other content
  services take an optional ``based_on_version`` with the same meaning.

Who may do what, on top of the gate:

* the case's staff (trust person, deputy, leader) do everything;
* the owner writes the plan's «my words» parts, comments on goals and steps, proposes steps (they go to the
  coordinator as suggestions) and marks their own steps (``who = the user``) done or not done;
* a partner adds progress notes to the steps and measures their organisation or they themselves are
  responsible for, while the owner's consent with the plan scope is in force. Nothing else.

Comments, progress notes and suggestions are not plan content: they do not change the version.
"""

from plans.services.common import (
    GOAL_FIELDS,
    MEASURE_FIELDS,
    MESSAGES,
    OWNER_PLAN_FIELDS,
    PLAN_FIELDS,
    STEP_FIELDS,
    PlanConflict,
    check_plan_version,
    revision_interval_weeks,
    step_horizon_weeks,
    tell_case_staff,
)
from plans.services.content import (
    accept_suggestion,
    add_goal,
    add_measure,
    add_step,
    archive_goal,
    archive_measure,
    archive_step,
    close_step,
    reject_suggestion,
    suggest_step,
    update_goal,
    update_measure,
    update_step,
)
from plans.services.notes import (
    add_comment,
    add_progress_note,
    is_responsible_partner,
    may_add_progress_note,
)
from plans.services.plan import (
    activate_plan,
    create_plan,
    decline_plan,
    end_plan,
    record_plan_consent,
    reoffer_plan,
    restore_plan_version,
    revise_plan,
    update_plan,
)

__all__ = [
    "GOAL_FIELDS",
    "MEASURE_FIELDS",
    "MESSAGES",
    "OWNER_PLAN_FIELDS",
    "PLAN_FIELDS",
    "PlanConflict",
    "STEP_FIELDS",
    "accept_suggestion",
    "activate_plan",
    "add_comment",
    "add_goal",
    "add_measure",
    "add_progress_note",
    "add_step",
    "archive_goal",
    "archive_measure",
    "archive_step",
    "check_plan_version",
    "close_step",
    "create_plan",
    "decline_plan",
    "end_plan",
    "is_responsible_partner",
    "may_add_progress_note",
    "record_plan_consent",
    "reject_suggestion",
    "reoffer_plan",
    "restore_plan_version",
    "revise_plan",
    "revision_interval_weeks",
    "step_horizon_weeks",
    "suggest_step",
    "tell_case_staff",
    "update_goal",
    "update_measure",
    "update_plan",
    "update_step",
]
