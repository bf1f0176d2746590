"""Every write to an individual plan goes through a function here (DESIGN.md rule 2).

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

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access, continuity, outbox
from koordinator.models import Consent, FollowUp, Organisation, User
from koordinator.timeutil import no_date
from koordinator.toolkit import (
    ServiceError,
    VersionConflict,
    bump,
    check_fields,
    check_version,
    clean_date,
    clean_instance,
    clean_text,
    clean_version,
    ensure_inside_gate,
    field_label,
    restore_fields,
    save_with_history,
    shorten,
)
from plans.models import (
    Comment,
    Goal,
    LifeArea,
    Measure,
    Plan,
    PlanRevision,
    ProgressNote,
    Step,
    default_due_on,
)

# Fields each service accepts.
PLAN_FIELDS = Plan.TEXT_FIELDS + ("period_from", "period_until", "next_revision_on")
# The parts of the plan the owner writes themselves, in their own words.
OWNER_PLAN_FIELDS = ("own_words", "resources", "needs")
GOAL_FIELDS = ("life_area", "text", "in_users_words", "order")
STEP_FIELDS = ("what", "who_kind", "who_organisation", "who_person", "due_on")
MEASURE_FIELDS = (
    "service",
    "responsible_organisation",
    "responsible_person",
    "extent",
    "period_from",
    "period_until",
    "needs_decision",
    "decision_status",
    "applied_on",
    "decided_on",
    "appealed_on",
    "decided_by",
)

# The messages used by several services, kept together.
MESSAGES = {
    "ended": gettext_lazy("Planen er avsluttet og kan ikke endres."),
    "declined": gettext_lazy("Brukeren har takket nei til planen. Tilby planen på nytt før den endres."),
    "bad_version": gettext_lazy("Oppgi hvilken versjon av planen endringen bygger på."),
    "archived_goal": gettext_lazy("Målet er arkivert."),
    "archived_step": gettext_lazy("Delmålet er arkivert."),
    "archived_measure": gettext_lazy("Tiltaket er arkivert."),
}


def step_horizon_weeks() -> int:
    """A step further out than this gets a friendly suggestion to split it (settings.PLAN_STEP_HORIZON_WEEKS)."""
    return int(getattr(settings, "PLAN_STEP_HORIZON_WEEKS", 12))


def revision_interval_weeks() -> int:
    """The next revision, when activating a plan without one chosen (settings.PLAN_REVISION_WEEKS)."""
    return int(getattr(settings, "PLAN_REVISION_WEEKS", 12))


# --- the conflict (the toolkit's living documents) ---------------------------------------------------------------------------------------------


class PlanConflict(VersionConflict):
    """A save based on an old version of the plan."""

    template = gettext_lazy(
        "Planen ble endret av %(who)s mens du skrev (du startet fra versjon %(base)s, nå er den versjon "
        "%(current)s). Det du skrev er tatt vare på: se over begge tekstene og lagre på nytt."
    )
    bad_version = MESSAGES["bad_version"]

    @property
    def plan(self) -> Plan:
        return self.document


def check_plan_version(document: Model, based_on_version, submitted: dict, current: dict) -> None:
    """:func:`koordinator.toolkit.check_version` for a plan or a crisis plan: a stale save is a :class:`PlanConflict`."""
    check_version(document, based_on_version, submitted, current, conflict=PlanConflict)


# --- small helpers ----------------------------------------------------------------------------------------------


def _lock(plan: Plan) -> Plan:
    """The plan row, locked for the rest of the transaction, with the case and the people it names."""
    return (
        Plan.objects.select_for_update(of=("self",))
        .select_related("follow_up__service_user", "follow_up__trust_person", "follow_up__unit")
        .get(pk=plan.pk)
    )


def _require_staff(actor: User, plan: Plan) -> None:
    access.require_change(actor, plan)
    if not access.is_case_staff(actor, plan.follow_up_id):
        raise PermissionDenied


def _require_editable(plan: Plan) -> None:
    if plan.status == Plan.Status.ENDED:
        raise ServiceError(str(MESSAGES["ended"]), "status")
    if plan.status == Plan.Status.DECLINED:
        raise ServiceError(str(MESSAGES["declined"]), "status")


def _date_str(day: datetime.date | None) -> str:
    return no_date(day) if day else "–"


# --- telling people ---------------------------------------------------------------------------------------------


def _tell_owner(plan: Plan, subject: str, body: str, *, channel: str | None = None) -> None:
    """A message to the plan's owner, by the channel they prefer."""
    outbox.notify(plan.follow_up.service_user, subject, body, about=plan, channel=channel)


def tell_case_staff(case: FollowUp, about: Model, subject: str, body: str) -> None:
    """An in-app message to the case's trust person, and to the deputy as well when the trust person is away
    today (used for plans and crisis plans)."""
    recipients = [case.trust_person]
    if continuity.absences_on([case.trust_person_id], timezone.localdate()):
        deputy = continuity.effective_deputy(case)
        if deputy is not None:
            recipients.append(deputy)
    for person in recipients:
        outbox.notify(person, subject, body, about=about, channel=outbox.Channel.IN_APP)


def _tell_coordinator(plan: Plan, subject: str, body: str) -> None:
    """An in-app message to the coordinator, and to the deputy as well when the coordinator is away today."""
    tell_case_staff(plan.follow_up, plan, subject, body)


def _owner_name(plan: Plan) -> str:
    return plan.follow_up.service_user.full_name


# --- the plan -----------------------------------------------------------------------------------------------------


def _clean_plan(data: dict) -> dict:
    clean = {name: clean_text(data.get(name), name) for name in Plan.TEXT_FIELDS if name in data}
    for name in ("period_from", "period_until", "next_revision_on"):
        if name in data:
            clean[name] = clean_date(data[name], name)
    start, end = clean.get("period_from"), clean.get("period_until")
    if start and end and end < start:
        raise ServiceError(_("«Gjelder til» kan ikke være før «gjelder fra»."), "period_until")
    return clean


@transaction.atomic
def create_plan(actor: User, follow_up: FollowUp, **fields) -> Plan:
    """A new plan for a case, as a draft. A case has one plan at a time (a new one after the old has ended)."""
    access.require_change(actor, follow_up)
    check_fields(fields, PLAN_FIELDS)
    case = FollowUp.objects.select_for_update(of=("self",)).select_related("service_user").get(pk=follow_up.pk)
    if case.status == FollowUp.Status.ENDED:
        raise ServiceError(_("Oppfølgingen er avsluttet. Åpne den igjen før du lager en plan."), "follow_up")
    if Plan.objects.filter(follow_up=case).open().exists():
        raise ServiceError(
            _("%(name)s har allerede en plan som ikke er avsluttet.") % {"name": case.service_user.full_name},
            "follow_up",
        )
    data = _clean_plan(fields)
    try:
        with transaction.atomic():
            plan = save_with_history(Plan(follow_up=case, created_by=actor, **data), actor, _("Planen er opprettet"))
    except IntegrityError:
        # Someone else created one at the same moment.
        raise ServiceError(
            _("%(name)s har allerede en plan som ikke er avsluttet.") % {"name": case.service_user.full_name},
            "follow_up",
        ) from None
    ensure_inside_gate(actor, plan)
    return plan


@transaction.atomic
def update_plan(actor: User, plan: Plan, based_on_version, **fields) -> Plan:
    """Change the plan's texts, period and revision date.

    ``based_on_version`` is the version the editor started from. If the plan has moved on since, nothing is
    saved and :class:`PlanConflict` carries both texts. The owner may change their own words, strengths and
    needs; staff everything.
    """
    access.require_change(actor, plan)
    plan = _lock(plan)
    staff = access.is_case_staff(actor, plan.follow_up_id)
    check_fields(fields, PLAN_FIELDS if staff else OWNER_PLAN_FIELDS, PLAN_FIELDS)
    _require_editable(plan)
    based_on = clean_version(based_on_version, message=PlanConflict.bad_version)
    check_plan_version(plan, based_on, fields, {name: getattr(plan, name) for name in fields})
    data = _clean_plan({**{name: getattr(plan, name) for name in PLAN_FIELDS}, **fields})
    changed = [name for name in fields if getattr(plan, name) != data[name]]
    if not changed:
        return plan
    for name in changed:
        setattr(plan, name, data[name])
    labels = ", ".join(field_label(Plan, name) for name in changed)
    bump(plan, actor, _("Planen er endret: %(fields)s") % {"fields": labels})
    if not staff:
        _tell_coordinator(
            plan,
            _("%(name)s har skrevet i planen sin") % {"name": _owner_name(plan)},
            _("%(name)s har endret dette i planen: %(fields)s.") % {"name": _owner_name(plan), "fields": labels},
        )
    ensure_inside_gate(actor, plan)
    return plan


def _record_consent(actor: User, plan: Plan, given_how: str, given_on) -> None:
    owner = access.is_owner(actor, plan.follow_up.service_user_id)
    if owner:
        given_how = Consent.GivenHow.PORTAL
    elif given_how not in (Consent.GivenHow.PAPER, Consent.GivenHow.ORAL):
        raise ServiceError(
            _("Velg hvordan brukeren samtykket til planen: signert på papir eller muntlig."), "consent_given_how"
        )
    given_on = clean_date(given_on, "consent_given_on") or timezone.localdate()
    if given_on > timezone.localdate():
        raise ServiceError(_("Samtykket kan ikke være gitt fram i tid."), "consent_given_on")
    plan.consent_given_on = given_on
    plan.consent_given_how = given_how
    plan.consent_recorded_by = actor


@transaction.atomic
def record_plan_consent(actor: User, plan: Plan, *, given_how: str = "", given_on=None,
                        based_on_version=None) -> Plan:
    """The owner's consent to the plan: given in the portal by the owner, or recorded by staff (paper, oral)."""
    access.require_change(actor, plan)
    plan = _lock(plan)
    _require_editable(plan)
    check_plan_version(plan, based_on_version, {"consent_given_how": given_how}, {"consent_given_how":
                                                                              plan.consent_given_how})
    _record_consent(actor, plan, given_how, given_on)
    bump(plan, actor, _("Samtykke til planen registrert (%(how)s)") % {"how": plan.get_consent_given_how_display()})
    return plan


@transaction.atomic
def activate_plan(
    actor: User,
    plan: Plan,
    *,
    consent_given_how: str = "",
    consent_given_on=None,
    period_from=None,
    period_until=None,
    next_revision_on=None,
    based_on_version=None,
) -> Plan:
    """Take a draft into use. It needs the owner's consent to the plan: recorded before, or given here.

    The period starts today unless chosen, and the next revision is set (default PLAN_REVISION_WEEKS ahead)
    so the plan does not slide.
    """
    _require_staff(actor, plan)
    plan = _lock(plan)
    check_plan_version(plan, based_on_version, {}, {})
    if plan.status != Plan.Status.DRAFT:
        raise ServiceError(_("Bare et utkast kan tas i bruk."), "status")
    if plan.follow_up.status == FollowUp.Status.ENDED:
        raise ServiceError(_("Oppfølgingen er avsluttet."), "status")
    if consent_given_how:
        _record_consent(actor, plan, consent_given_how, consent_given_on)
    if not plan.has_consent:
        raise ServiceError(
            _("Brukeren må samtykke til planen før den tas i bruk. Registrer hvordan samtykket ble gitt."),
            "consent_given_how",
        )
    today = timezone.localdate()
    data = _clean_plan({
        "period_from": period_from or plan.period_from or today,
        "period_until": period_until if period_until is not None else plan.period_until,
        "next_revision_on": next_revision_on or plan.next_revision_on
        or today + datetime.timedelta(weeks=revision_interval_weeks()),
    })
    if data["next_revision_on"] < today:
        raise ServiceError(_("Neste revisjon kan ikke være tilbake i tid."), "next_revision_on")
    for name, value in data.items():
        setattr(plan, name, value)
    plan.status = Plan.Status.ACTIVE
    bump(plan, actor, _("Planen er tatt i bruk"))
    su = plan.follow_up.service_user
    _tell_owner(
        plan,
        _("Planen din er klar"),
        _("Hei %(name)s. Planen din er tatt i bruk fra %(start)s. Du kan lese den når du vil, og si fra hvis noe "
          "bør endres. Dere går gjennom den sammen igjen %(revision)s.")
        % {"name": su.first_name, "start": _date_str(plan.period_from), "revision": _date_str(plan.next_revision_on)},
    )
    return plan


@transaction.atomic
def decline_plan(actor: User, plan: Plan, *, reason: str = "", declined_on=None) -> Plan:
    """The user said no to a plan. Declining is a state to record; the plan can be offered again."""
    _require_staff(actor, plan)
    plan = _lock(plan)
    if plan.status != Plan.Status.DRAFT:
        raise ServiceError(_("Bare en plan som ikke er tatt i bruk, kan registreres som takket nei."), "status")
    declined_on = clean_date(declined_on, "declined_on") or timezone.localdate()
    if declined_on > timezone.localdate():
        raise ServiceError(_("Datoen kan ikke være fram i tid."), "declined_on")
    plan.status = Plan.Status.DECLINED
    plan.declined_on = declined_on
    plan.declined_reason = clean_text(reason, "declined_reason")
    bump(plan, actor, _("Brukeren takket nei til planen"))
    return plan


@transaction.atomic
def reoffer_plan(actor: User, plan: Plan) -> Plan:
    """Offer a declined plan again: it goes back to being a draft. The earlier «no» stays in the history."""
    _require_staff(actor, plan)
    plan = _lock(plan)
    if plan.status != Plan.Status.DECLINED:
        raise ServiceError(_("Bare en plan brukeren har takket nei til, kan tilbys på nytt."), "status")
    if plan.follow_up.status == FollowUp.Status.ENDED:
        raise ServiceError(_("Oppfølgingen er avsluttet."), "status")
    plan.status = Plan.Status.DRAFT
    plan.declined_on = None
    plan.declined_reason = ""
    bump(plan, actor, _("Planen er tilbudt på nytt"))
    return plan


@transaction.atomic
def end_plan(actor: User, plan: Plan, *, note: str = "", ended_on=None) -> Plan:
    """End the plan. A user whose plan was in use is told, in plain words."""
    _require_staff(actor, plan)
    plan = _lock(plan)
    if plan.status == Plan.Status.ENDED:
        raise ServiceError(_("Planen er allerede avsluttet."), "status")
    ended_on = clean_date(ended_on, "ended_on") or timezone.localdate()
    if ended_on > timezone.localdate():
        raise ServiceError(_("Datoen kan ikke være fram i tid."), "ended_on")
    was_active = plan.status == Plan.Status.ACTIVE
    plan.status = Plan.Status.ENDED
    plan.ended_on = ended_on
    plan.end_note = clean_text(note, "note")
    bump(plan, actor, _("Planen er avsluttet"))
    if was_active:
        su = plan.follow_up.service_user
        body = _("Hei %(name)s. Planen din ble avsluttet %(date)s.") % {"name": su.first_name, "date": no_date(ended_on)}
        if plan.end_note:
            body += " " + plan.end_note
        body += " " + _("Du kan fortsatt lese den, og du kan ta kontakt med %(worker)s hvis du lurer på noe.") % {
            "worker": plan.follow_up.trust_person.display_name
        }
        _tell_owner(plan, _("Planen din er avsluttet"), body)
    return plan


@transaction.atomic
def revise_plan(
    actor: User,
    plan: Plan,
    *,
    what_changed: str,
    next_revision_on,
    participants: str = "",
    revised_on=None,
    meeting: Model | None = None,
    meeting_note: str = "",
    based_on_version=None,
) -> PlanRevision:
    """*«Revider planen»*: record when, who took part, what changed, and the next revision date."""
    from django.contrib.contenttypes.models import ContentType

    _require_staff(actor, plan)
    plan = _lock(plan)
    check_plan_version(plan, based_on_version, {"what_changed": what_changed}, {})
    if plan.status != Plan.Status.ACTIVE:
        raise ServiceError(_("Bare en plan som er i bruk, kan revideres."), "status")
    today = timezone.localdate()
    what_changed = clean_text(what_changed, "what_changed", required=_("Skriv kort hva som ble endret."))
    revised_on = clean_date(revised_on, "revised_on") or today
    if revised_on > today:
        raise ServiceError(_("Revisjonen kan ikke være fram i tid."), "revised_on")
    next_revision_on = clean_date(next_revision_on, "next_revision_on")
    if next_revision_on is None:
        raise ServiceError(_("Velg når planen skal revideres neste gang."), "next_revision_on")
    if next_revision_on <= today:
        raise ServiceError(_("Neste revisjon må være etter i dag."), "next_revision_on")
    plan.next_revision_on = next_revision_on
    bump(plan, actor, _("Planen er revidert"))
    revision = save_with_history(
        PlanRevision(
            plan=plan,
            revised_on=revised_on,
            participants=clean_text(participants, "participants"),
            what_changed=what_changed,
            next_revision_on=next_revision_on,
            plan_version=plan.version,
            meeting_type=ContentType.objects.get_for_model(meeting) if meeting is not None else None,
            meeting_id=meeting.pk if meeting is not None else None,
            meeting_note=clean_text(meeting_note, "meeting_note", max_length=200),
            created_by=actor,
        ),
        actor,
        _("Planen er revidert"),
    )
    su = plan.follow_up.service_user
    _tell_owner(
        plan,
        _("Planen din er gått gjennom"),
        _("Hei %(name)s. Planen din ble gått gjennom %(date)s. Neste gang dere ser på den sammen: %(next)s.")
        % {"name": su.first_name, "date": no_date(revised_on), "next": no_date(next_revision_on)},
    )
    return revision


@transaction.atomic
def restore_plan_version(actor: User, plan: Plan, history_id, *, based_on_version=None) -> Plan:
    """Bring back the plan's own texts, period and revision date from an earlier version.

    Staff only. The restore is itself a new version: nothing in between is lost from the history.
    Goals, steps and measures are not touched (they have their own history and archive).
    """
    _require_staff(actor, plan)
    plan = _lock(plan)
    _require_editable(plan)
    check_plan_version(plan, based_on_version, {}, {})
    return restore_fields(actor, plan, history_id, Plan.RESTORABLE_FIELDS)


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
    _require_staff(actor, goal.plan)
    plan = _lock(goal.plan)
    _require_editable(plan)
    return Goal.objects.get(pk=goal.pk), plan


@transaction.atomic
def add_goal(actor: User, plan: Plan, *, life_area: str, text: str, in_users_words: bool = True,
             based_on_version=None) -> Goal:
    _require_staff(actor, plan)
    plan = _lock(plan)
    _require_editable(plan)
    check_plan_version(plan, based_on_version, {"life_area": life_area, "text": text}, {})
    data = _clean_goal({"life_area": life_area, "text": text, "in_users_words": in_users_words})
    order = (plan.goals.aggregate(m=Max("order"))["m"] or 0) + 1
    goal = save_with_history(Goal(plan=plan, order=order, created_by=actor, **data), actor, _("Mål lagt til"))
    bump(plan, actor, _("Mål lagt til: %(text)s") % {"text": shorten(goal.text)})
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
    save_with_history(goal, actor, _("Mål endret"))
    bump(plan, actor, _("Mål endret: %(text)s") % {"text": shorten(goal.text)})
    return goal


@transaction.atomic
def archive_goal(actor: User, goal: Goal, *, based_on_version=None) -> Goal:
    """Nothing is deleted: the goal (and with it its steps) leaves the plan and stays in the history."""
    goal, plan = _goal_plan(actor, goal)
    if goal.archived_at is not None:
        raise ServiceError(str(MESSAGES["archived_goal"]))
    check_plan_version(plan, based_on_version, {}, {})
    goal.archived_at = timezone.now()
    save_with_history(goal, actor, _("Mål arkivert"))
    bump(plan, actor, _("Mål fjernet fra planen: %(text)s") % {"text": shorten(goal.text)})
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
    plan = _lock(step.goal.plan)
    _require_editable(plan)
    step = Step.objects.select_related("goal").get(pk=step.pk)
    return step, plan


def _require_live_step(step: Step) -> None:
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
    step = save_with_history(Step(goal=goal, created_by=actor, **data), actor, _("Delmål lagt til"))
    bump(plan, actor, _("Delmål lagt til: %(what)s") % {"what": shorten(step.what)})
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
    _require_live_step(step)
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
    save_with_history(step, actor, _("Delmål endret"))
    bump(plan, actor, _("Delmål endret: %(what)s") % {"what": shorten(step.what)})
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
    _require_live_step(step)
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
    save_with_history(step, actor, _("Delmål avsluttet: %(status)s") % {"status": step.get_status_display()})
    bump(plan, actor, _("Delmål %(status)s: %(what)s") % {"status": step.get_status_display().lower(),
                                                           "what": shorten(step.what)})
    if not staff:
        name = _owner_name(plan)
        if status == Step.Status.DONE:
            subject = _("%(name)s har gjort et delmål") % {"name": name}
            body = _("%(name)s har markert «%(what)s» som gjort.") % {"name": name, "what": shorten(step.what, 120)}
        else:
            subject = _("%(name)s har oppdatert et delmål") % {"name": name}
            body = _("%(name)s har markert «%(what)s» som ikke gjort.") % {"name": name,
                                                                           "what": shorten(step.what, 120)}
        if step.how_it_went:
            body += " " + _("Hvordan gikk det: %(text)s") % {"text": step.how_it_went}
        _tell_coordinator(plan, subject, body)
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
    save_with_history(step, actor, _("Delmål arkivert"))
    if step.accepted:
        bump(plan, actor, _("Delmål fjernet fra planen: %(what)s") % {"what": shorten(step.what)})
    return step


# --- the owner's suggestions -------------------------------------------------------------------------------------


@transaction.atomic
def suggest_step(actor: User, goal: Goal, *, what: str, due_on=None) -> tuple[Step, list[str]]:
    """The owner proposes a step. It goes to the coordinator as a suggestion, not into the plan, until accepted."""
    access.require_change(actor, goal)
    plan = _lock(goal.plan)
    if not access.is_owner(actor, plan.follow_up.service_user_id):
        raise PermissionDenied
    _require_editable(plan)
    goal = Goal.objects.get(pk=goal.pk)
    if goal.archived_at is not None:
        raise ServiceError(str(MESSAGES["archived_goal"]))
    data, warnings = _clean_step(
        {"what": what, "who_kind": Step.Who.USER, "due_on": due_on or default_due_on()}, check_past=True
    )
    step = save_with_history(
        Step(goal=goal, suggested_by_user=True, accepted=False, created_by=actor, **data),
        actor,
        _("Forslag til delmål fra brukeren"),
    )
    name = _owner_name(plan)
    _tell_coordinator(
        plan,
        _("Forslag til nytt delmål fra %(name)s") % {"name": name},
        _("%(name)s foreslår et nytt delmål under «%(goal)s»: «%(what)s». Ta det med i planen, eller svar på "
          "forslaget.") % {"name": name, "goal": shorten(goal.text), "what": shorten(step.what, 200)},
    )
    ensure_inside_gate(actor, step, access.VIEW)
    return step, warnings


def _suggestion_plan(actor: User, step: Step) -> tuple[Step, Plan]:
    access.require_change(actor, step)
    _require_staff(actor, step.goal.plan)
    plan = _lock(step.goal.plan)
    _require_editable(plan)
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
    save_with_history(step, actor, _("Forslaget er tatt med i planen"))
    bump(plan, actor, _("Brukerens forslag tatt med: %(what)s") % {"what": shorten(step.what)})
    su = plan.follow_up.service_user
    _tell_owner(
        plan,
        _("Forslaget ditt er med i planen"),
        _("Hei %(name)s. Forslaget ditt «%(what)s» er nå et delmål i planen din. Frist: %(due)s.")
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
    save_with_history(step, actor, _("Forslaget er ikke tatt med i planen"))
    su = plan.follow_up.service_user
    body = _("Hei %(name)s. Takk for forslaget «%(what)s». Det er ikke tatt med i planen nå.") % {
        "name": su.first_name, "what": shorten(step.what, 120)
    }
    if step.suggestion_reply:
        body += " " + step.suggestion_reply
    body += " " + _("Snakk gjerne med %(worker)s om det.") % {"worker": plan.follow_up.trust_person.display_name}
    _tell_owner(plan, _("Svar på forslaget ditt"), body)
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
    _require_staff(actor, measure.plan)
    plan = _lock(measure.plan)
    _require_editable(plan)
    measure = Measure.objects.get(pk=measure.pk)
    if measure.archived_at is not None:
        raise ServiceError(str(MESSAGES["archived_measure"]))
    return measure, plan


@transaction.atomic
def add_measure(actor: User, plan: Plan, *, based_on_version=None, **fields) -> Measure:
    """A measure (*tiltak*): the service, who is responsible, extent, period and the decision (*vedtak*)."""
    check_fields(fields, MEASURE_FIELDS)
    _require_staff(actor, plan)
    plan = _lock(plan)
    _require_editable(plan)
    check_plan_version(plan, based_on_version, fields, {})
    data = _clean_measure(fields)
    measure = save_with_history(Measure(plan=plan, created_by=actor, **data), actor, _("Tiltak lagt til"))
    bump(plan, actor, _("Tiltak lagt til: %(service)s") % {"service": measure.service})
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
    save_with_history(measure, actor, _("Tiltak endret"))
    bump(plan, actor, _("Tiltak endret: %(service)s") % {"service": measure.service})
    return measure


@transaction.atomic
def archive_measure(actor: User, measure: Measure, *, based_on_version=None) -> Measure:
    measure, plan = _measure_plan(actor, measure)
    check_plan_version(plan, based_on_version, {}, {})
    measure.archived_at = timezone.now()
    save_with_history(measure, actor, _("Tiltak arkivert"))
    bump(plan, actor, _("Tiltak fjernet fra planen: %(service)s") % {"service": measure.service})
    return measure


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
    plan = _lock(step.goal.plan if step is not None else measure.plan)
    if not may_add_progress_note(actor, target, plan):
        raise PermissionDenied
    _require_editable(plan)
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
        _("Framdriftsnotat skrevet"),
    )
    if not access.is_case_staff(actor, plan.follow_up_id):
        about = step.what if step is not None else target.service
        _tell_coordinator(
            plan,
            _("Nytt notat i planen til %(name)s") % {"name": _owner_name(plan)},
            _("%(author)s har skrevet et notat om «%(about)s»: %(text)s")
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
    plan = _lock(goal.plan if goal is not None else step.goal.plan)
    staff = access.is_case_staff(actor, plan.follow_up_id)
    owner = access.is_owner(actor, plan.follow_up.service_user_id)
    if not (staff or owner):
        raise PermissionDenied
    _require_editable(plan)
    if goal is not None:
        goal = Goal.objects.get(pk=goal.pk)
        if goal.archived_at is not None:
            raise ServiceError(str(MESSAGES["archived_goal"]), "goal")
    else:
        step = Step.objects.select_related("goal").get(pk=step.pk)
        _require_live_step(step)
    text = clean_text(text, "text", required=_("Skriv kommentaren."))
    comment = save_with_history(
        Comment(plan=plan, goal=goal, step=step, author=actor, by_owner=owner and not staff, text=text),
        actor,
        _("Kommentar skrevet"),
    )
    if comment.by_owner:
        about = goal.text if goal is not None else step.what
        _tell_coordinator(
            plan,
            _("%(name)s har kommentert planen") % {"name": _owner_name(plan)},
            _("%(name)s skrev om «%(about)s»: %(text)s")
            % {"name": _owner_name(plan), "about": shorten(about), "text": shorten(text, 300)},
        )
    ensure_inside_gate(actor, comment, access.VIEW)
    return comment
