"""The plan's content: goals by life area, steps (sub-goals) with who and when, the owner's suggested steps, and
measures with their decisions. Every change is a new version of the plan."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access
from koordinator.models import Organisation, User
from koordinator.timeutil import no_date
from koordinator.toolkit import (
    ServiceError,
    bump,
    check_fields,
    clean_date,
    clean_instance,
    clean_text,
    ensure_inside_gate,
    save_with_history,
    shorten,
)
from plans.models import (
    Goal,
    LifeArea,
    Measure,
    Plan,
    Step,
    default_due_on,
)
from plans.services.common import (
    GOAL_FIELDS,
    MEASURE_FIELDS,
    MESSAGES,
    STEP_FIELDS,
    check_plan_version,
    lock_plan,
    owner_name,
    require_editable,
    require_staff,
    step_horizon_weeks,
    tell_coordinator,
    tell_owner,
)

# --- goals -----------------------------------------------------------------------------------------------------


def _clean_goal(data: dict) -> dict:
    if data.get("life_area") not in LifeArea.values:
        raise ServiceError(_("Velg et livsområde."), "life_area")
    clean = {
        "life_area": data["life_area"],
        "text": clean_text(data.get("text"), "text", required=_("Skriv målet, gjerne med brukerens egne ord.")),
        "in_users_words": bool(data.get("in_users_words")),
    }
    if "order" in data:
        try:
            clean["order"] = max(0, int(data["order"]))
        except (TypeError, ValueError):
            raise ServiceError(_("Rekkefølgen må være et tall."), "order") from None
    return clean


def _goal_plan(actor: User, goal: Goal) -> tuple[Goal, Plan]:
    """Check the actor is staff on the goal's plan and lock the plan; the goal is read again after the lock."""
    access.require_change(actor, goal)
    require_staff(actor, goal.plan)
    plan = lock_plan(goal.plan)
    require_editable(plan)
    return Goal.objects.get(pk=goal.pk), plan


@transaction.atomic
def add_goal(actor: User, plan: Plan, *, life_area: str, text: str, in_users_words: bool = True,
             based_on_version=None) -> Goal:
    require_staff(actor, plan)
    plan = lock_plan(plan)
    require_editable(plan)
    check_plan_version(plan, based_on_version, {"life_area": life_area, "text": text}, {})
    data = _clean_goal({"life_area": life_area, "text": text, "in_users_words": in_users_words})
    order = (plan.goals.aggregate(m=Max("order"))["m"] or 0) + 1
    goal = save_with_history(Goal(plan=plan, order=order, created_by=actor, **data), actor, gettext_lazy("Mål lagt til"))
    bump(plan, actor, lambda: _("Mål lagt til: %(text)s") % {"text": shorten(goal.text)})
    ensure_inside_gate(actor, goal)
    return goal


@transaction.atomic
def update_goal(actor: User, goal: Goal, *, based_on_version=None, **changes) -> Goal:
    check_fields(changes, GOAL_FIELDS)
    goal, plan = _goal_plan(actor, goal)
    if goal.archived_at is not None:
        raise ServiceError(str(MESSAGES["archived_goal"]))
    check_plan_version(plan, based_on_version, changes, {name: getattr(goal, name) for name in changes})
    data = _clean_goal({**{name: getattr(goal, name) for name in GOAL_FIELDS}, **changes})
    changed = [name for name in changes if getattr(goal, name) != data[name]]
    if not changed:
        return goal
    for name in changed:
        setattr(goal, name, data[name])
    save_with_history(goal, actor, gettext_lazy("Mål endret"))
    bump(plan, actor, lambda: _("Mål endret: %(text)s") % {"text": shorten(goal.text)})
    return goal


@transaction.atomic
def archive_goal(actor: User, goal: Goal, *, based_on_version=None) -> Goal:
    """Nothing is deleted: the goal (and with it its steps) leaves the plan and stays in the history."""
    goal, plan = _goal_plan(actor, goal)
    if goal.archived_at is not None:
        raise ServiceError(str(MESSAGES["archived_goal"]))
    check_plan_version(plan, based_on_version, {}, {})
    goal.archived_at = timezone.now()
    save_with_history(goal, actor, gettext_lazy("Mål arkivert"))
    bump(plan, actor, lambda: _("Mål fjernet fra planen: %(text)s") % {"text": shorten(goal.text)})
    return goal


# --- steps ----------------------------------------------------------------------------------------------------


def _clean_step(data: dict, *, check_past: bool) -> tuple[dict, list[str]]:
    """Validate a step's fields; return them cleaned, with friendly warnings (never errors) about the date."""
    today = timezone.localdate()
    clean = {"what": clean_text(data.get("what"), "what", required=_("Skriv hva som skal gjøres."))}
    kind = data.get("who_kind")
    if kind not in Step.Who.values:
        raise ServiceError(_("Velg hvem som gjør det."), "who_kind")
    organisation = clean_instance(data.get("who_organisation"), Organisation, "who_organisation",
                             _("Velg en tjeneste fra listen."))
    person = clean_instance(data.get("who_person"), User, "who_person", _("Velg en person fra listen."))
    if kind == Step.Who.ORGANISATION:
        if organisation is None:
            raise ServiceError(_("Velg hvilken tjeneste som gjør det."), "who_organisation")
        person = None
    elif kind == Step.Who.PERSON:
        if person is None:
            raise ServiceError(_("Velg hvilken person som gjør det."), "who_person")
    else:
        organisation = person = None
    if organisation is not None and not organisation.is_active:
        raise ServiceError(_("Tjenesten er ikke lenger aktiv."), "who_organisation")
    if person is not None and not person.is_active:
        raise ServiceError(_("Personen har ikke lenger tilgang."), "who_person")
    clean.update(who_kind=kind, who_organisation=organisation, who_person=person)

    due_on = clean_date(data.get("due_on"), "due_on")
    if due_on is None:
        raise ServiceError(_("Velg en frist."), "due_on")
    if check_past and due_on < today:
        raise ServiceError(_("Fristen kan ikke være tilbake i tid."), "due_on")
    clean["due_on"] = due_on
    warnings = []
    weeks = step_horizon_weeks()
    if due_on > today + datetime.timedelta(weeks=weeks):
        warnings.append(
            _("Fristen er mer enn %(weeks)s uker fram. Små steg med korte frister er lettere å få til: kanskje "
              "delmålet kan deles i to eller tre mindre?") % {"weeks": weeks}
        )
    return clean, warnings


def _step_plan(actor: User, step: Step) -> tuple[Step, Plan]:
    """Lock the step's plan and read the step again after the lock (the gate check comes first)."""
    access.require_change(actor, step)
    plan = lock_plan(step.goal.plan)
    require_editable(plan)
    step = Step.objects.select_related("goal").get(pk=step.pk)
    return step, plan


def require_live_step(step: Step) -> None:
    if step.archived_at is not None or step.goal.archived_at is not None:
        raise ServiceError(str(MESSAGES["archived_step"]))
    if not step.accepted:
        raise ServiceError(_("Dette er et forslag som ikke er tatt med i planen ennå."))


@transaction.atomic
def add_step(
    actor: User,
    goal: Goal,
    *,
    what: str,
    who_kind: str = Step.Who.USER,
    who_organisation: Organisation | None = None,
    who_person: User | None = None,
    due_on=None,
    based_on_version=None,
) -> tuple[Step, list[str]]:
    """A step (*delmål*) under a goal. The due date is required and defaults to four weeks ahead.

    Returns the step and a list of friendly warnings (a date far ahead is allowed, with a suggestion to split).
    """
    goal, plan = _goal_plan(actor, goal)
    if goal.archived_at is not None:
        raise ServiceError(str(MESSAGES["archived_goal"]))
    submitted = {"what": what, "who_kind": who_kind, "due_on": due_on}
    check_plan_version(plan, based_on_version, submitted, {})
    data, warnings = _clean_step(
        {"what": what, "who_kind": who_kind, "who_organisation": who_organisation, "who_person": who_person,
         "due_on": due_on or default_due_on()},
        check_past=True,
    )
    step = save_with_history(Step(goal=goal, created_by=actor, **data), actor, gettext_lazy("Delmål lagt til"))
    bump(plan, actor, lambda: _("Delmål lagt til: %(what)s") % {"what": shorten(step.what)})
    ensure_inside_gate(actor, step)
    return step, warnings


@transaction.atomic
def update_step(actor: User, step: Step, *, based_on_version=None, status: str | None = None,
                **changes) -> tuple[Step, list[str]]:
    """Change a step. ``status`` may move it between planned and in progress, or reopen a closed step.

    Staff change everything; the owner may only set their own steps planned or in progress.
    Closing goes through :func:`close_step`.
    """
    check_fields(changes, STEP_FIELDS)
    step, plan = _step_plan(actor, step)
    staff = access.is_case_staff(actor, plan.follow_up_id)
    if not staff:
        if changes or step.who_kind != Step.Who.USER:
            raise PermissionDenied
    require_live_step(step)
    if status is not None and status not in Step.OPEN_STATUSES:
        raise ServiceError(_("Bruk «Avslutt delmålet» for å sette det som gjort, ikke gjort eller lagt bort."),
                           "status")
    submitted = {**changes, **({"status": status} if status else {})}
    check_plan_version(plan, based_on_version, submitted, {name: getattr(step, name) for name in submitted})
    current = {name: getattr(step, name) for name in STEP_FIELDS}
    data, warnings = _clean_step({**current, **changes}, check_past="due_on" in changes and
                                 clean_date(changes["due_on"], "due_on") != step.due_on)
    # Over every field: a new «who» may clear the organisation or person that went with the old one.
    changed = [name for name in STEP_FIELDS if current[name] != data[name]]
    if status is not None and status != step.status:
        reopened = step.status in Step.CLOSED_STATUSES
        step.status = status
        if reopened:
            step.closed_on = None
            step.closed_by = None
            step.how_it_went = ""
        changed.append("status")
    if not changed:
        return step, warnings
    for name in changed:
        if name != "status":
            setattr(step, name, data[name])
    save_with_history(step, actor, gettext_lazy("Delmål endret"))
    bump(plan, actor, lambda: _("Delmål endret: %(what)s") % {"what": shorten(step.what)})
    return step, warnings


@transaction.atomic
def close_step(actor: User, step: Step, status: str, how_it_went: str = "") -> Step:
    """Close a step as done, not done or dropped, with *«hvordan gikk det?»*.

    The owner may close their own steps (``who = the user``) as done or not done; dropping a step is agreed
    with the coordinator. When the owner closes a step, the coordinator is told (small steps are celebrated).
    """
    step, plan = _step_plan(actor, step)
    staff = access.is_case_staff(actor, plan.follow_up_id)
    if not staff and step.who_kind != Step.Who.USER:
        raise PermissionDenied
    require_live_step(step)
    if status not in Step.CLOSED_STATUSES:
        raise ServiceError(_("Velg om delmålet ble gjort, ikke gjort eller lagt bort."), "status")
    if not staff and status == Step.Status.DROPPED:
        raise ServiceError(_("Snakk med kontaktpersonen din hvis du vil legge bort et delmål."), "status")
    if step.status in Step.CLOSED_STATUSES:
        raise ServiceError(_("Delmålet er allerede avsluttet."), "status")
    step.status = status
    step.how_it_went = clean_text(how_it_went, "how_it_went")
    step.closed_on = timezone.localdate()
    step.closed_by = actor
    save_with_history(step, actor, lambda: _("Delmål avsluttet: %(status)s") % {"status": step.get_status_display()})
    bump(plan, actor, lambda: _("Delmål %(status)s: %(what)s") % {"status": step.get_status_display().lower(),
                                                                   "what": shorten(step.what)})
    if not staff:
        name = owner_name(plan)

        def words() -> tuple[str, str]:
            if status == Step.Status.DONE:
                subject = _("%(name)s har gjort et delmål") % {"name": name}
                body = _("%(name)s har markert «%(what)s» som gjort.") % {"name": name,
                                                                          "what": shorten(step.what, 120)}
            else:
                subject = _("%(name)s har oppdatert et delmål") % {"name": name}
                body = _("%(name)s har markert «%(what)s» som ikke gjort.") % {"name": name,
                                                                               "what": shorten(step.what, 120)}
            if step.how_it_went:
                body += " " + _("Hvordan gikk det: %(text)s") % {"text": step.how_it_went}
            return subject, body

        tell_coordinator(plan, words=words)
    return step


@transaction.atomic
def archive_step(actor: User, step: Step, *, based_on_version=None) -> Step:
    step, plan = _step_plan(actor, step)
    if not access.is_case_staff(actor, plan.follow_up_id):
        raise PermissionDenied
    if step.archived_at is not None:
        raise ServiceError(str(MESSAGES["archived_step"]))
    check_plan_version(plan, based_on_version, {}, {})
    step.archived_at = timezone.now()
    save_with_history(step, actor, gettext_lazy("Delmål arkivert"))
    if step.accepted:
        bump(plan, actor, lambda: _("Delmål fjernet fra planen: %(what)s") % {"what": shorten(step.what)})
    return step


# --- the owner's suggestions -------------------------------------------------------------------------------------


@transaction.atomic
def suggest_step(actor: User, goal: Goal, *, what: str, due_on=None) -> tuple[Step, list[str]]:
    """The owner proposes a step. It goes to the coordinator as a suggestion, not into the plan, until accepted."""
    access.require_change(actor, goal)
    plan = lock_plan(goal.plan)
    if not access.is_owner(actor, plan.follow_up.service_user_id):
        raise PermissionDenied
    require_editable(plan)
    goal = Goal.objects.get(pk=goal.pk)
    if goal.archived_at is not None:
        raise ServiceError(str(MESSAGES["archived_goal"]))
    data, warnings = _clean_step(
        {"what": what, "who_kind": Step.Who.USER, "due_on": due_on or default_due_on()}, check_past=True
    )
    step = save_with_history(
        Step(goal=goal, suggested_by_user=True, accepted=False, created_by=actor, **data),
        actor,
        gettext_lazy("Forslag til delmål fra brukeren"),
    )
    name = owner_name(plan)
    tell_coordinator(
        plan,
        lambda: _("Forslag til nytt delmål fra %(name)s") % {"name": name},
        lambda: _("%(name)s foreslår et nytt delmål under «%(goal)s»: «%(what)s». Ta det med i planen, eller svar på "
          "forslaget.") % {"name": name, "goal": shorten(goal.text), "what": shorten(step.what, 200)},
    )
    ensure_inside_gate(actor, step, access.VIEW)
    return step, warnings


def _suggestion_plan(actor: User, step: Step) -> tuple[Step, Plan]:
    access.require_change(actor, step)
    require_staff(actor, step.goal.plan)
    plan = lock_plan(step.goal.plan)
    require_editable(plan)
    step = Step.objects.select_related("goal").get(pk=step.pk)
    if not step.is_suggestion or step.rejected_at is not None or step.archived_at is not None:
        raise ServiceError(_("Forslaget er allerede besvart."))
    return step, plan


@transaction.atomic
def accept_suggestion(actor: User, step: Step, *, based_on_version=None, **edits) -> tuple[Step, list[str]]:
    """Take the owner's suggestion into the plan, possibly with a changed text, responsible or due date."""
    check_fields(edits, STEP_FIELDS)
    step, plan = _suggestion_plan(actor, step)
    check_plan_version(plan, based_on_version, edits, {name: getattr(step, name) for name in edits})
    if step.goal.archived_at is not None:
        raise ServiceError(str(MESSAGES["archived_goal"]))
    data, warnings = _clean_step({**{name: getattr(step, name) for name in STEP_FIELDS}, **edits}, check_past=True)
    for name, value in data.items():
        setattr(step, name, value)
    step.accepted = True
    save_with_history(step, actor, gettext_lazy("Forslaget er tatt med i planen"))
    bump(plan, actor, lambda: _("Brukerens forslag tatt med: %(what)s") % {"what": shorten(step.what)})
    su = plan.follow_up.service_user
    tell_owner(
        plan,
        gettext_lazy("Forslaget ditt er med i planen"),
        lambda: _("Hei %(name)s. Forslaget ditt «%(what)s» er nå et delmål i planen din. Frist: %(due)s.")
        % {"name": su.first_name, "what": shorten(step.what, 120), "due": no_date(step.due_on)},
    )
    return step, warnings


@transaction.atomic
def reject_suggestion(actor: User, step: Step, reply: str = "") -> Step:
    """Answer the owner's suggestion without taking it into the plan; the owner is told, kindly, with the reply."""
    step, plan = _suggestion_plan(actor, step)
    step.rejected_at = timezone.now()
    step.archived_at = step.rejected_at
    step.suggestion_reply = clean_text(reply, "reply")
    save_with_history(step, actor, gettext_lazy("Forslaget er ikke tatt med i planen"))
    su = plan.follow_up.service_user

    def body() -> str:
        text = _("Hei %(name)s. Takk for forslaget «%(what)s». Det er ikke tatt med i planen nå.") % {
            "name": su.first_name, "what": shorten(step.what, 120)
        }
        if step.suggestion_reply:
            text += " " + step.suggestion_reply
        return text + " " + _("Snakk gjerne med %(worker)s om det.") % {
            "worker": plan.follow_up.trust_person.display_name}

    tell_owner(plan, gettext_lazy("Svar på forslaget ditt"), body)
    return step


# --- measures (tiltak) ------------------------------------------------------------------------------------------


def _clean_measure(data: dict) -> dict:
    today = timezone.localdate()
    clean = {
        "service": clean_text(data.get("service"), "service", required=_("Skriv hvilken tjeneste eller hvilket tiltak."),
                         max_length=200),
        "extent": clean_text(data.get("extent"), "extent", max_length=200),
        "decided_by": clean_text(data.get("decided_by"), "decided_by", max_length=200),
    }
    organisation = clean_instance(data.get("responsible_organisation"), Organisation, "responsible_organisation",
                             _("Velg en tjeneste fra listen."))
    if organisation is None:
        raise ServiceError(_("Velg hvilken tjeneste som har ansvaret."), "responsible_organisation")
    clean["responsible_organisation"] = organisation
    clean["responsible_person"] = clean_instance(data.get("responsible_person"), User, "responsible_person",
                                            _("Velg en person fra listen."))
    for name in ("period_from", "period_until", "applied_on", "decided_on", "appealed_on"):
        clean[name] = clean_date(data.get(name), name)
    if clean["period_from"] and clean["period_until"] and clean["period_until"] < clean["period_from"]:
        raise ServiceError(_("«Til» kan ikke være før «fra»."), "period_until")

    status = data.get("decision_status") or Measure.Decision.NOT_NEEDED
    if status not in Measure.Decision.values:
        raise ServiceError(_("Velg status for vedtaket."), "decision_status")
    clean["decision_status"] = status
    # Any decision process means a decision is needed; «not applied» with the flag set is flagged to staff.
    clean["needs_decision"] = bool(data.get("needs_decision")) or status != Measure.Decision.NOT_NEEDED
    if status == Measure.Decision.NOT_NEEDED:
        clean["applied_on"] = clean["decided_on"] = clean["appealed_on"] = None
    if status == Measure.Decision.APPLIED:
        if clean["applied_on"] is None:
            raise ServiceError(_("Skriv når det ble søkt."), "applied_on")
        clean["decided_on"] = clean["appealed_on"] = None
    if status in Measure.DECIDED and clean["decided_on"] is None:
        raise ServiceError(_("Skriv når vedtaket ble fattet."), "decided_on")
    if status == Measure.Decision.APPEALED and clean["appealed_on"] is None:
        raise ServiceError(_("Skriv når det ble klaget."), "appealed_on")
    if status in (Measure.Decision.GRANTED, Measure.Decision.REFUSED):
        clean["appealed_on"] = None
    for name in ("applied_on", "decided_on", "appealed_on"):
        if clean[name] and clean[name] > today:
            raise ServiceError(_("Datoen kan ikke være fram i tid."), name)
    if clean["applied_on"] and clean["decided_on"] and clean["decided_on"] < clean["applied_on"]:
        raise ServiceError(_("Vedtaket kan ikke være fattet før det ble søkt."), "decided_on")
    if clean["decided_on"] and clean["appealed_on"] and clean["appealed_on"] < clean["decided_on"]:
        raise ServiceError(_("Klagen kan ikke være før vedtaket."), "appealed_on")
    return clean


def _measure_plan(actor: User, measure: Measure) -> tuple[Measure, Plan]:
    access.require_change(actor, measure)
    require_staff(actor, measure.plan)
    plan = lock_plan(measure.plan)
    require_editable(plan)
    measure = Measure.objects.get(pk=measure.pk)
    if measure.archived_at is not None:
        raise ServiceError(str(MESSAGES["archived_measure"]))
    return measure, plan


@transaction.atomic
def add_measure(actor: User, plan: Plan, *, based_on_version=None, **fields) -> Measure:
    """A measure (*tiltak*): the service, who is responsible, extent, period and the decision (*vedtak*)."""
    check_fields(fields, MEASURE_FIELDS)
    require_staff(actor, plan)
    plan = lock_plan(plan)
    require_editable(plan)
    check_plan_version(plan, based_on_version, fields, {})
    data = _clean_measure(fields)
    measure = save_with_history(Measure(plan=plan, created_by=actor, **data), actor, gettext_lazy("Tiltak lagt til"))
    bump(plan, actor, lambda: _("Tiltak lagt til: %(service)s") % {"service": measure.service})
    ensure_inside_gate(actor, measure)
    return measure


@transaction.atomic
def update_measure(actor: User, measure: Measure, *, based_on_version=None, **changes) -> Measure:
    check_fields(changes, MEASURE_FIELDS)
    measure, plan = _measure_plan(actor, measure)
    check_plan_version(plan, based_on_version, changes, {name: getattr(measure, name) for name in changes})
    data = _clean_measure({**{name: getattr(measure, name) for name in MEASURE_FIELDS}, **changes})
    changed = [name for name in MEASURE_FIELDS if getattr(measure, name) != data[name]]
    if not changed:
        return measure
    for name in changed:
        setattr(measure, name, data[name])
    save_with_history(measure, actor, gettext_lazy("Tiltak endret"))
    bump(plan, actor, lambda: _("Tiltak endret: %(service)s") % {"service": measure.service})
    return measure


@transaction.atomic
def archive_measure(actor: User, measure: Measure, *, based_on_version=None) -> Measure:
    measure, plan = _measure_plan(actor, measure)
    check_plan_version(plan, based_on_version, {}, {})
    measure.archived_at = timezone.now()
    save_with_history(measure, actor, gettext_lazy("Tiltak arkivert"))
    bump(plan, actor, lambda: _("Tiltak fjernet fra planen: %(service)s") % {"service": measure.service})
    return measure
