"""The plan itself: create it as a draft, its texts, the owner's consent, activate, decline and offer again, end,
revise, and restore an earlier version."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access
from koordinator.models import Consent, FollowUp, User
from koordinator.timeutil import no_date
from koordinator.toolkit import (
    ServiceError,
    bump,
    check_fields,
    clean_date,
    clean_text,
    clean_version,
    ensure_inside_gate,
    field_label,
    restore_fields,
    save_with_history,
)
from plans.models import (
    Plan,
    PlanRevision,
)
from plans.services.common import (
    OWNER_PLAN_FIELDS,
    PLAN_FIELDS,
    PlanConflict,
    check_plan_version,
    date_str,
    lock_plan,
    owner_name,
    require_editable,
    require_staff,
    revision_interval_weeks,
    tell_coordinator,
    tell_owner,
)

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
            plan = save_with_history(Plan(follow_up=case, created_by=actor, **data), actor, gettext_lazy("Planen er opprettet"))
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
    plan = lock_plan(plan)
    staff = access.is_case_staff(actor, plan.follow_up_id)
    check_fields(fields, PLAN_FIELDS if staff else OWNER_PLAN_FIELDS, PLAN_FIELDS)
    require_editable(plan)
    based_on = clean_version(based_on_version, message=PlanConflict.bad_version)
    check_plan_version(plan, based_on, fields, {name: getattr(plan, name) for name in fields})
    data = _clean_plan({**{name: getattr(plan, name) for name in PLAN_FIELDS}, **fields})
    changed = [name for name in fields if getattr(plan, name) != data[name]]
    if not changed:
        return plan
    for name in changed:
        setattr(plan, name, data[name])
    def labels() -> str:  # the fields' names, in the language the words are written in
        return ", ".join(field_label(Plan, name) for name in changed)

    bump(plan, actor, lambda: _("Planen er endret: %(fields)s") % {"fields": labels()})
    if not staff:
        tell_coordinator(
            plan,
            lambda: _("%(name)s har skrevet i planen sin") % {"name": owner_name(plan)},
            lambda: _("%(name)s har endret dette i planen: %(fields)s.") % {"name": owner_name(plan),
                                                                           "fields": labels()},
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
    plan = lock_plan(plan)
    require_editable(plan)
    check_plan_version(plan, based_on_version, {"consent_given_how": given_how}, {"consent_given_how":
                                                                              plan.consent_given_how})
    _record_consent(actor, plan, given_how, given_on)
    bump(plan, actor, lambda: _("Samtykke til planen registrert (%(how)s)") % {"how": plan.get_consent_given_how_display()})
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
    require_staff(actor, plan)
    plan = lock_plan(plan)
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
    bump(plan, actor, gettext_lazy("Planen er tatt i bruk"))
    su = plan.follow_up.service_user
    tell_owner(
        plan,
        gettext_lazy("Planen din er klar"),
        lambda: _("Hei %(name)s. Planen din er tatt i bruk fra %(start)s. Du kan lese den når du vil, og si fra hvis noe "
          "bør endres. Dere går gjennom den sammen igjen %(revision)s.")
        % {"name": su.first_name, "start": date_str(plan.period_from), "revision": date_str(plan.next_revision_on)},
    )
    return plan


@transaction.atomic
def decline_plan(actor: User, plan: Plan, *, reason: str = "", declined_on=None) -> Plan:
    """The user said no to a plan. Declining is a state to record; the plan can be offered again."""
    require_staff(actor, plan)
    plan = lock_plan(plan)
    if plan.status != Plan.Status.DRAFT:
        raise ServiceError(_("Bare en plan som ikke er tatt i bruk, kan registreres som takket nei."), "status")
    declined_on = clean_date(declined_on, "declined_on") or timezone.localdate()
    if declined_on > timezone.localdate():
        raise ServiceError(_("Datoen kan ikke være fram i tid."), "declined_on")
    plan.status = Plan.Status.DECLINED
    plan.declined_on = declined_on
    plan.declined_reason = clean_text(reason, "declined_reason")
    bump(plan, actor, gettext_lazy("Brukeren takket nei til planen"))
    return plan


@transaction.atomic
def reoffer_plan(actor: User, plan: Plan) -> Plan:
    """Offer a declined plan again: it goes back to being a draft. The earlier «no» stays in the history."""
    require_staff(actor, plan)
    plan = lock_plan(plan)
    if plan.status != Plan.Status.DECLINED:
        raise ServiceError(_("Bare en plan brukeren har takket nei til, kan tilbys på nytt."), "status")
    if plan.follow_up.status == FollowUp.Status.ENDED:
        raise ServiceError(_("Oppfølgingen er avsluttet."), "status")
    plan.status = Plan.Status.DRAFT
    plan.declined_on = None
    plan.declined_reason = ""
    bump(plan, actor, gettext_lazy("Planen er tilbudt på nytt"))
    return plan


@transaction.atomic
def end_plan(actor: User, plan: Plan, *, note: str = "", ended_on=None) -> Plan:
    """End the plan. A user whose plan was in use is told, in plain words."""
    require_staff(actor, plan)
    plan = lock_plan(plan)
    if plan.status == Plan.Status.ENDED:
        raise ServiceError(_("Planen er allerede avsluttet."), "status")
    ended_on = clean_date(ended_on, "ended_on") or timezone.localdate()
    if ended_on > timezone.localdate():
        raise ServiceError(_("Datoen kan ikke være fram i tid."), "ended_on")
    was_active = plan.status == Plan.Status.ACTIVE
    plan.status = Plan.Status.ENDED
    plan.ended_on = ended_on
    plan.end_note = clean_text(note, "note")
    bump(plan, actor, gettext_lazy("Planen er avsluttet"))
    if was_active:
        su = plan.follow_up.service_user

        def body() -> str:
            text = _("Hei %(name)s. Planen din ble avsluttet %(date)s.") % {"name": su.first_name,
                                                                            "date": no_date(ended_on)}
            if plan.end_note:
                text += " " + plan.end_note
            return text + " " + _("Du kan fortsatt lese den, og du kan ta kontakt med %(worker)s hvis du lurer på "
                                  "noe.") % {"worker": plan.follow_up.trust_person.display_name}

        tell_owner(plan, gettext_lazy("Planen din er avsluttet"), body)
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

    require_staff(actor, plan)
    plan = lock_plan(plan)
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
    bump(plan, actor, gettext_lazy("Planen er revidert"))
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
        gettext_lazy("Planen er revidert"),
    )
    su = plan.follow_up.service_user
    tell_owner(
        plan,
        gettext_lazy("Planen din er gått gjennom"),
        lambda: _("Hei %(name)s. Planen din ble gått gjennom %(date)s. Neste gang dere ser på den sammen: %(next)s.")
        % {"name": su.first_name, "date": no_date(revised_on), "next": no_date(next_revision_on)},
    )
    return revision


@transaction.atomic
def restore_plan_version(actor: User, plan: Plan, history_id, *, based_on_version=None) -> Plan:
    """Bring back the plan's own texts, period and revision date from an earlier version.

    Staff only. The restore is itself a new version: nothing in between is lost from the history.
    Goals, steps and measures are not touched (they have their own history and archive).
    """
    require_staff(actor, plan)
    plan = lock_plan(plan)
    require_editable(plan)
    check_plan_version(plan, based_on_version, {}, {})
    return restore_fields(actor, plan, history_id, Plan.RESTORABLE_FIELDS)
