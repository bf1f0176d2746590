"""Progress notes (partners on their own steps and measures) and comments (the owner and staff). Not plan content:
they do not change the plan's version."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access
from koordinator.models import Consent, User
from koordinator.toolkit import (
    ServiceError,
    clean_text,
    ensure_inside_gate,
    save_with_history,
    shorten,
)
from plans.models import (
    Comment,
    Goal,
    Measure,
    Plan,
    ProgressNote,
    Step,
)
from plans.services.common import (
    MESSAGES,
    lock_plan,
    owner_name,
    require_editable,
    tell_coordinator,
)
from plans.services.content import (
    require_live_step,
)

# --- progress notes and comments ---------------------------------------------------------------------------------


def is_responsible_partner(actor: User, target: Step | Measure) -> bool:
    """Is ``actor`` the partner (person or organisation) responsible for this step or measure?"""
    a = access.actor_for(actor)
    if not a.is_authenticated:
        return False
    if isinstance(target, Step):
        person_id, organisation_id = target.who_person_id, target.who_organisation_id
    else:
        person_id, organisation_id = target.responsible_person_id, target.responsible_organisation_id
    if person_id is not None and person_id == a.user_id:
        return True
    return organisation_id is not None and organisation_id in a.partner_organisation_ids


def may_add_progress_note(actor: User, target: Step | Measure, plan: Plan) -> bool:
    """Staff on the case, or the responsible partner while the owner's plan-scope consent is in force."""
    if access.is_case_staff(actor, plan.follow_up_id):
        return True
    a = access.actor_for(actor)
    if not a.is_partner or not is_responsible_partner(actor, target):
        return False
    return (
        access.valid_consents_to(a, Consent.Scope.PLAN)
        .filter(owner_id=plan.follow_up.service_user_id)
        .exists()
    )


@transaction.atomic
def add_progress_note(actor: User, *, text: str, step: Step | None = None, measure: Measure | None = None
                      ) -> ProgressNote:
    """A note on how a step or a measure is going, by staff or by the partner responsible for it."""
    if (step is None) == (measure is None):
        raise ServiceError(_("Velg ett delmål eller ett tiltak notatet gjelder."), "step")
    target = step if step is not None else measure
    if not type(target).objects.for_user(actor).filter(pk=target.pk).exists():
        raise PermissionDenied
    plan = lock_plan(step.goal.plan if step is not None else measure.plan)
    if not may_add_progress_note(actor, target, plan):
        raise PermissionDenied
    require_editable(plan)
    target = type(target).objects.get(pk=target.pk)
    if step is not None:
        step = target
        if step.archived_at is not None or not step.accepted:
            raise ServiceError(str(MESSAGES["archived_step"]), "step")
    elif target.archived_at is not None:
        raise ServiceError(str(MESSAGES["archived_measure"]), "measure")
    text = clean_text(text, "text", required=_("Skriv notatet."))
    note = save_with_history(
        ProgressNote(plan=plan, step=step, measure=target if measure is not None else None, author=actor, text=text),
        actor,
        gettext_lazy("Framdriftsnotat skrevet"),
    )
    if not access.is_case_staff(actor, plan.follow_up_id):
        about = step.what if step is not None else target.service
        tell_coordinator(
            plan,
            lambda: _("Nytt notat i planen til %(name)s") % {"name": owner_name(plan)},
            lambda: _("%(author)s har skrevet et notat om «%(about)s»: %(text)s")
            % {"author": actor.display_name, "about": shorten(about), "text": shorten(text, 300)},
        )
    ensure_inside_gate(actor, note, access.VIEW)
    return note


@transaction.atomic
def add_comment(actor: User, *, text: str, goal: Goal | None = None, step: Step | None = None) -> Comment:
    """A comment on a goal or a step, by the owner or by staff. The owner's comments reach the coordinator."""
    if (goal is None) == (step is None):
        raise ServiceError(_("Velg ett mål eller ett delmål kommentaren gjelder."), "goal")
    target = goal if goal is not None else step
    access.require_change(actor, target)
    plan = lock_plan(goal.plan if goal is not None else step.goal.plan)
    staff = access.is_case_staff(actor, plan.follow_up_id)
    owner = access.is_owner(actor, plan.follow_up.service_user_id)
    if not (staff or owner):
        raise PermissionDenied
    require_editable(plan)
    if goal is not None:
        goal = Goal.objects.get(pk=goal.pk)
        if goal.archived_at is not None:
            raise ServiceError(str(MESSAGES["archived_goal"]), "goal")
    else:
        step = Step.objects.select_related("goal").get(pk=step.pk)
        require_live_step(step)
    text = clean_text(text, "text", required=_("Skriv kommentaren."))
    comment = save_with_history(
        Comment(plan=plan, goal=goal, step=step, author=actor, by_owner=owner and not staff, text=text),
        actor,
        gettext_lazy("Kommentar skrevet"),
    )
    if comment.by_owner:
        about = goal.text if goal is not None else step.what
        tell_coordinator(
            plan,
            lambda: _("%(name)s har kommentert planen") % {"name": owner_name(plan)},
            lambda: _("%(name)s skrev om «%(about)s»: %(text)s")
            % {"name": owner_name(plan), "about": shorten(about), "text": shorten(text, 300)},
        )
    ensure_inside_gate(actor, comment, access.VIEW)
    return comment
