"""Action items (who does what by when, carried to the next meeting until closed), and «Revider planen» from a
meeting."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator.models import User
from koordinator.timeutil import no_date, no_datetime
from koordinator.toolkit import (
    ServiceError,
    check_fields,
    clean_date,
    clean_text,
    ensure_inside_gate,
    field_label,
    save_with_history,
    shorten,
)
from meetings import notices
from meetings.models import (
    ActionItem,
    Attendance,
    Group,
    GroupMember,
    Meeting,
)
from meetings.services.common import (
    ACTION_ITEM_FIELDS,
    GROUP_RELATED,
    MESSAGES,
    is_responsible,
    is_staff,
    lock_group,
    lock_meeting,
    may_write_minutes,
    member_of,
    require_open,
    require_started,
    require_visible,
    written_meeting,
)
from plans import services as plan_services
from plans.models import Plan, PlanRevision
from plans.services import tell_case_staff

# --- action items ----------------------------------------------------------------------------------------------------


def _clean_action_item(group: Group, meeting: Meeting, data: dict) -> dict:
    what = clean_text(data.get("what"), "what", required=_("Skriv hva som skal gjøres."), max_length=2000)
    responsible = member_of(group, data.get("responsible"), "responsible")
    due_on = clean_date(data.get("due_on"), "due_on")
    if due_on is None:
        raise ServiceError(_("Velg en frist."), "due_on")
    if due_on < meeting.local_date:
        raise ServiceError(_("Fristen kan ikke være før møtet."), "due_on")
    return {"what": what, "responsible": responsible, "due_on": due_on}


def _tell_responsible(actor: User, item: ActionItem) -> None:
    """«Ny oppgave» to the one responsible, composed by the outbox in their language."""
    su = item.group.follow_up.service_user
    notices.tell(notices.recipients(item.group, members=[item.responsible], exclude=actor),
                 lambda r: (
                     _("Ny oppgave fra ansvarsgruppen til %(name)s") % {"name": su.full_name},
                     _("Du har fått en oppgave i ansvarsgruppen til %(name)s: «%(what)s». Frist: %(due)s.")
                     % {"name": su.full_name, "what": shorten(item.what, 300), "due": no_date(item.due_on)},
                 ), about=item)


@transaction.atomic
def add_action_item(actor: User, meeting: Meeting, *, what: str, responsible: GroupMember, due_on) -> ActionItem:
    """What, who (a member of the group), by when. It belongs to the meeting and stays on every next agenda until
    it is closed. The responsible is told."""
    meeting = written_meeting(actor, meeting)
    require_started(meeting)
    group = meeting.group
    require_open(group)
    data = _clean_action_item(group, meeting, {"what": what, "responsible": responsible, "due_on": due_on})
    item = save_with_history(ActionItem(group=group, meeting=meeting, created_by=actor, **data), actor, gettext_lazy("Oppgave lagt til"))
    item.group = group
    _tell_responsible(actor, item)
    ensure_inside_gate(actor, item)
    return item


def _lock_item(actor: User, item: ActionItem) -> ActionItem:
    require_visible(actor, item)
    lock_group(item.group)
    return ActionItem.objects.select_related(
        *(f"group__{r}" for r in GROUP_RELATED), "meeting", "responsible__person", "responsible__organisation"
    ).get(pk=item.pk)


def _may_lead(actor: User, item: ActionItem) -> bool:
    """The group's managers and the chair of the meeting that decided it."""
    item.meeting.group = item.group
    return may_write_minutes(actor, item.meeting)


@transaction.atomic
def update_action_item(actor: User, item: ActionItem, **changes) -> ActionItem:
    """Change what, who or the due date of an open item (the chair or the coordinator)."""
    check_fields(changes, ACTION_ITEM_FIELDS)
    item = _lock_item(actor, item)
    if not _may_lead(actor, item):
        raise PermissionDenied
    if not item.is_open:
        raise ServiceError(str(MESSAGES["item_closed"]), "status")
    current = {name: getattr(item, name) for name in ACTION_ITEM_FIELDS}
    data = _clean_action_item(item.group, item.meeting, {**current, **changes})
    changed = [name for name in ACTION_ITEM_FIELDS if current[name] != data[name]]
    if not changed:
        return item
    new_responsible = "responsible" in changed
    for name in changed:
        setattr(item, name, data[name])
    save_with_history(item, actor, lambda: _("Oppgave endret: %(fields)s")
                      % {"fields": ", ".join(field_label(ActionItem, n) for n in changed)})
    if new_responsible:
        _tell_responsible(actor, item)
    return item


def _write_note(actor: User, item: ActionItem, note: str, responsible: bool) -> ActionItem:
    if not item.is_open:
        raise ServiceError(str(MESSAGES["item_closed"]), "status")
    note = clean_text(note, "status_note", required=_("Skriv en merknad om hvordan det går med oppgaven."),
                      max_length=2000)
    if note == item.status_note:
        return item
    item.status_note = note
    save_with_history(item, actor, gettext_lazy("Oppgave: merknad, fortsatt åpen"))
    if not is_staff(actor, item.group):
        who = item.responsible.display_name if responsible else actor.display_name
        tell_case_staff(
            item.group.follow_up, item, lambda: _("Oppgave oppdatert: %(who)s") % {"who": who},
            lambda: _("%(who)s har skrevet en merknad på oppgaven «%(what)s», som fortsatt er åpen: %(note)s") % {
                "who": who, "what": shorten(item.what, 200), "note": note},
        )
    return item


@transaction.atomic
def note_action_item(actor: User, item: ActionItem, note: str) -> ActionItem:
    """A note on an open item that keeps it open: how it is going, what it waits for. The same people as for the
    status (the responsible member, the chair, the coordinator); a partner's or the user's note is told to the
    coordinator. The history keeps every note."""
    item = _lock_item(actor, item)
    responsible = is_responsible(actor, item)
    if not (_may_lead(actor, item) or responsible):
        raise PermissionDenied
    return _write_note(actor, item, note, responsible)


@transaction.atomic
def set_action_item_status(actor: User, item: ActionItem, status: str, note: str = "") -> ActionItem:
    """Close an item as done, not done or no longer relevant (with a note), or reopen it. «Open» for an item that is
    open already writes the note and keeps it open (:func:`note_action_item`).

    The responsible member closes their own; the chair and the coordinator close or reopen any. A partner's or the
    user's update is told to the coordinator.
    """
    item = _lock_item(actor, item)
    lead = _may_lead(actor, item)
    responsible = is_responsible(actor, item)
    if not (lead or responsible):
        raise PermissionDenied
    if status not in ActionItem.Status.values:
        raise ServiceError(_("Velg status for oppgaven."), "status")
    if status == ActionItem.Status.OPEN and item.is_open:
        return _write_note(actor, item, note, responsible)
    note = clean_text(note, "status_note", max_length=2000)
    if status == ActionItem.Status.OPEN:
        if not lead:
            raise PermissionDenied
        item.closed_on = None
        item.closed_by = None
    else:
        if not item.is_open:
            raise ServiceError(str(MESSAGES["item_closed"]), "status")
        if status == ActionItem.Status.CANCELLED and not note:
            raise ServiceError(_("Skriv kort hvorfor oppgaven ikke er aktuell lenger."), "status_note")
        item.closed_on = timezone.localdate()
        item.closed_by = actor
    item.status = status
    item.status_note = note
    save_with_history(item, actor, lambda: _("Oppgave: %(status)s") % {"status": item.get_status_display()})
    if not is_staff(actor, item.group):
        who = item.responsible.display_name if responsible else actor.display_name

        def body() -> str:
            text = _("%(who)s har satt oppgaven «%(what)s» til «%(status)s».") % {
                "who": who, "what": shorten(item.what, 200), "status": item.get_status_display()}
            return text + " " + _("Merknad: %(note)s") % {"note": note} if note else text

        tell_case_staff(item.group.follow_up, item, lambda: _("Oppgave oppdatert: %(who)s") % {"who": who}, body)
    return item


# --- the plan -------------------------------------------------------------------------------------------------------


@transaction.atomic
def revise_plan_at_meeting(actor: User, meeting: Meeting, *, what_changed: str, next_revision_on,
                           based_on_version=None) -> PlanRevision:
    """*«Revider planen»* from a meeting: the plan revision is recorded with the meeting, who was there and the date
    (``plans.services.revise_plan``). Staff on the case only; the meeting must have started."""
    require_visible(actor, meeting)
    meeting = lock_meeting(meeting)
    require_started(meeting)
    plan = Plan.objects.filter(follow_up_id=meeting.group.follow_up_id).active().first()
    if plan is None:
        raise ServiceError(_("Brukeren har ingen plan i bruk som kan revideres."), "plan")
    present = [
        a.member for a in Attendance.objects.filter(meeting=meeting, status=Attendance.Status.PRESENT)
        .select_related("member__person", "member__organisation")
    ]
    for member in present:
        member.group = meeting.group
    participants = ", ".join(m.display_name for m in present)
    return plan_services.revise_plan(
        actor, plan, what_changed=what_changed, next_revision_on=next_revision_on, participants=participants,
        revised_on=meeting.local_date, meeting=meeting,
        meeting_note=_("Ansvarsgruppemøte %(when)s") % {"when": no_datetime(meeting.starts_at)},
        based_on_version=based_on_version,
    )
