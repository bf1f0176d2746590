"""What goes into «alt om meg»: everything the owner may see about themselves, read through the gate as the owner.

The archive is built in the background, with no request and often for a person who has no log-in (staff make it for
someone who asked on paper). So it is read by :func:`owner_reader`: a stand-in for the person with the owner's role
and no other (no staff or partner role, whatever the person's account also has), and the gate decides what that
reader sees, as it decides what the person sees on Min side. Every read here also filters on the person explicitly,
so nothing about anyone else can come in through a consent the person happens to hold.

Reads of what can grow large (the follow-up log, the access log, log-ins, appointments, notifications, the threads
of messages with the staff and «Ring meg») go in chunks
(:func:`chunked`): the rows of one chunk are in memory at a time, never the whole history.

The JSON of what FHIR does not carry (``annet.json``) is written here too, streamed into the zip chunk by chunk
(:func:`write_other_json`). Its field names follow the API's (English); every coded value comes with its words in
Norwegian beside it (``…_display``).
"""

from __future__ import annotations

import copy
import datetime
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import IO

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from koordinator.access import Actor
from koordinator.followup_log import selectors as log_selectors
from koordinator.models import (
    AccessEvent,
    Appointment,
    Consent,
    FollowUp,
    FollowUpEntry,
    NextOfKin,
    Notification,
    ServiceUser,
    SignIn,
    User,
)
from koordinator.signin.mine import level_words

CHUNK = 500
FORMAT = "koordinator-alt-om-meg"
FORMAT_VERSION = 1


# --- who reads --------------------------------------------------------------------------------------------------


def owner_reader(service_user: ServiceUser) -> User:
    """A reader with the owner's role only, for the gate: the person's own account (a copy, so the caller's object
    keeps its own roles), or for a person without a log-in an unsaved stand-in whose id matches no account.

    The gate's roles are cached on the user (``access.actor_for``); this sets them: the owner of ``service_user``,
    nothing else."""
    if service_user.user_id is not None:
        user = copy.copy(User.objects.get(pk=service_user.user_id))
    else:
        # id 0: no row has it, so a rule that compares an account with the reader's id matches nothing.
        user = User(id=0, username="", first_name=service_user.first_name, last_name=service_user.last_name)
    user._koordinator_actor = Actor(
        user_id=user.pk,
        service_user_id=service_user.pk,
        trust_person_unit_ids=frozenset(),
        leader_municipality_ids=frozenset(),
        partner_organisation_ids=frozenset(),
        is_admin=False,
    )
    return user


def chunked(qs: QuerySet, size: int = CHUNK) -> Iterator[Model]:
    """The rows of ``qs`` in its order, ``size`` at a time: the ids first (small), then each chunk of rows with
    what ``qs`` selects and prefetches. Memory holds one chunk, however long the history."""
    ids = iter(list(qs.values_list("pk", flat=True)))
    while chunk := list(islice(ids, size)):
        rows = {row.pk: row for row in qs.filter(pk__in=chunk)}
        for pk in chunk:
            if pk in rows:
                yield rows[pk]


# --- the reads --------------------------------------------------------------------------------------------------


def cases(reader: User, service_user: ServiceUser) -> list[FollowUp]:
    return list(
        FollowUp.objects.for_user(reader)
        .filter(service_user_id=service_user.pk)
        .select_related("unit", "municipality", "trust_person", "deputy", "referral_agency", "taken_over_by")
        .order_by("started_on", "pk")
    )


def appointments(reader: User, service_user: ServiceUser) -> QuerySet:
    return (
        Appointment.objects.for_user(reader)
        .filter(service_user_id=service_user.pk)
        .select_related("trust_person", "original_trust_person")
        .order_by("starts_at", "pk")
    )


def log_entries(reader: User, service_user: ServiceUser) -> QuerySet:
    """The follow-up log as the owner reads it on «Det som er skrevet om oppfølgingen min»: live entries, oldest
    first (a record reads from the beginning)."""
    return (
        log_selectors.visible_entries(reader)
        .filter(follow_up__service_user_id=service_user.pk)
        .order_by("started_at", "pk")
    )


def plan_pages(reader: User, service_user: ServiceUser) -> Iterator:
    """The plan pages one at a time (a plan page holds its goals, steps, measures and notes)."""
    from plans import selectors as plan_selectors

    found = list(
        plan_selectors.visible_plans(reader)
        .filter(follow_up__service_user_id=service_user.pk)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    for pk in found:
        yield plan_selectors.plan_page(reader, pk)


def crisis_plan_pages(reader: User, service_user: ServiceUser) -> Iterator:
    """The current crisis plan first, then earlier (archived) ones, newest first."""
    from plans.crisis import selectors as crisis_selectors
    from plans.models import CrisisPlan

    found = list(
        CrisisPlan.objects.for_user(reader)
        .filter(service_user_id=service_user.pk)
        .order_by("-archived_at", "-created_at", "-pk")
        .values_list("pk", "archived_at")
    )
    found.sort(key=lambda row: row[1] is not None)  # the current one (not archived) first
    for pk, _archived in found:
        yield crisis_selectors.crisis_plan_page(reader, pk)


@dataclass
class GroupView:
    group: object
    members: list
    meetings: list
    action_items: list


def groups(reader: User, service_user: ServiceUser) -> list[GroupView]:
    """The person's responsibility groups, oldest first: every member (removed ones too), the meetings and every
    action item. A few queries per group (a person has one group per case)."""
    from meetings import selectors as meeting_selectors
    from meetings.models import ActionItem, GroupMember, Meeting

    found = list(
        meeting_selectors.visible_groups(reader)
        .filter(follow_up__service_user_id=service_user.pk)
        .order_by("created_at", "pk")
    )
    views = []
    for group in found:
        members = list(
            GroupMember.objects.for_user(reader).filter(group=group)
            .select_related(*meeting_selectors.MEMBER_RELATED).order_by("added_at", "pk")
        )
        meetings = list(
            Meeting.objects.for_user(reader).filter(group=group).select_related("chair_person")
            .order_by("starts_at", "pk")
        )
        items = list(
            ActionItem.objects.for_user(reader).filter(group=group)
            .select_related(*meeting_selectors.ITEM_RELATED).order_by("due_on", "pk")
        )
        views.append(GroupView(group, members, meetings, items))
    return views


def meeting_page(reader: User, meeting) -> object:
    from meetings import selectors as meeting_selectors

    return meeting_selectors.meeting_page(reader, meeting.pk)


def quality_of_life_rounds(reader: User, service_user: ServiceUser) -> list:
    """The quality-of-life rounds of the person's cases, oldest first (a few a year)."""
    from outcomes.models import QualityOfLifeRound

    return list(
        QualityOfLifeRound.objects.for_user(reader)
        .filter(follow_up__service_user_id=service_user.pk)
        .order_by("taken_on", "pk")
    )


def end_evaluations(reader: User, service_user: ServiceUser) -> dict[int, object]:
    """The end-of-follow-up evaluation of each of the person's ended cases that has one: {case id: evaluation}."""
    from outcomes.models import EndEvaluation

    return {
        evaluation.follow_up_id: evaluation
        for evaluation in EndEvaluation.objects.for_user(reader)
        .filter(follow_up__service_user_id=service_user.pk)
        .select_related("written_by")
    }


def consents(reader: User, service_user: ServiceUser) -> list[Consent]:
    return list(
        Consent.objects.for_user(reader)
        .filter(owner_id=service_user.pk)
        .select_related("grantee_user", "grantee_organisation", "recorded_by", "withdrawn_by")
        .order_by("valid_from", "pk")
    )


def next_of_kin(reader: User, service_user: ServiceUser) -> list[NextOfKin]:
    """As the owner's person page lists them: supportive first, then those to be kept away; not the removed ones."""
    return list(
        NextOfKin.objects.for_user(reader)
        .filter(service_user_id=service_user.pk, archived_at__isnull=True)
        .order_by("-kind", "name", "pk")
    )


def access_events(reader: User, service_user: ServiceUser) -> QuerySet:
    """«Hvem har sett opplysningene mine»: the owner's access log, oldest first."""
    return AccessEvent.objects.for_user(reader).filter(service_user_id=service_user.pk).order_by("at", "pk")


def sign_ins(service_user: ServiceUser) -> QuerySet:
    """«Mine innlogginger»: every log-in of the person's own account (none without an account). The rows are the
    account's own, as on the page: there is no way to ask for anyone else's."""
    if service_user.user_id is None:
        return SignIn.objects.none()
    return SignIn.objects.filter(user_id=service_user.user_id).order_by("at", "pk")


def messages(service_user: ServiceUser) -> QuerySet:
    """The messages sent to the person (to their record or their account), as «Varsler» lists them, oldest first."""
    to_them = Q(recipient_service_user_id=service_user.pk)
    if service_user.user_id is not None:
        to_them |= Q(recipient_user_id=service_user.user_id)
    return (
        Notification.objects.filter(to_them)
        .exclude(state=Notification.State.CANCELLED)
        .filter(due_at__lte=timezone.now())
        .order_by("due_at", "pk")
    )


def thread(reader: User, case: FollowUp) -> Iterator:
    """The messages of one case's thread (issue 16) as the owner reads them on Min side, oldest first: each a
    ``reach.messages.Shown`` (who wrote it in words, «Du» for the owner; whether it was taken back). Through the gate
    as the owner, and on the person explicitly; in chunks."""
    from reach import messages as reach_messages
    from reach.models import Message

    qs = (
        Message.objects.for_user(reader)
        .filter(service_user_id=case.service_user_id, case_id=case.pk)
        .select_related("author")
        .order_by("sent_at", "pk")
    )
    batch: list = []
    for message in chunked(qs):
        batch.append(message)
        if len(batch) >= CHUNK:
            yield from reach_messages.shown(reader, case, batch)
            batch = []
    if batch:
        yield from reach_messages.shown(reader, case, batch)


def callbacks(reader: User, service_user: ServiceUser) -> QuerySet:
    """Every «Ring meg» of the person (issue 16), oldest first, with who marked it last (the log entry's writer)."""
    from reach.models import CallbackRequest

    return (
        CallbackRequest.objects.for_user(reader)
        .filter(service_user_id=service_user.pk)
        .select_related("log_entry__written_by", "handled_by")
        .order_by("requested_at", "pk")
    )


def callback_mark(callback) -> tuple[User | None, datetime.datetime | None]:
    """Who marked the request last («Ringt», «Sendt SMS», «Fikk ikke svar»), and when: the log entry the mark wrote."""
    if callback.log_entry_id is not None:
        return callback.log_entry.written_by, callback.log_entry.started_at
    return callback.handled_by, callback.handled_at


# --- JSON: one function per kind of row ---------------------------------------------------------------------------


def _when(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _name(user: User | None) -> str | None:
    return user.display_name if user is not None else None


def _coded(obj: Model, field: str) -> dict:
    """``{field: code, field_display: words}`` for a field with choices."""
    return {field: getattr(obj, field), f"{field}_display": str(getattr(obj, f"get_{field}_display")())}


def person_json(service_user: ServiceUser) -> dict:
    return {
        "id": service_user.pk,
        "first_name": service_user.first_name,
        "last_name": service_user.last_name,
        "birth_date": _day(service_user.birth_date),
        "national_id": service_user.national_id or None,
        "municipality": service_user.municipality.name,
        "phone": service_user.phone,
        "email": service_user.email,
        "address": service_user.address,
        "postal_code": service_user.postal_code,
        "city": service_user.city,
        **_coded(service_user, "preferred_channel"),
        "language": service_user.language,
        "interpreter_needed": service_user.interpreter_needed,
        "interpreter_language": service_user.interpreter_language,
        "registered_at": _when(service_user.created_at),
    }


def case_json(case: FollowUp) -> dict:
    return {
        "id": case.pk,
        "municipality": case.municipality.name,
        "unit": case.unit.name,
        **_coded(case, "status"),
        "started_on": _day(case.started_on),
        "trust_person": _name(case.trust_person),
        "deputy": _name(case.deputy),
        **_coded(case, "referral_source"),
        "referral_agency": case.referral_agency.name if case.referral_agency_id else case.referral_agency_name,
        "referral_note": case.referral_note,
        "ended_on": _day(case.ended_on),
        "ending_reason": case.ending_reason,
        "ending_reason_display": str(case.get_ending_reason_display()) if case.ending_reason else "",
        "ending_note": case.ending_note,
        "taken_over_by": case.taken_over_by.name if case.taken_over_by_id else case.taken_over_by_name,
        "open_door_until": _day(case.open_door_until),
        "notice": case.user_notice,
    }


def appointment_json(appointment: Appointment) -> dict:
    return {
        "id": appointment.pk,
        "case": appointment.follow_up_id,
        "starts_at": _when(appointment.starts_at),
        "duration_minutes": appointment.duration_minutes,
        **_coded(appointment, "place"),
        "place_detail": appointment.place_detail,
        "about": appointment.about,
        **_coded(appointment, "status"),
        "status_note": appointment.status_note,
        "who": _name(appointment.trust_person),
        "instead_of": _name(appointment.original_trust_person)
        if appointment.original_trust_person_id and appointment.original_trust_person_id != appointment.trust_person_id
        else None,
    }


def log_entry_json(entry: FollowUpEntry) -> dict:
    return {
        "id": entry.pk,
        "case": entry.follow_up_id,
        "started_at": _when(entry.started_at),
        "duration_minutes": entry.duration_minutes,
        **_coded(entry, "kind"),
        "kind_for_me": entry.kind_for_user,
        "place": entry.place,
        "service": entry.service_display,
        "life_areas": entry.life_areas,
        "life_areas_display": entry.life_area_labels(),
        "note": entry.note,
        "agreed_next": entry.agreed_next,
        "about": entry.link_tags(),
        "written_by": _name(entry.written_by),
        "written_at": _when(entry.created_at),
        "changed_at": _when(entry.updated_at),
    }


def group_json(view: GroupView, reader: User) -> dict:
    group = view.group
    case = group.follow_up
    return {
        "id": group.pk,
        "case": case.pk,
        **_coded(group, "status"),
        "status_reason": group.status_reason,
        **_coded(group, "chair"),
        "created_at": _when(group.created_at),
        "members": [
            {
                "name": member.name_in(case),
                "role": member.role_display,
                **_coded(member, "kind"),
                "added_at": _when(member.added_at),
                "removed_at": _when(member.removed_at),
                "removed_reason": member.removed_reason,
            }
            for member in view.members
        ],
        "meetings": [meeting_json(meeting, reader) for meeting in view.meetings],
        "action_items": [
            {
                "id": item.pk,
                "meeting": item.meeting_id,
                "what": item.what,
                "responsible": item.responsible.name_in(case),
                "due_on": _day(item.due_on),
                **_coded(item, "status"),
                "status_note": item.status_note,
                "closed_on": _day(item.closed_on),
            }
            for item in view.action_items
        ],
    }


def meeting_json(meeting, reader: User) -> dict:
    data = {
        "id": meeting.pk,
        "starts_at": _when(meeting.starts_at),
        "duration_minutes": meeting.duration_minutes,
        "place": meeting.place_text,
        **_coded(meeting, "status"),
        "status_note": meeting.status_note,
        "invitation_note": meeting.note,
        "minutes": None,
    }
    page = meeting_page(reader, meeting)
    minutes = page.minutes
    data["attendance"] = [
        {"name": row.name, "role": row.role, "attendance": row.attendance_label or None} for row in page.members
    ]
    data["agenda"] = [
        {"title": point.title, "kind": point.kind_label, "detail": point.detail, "note": point.note}
        for point in page.agenda
    ]
    if minutes is not None:
        data["minutes"] = {
            **_coded(minutes, "status"),
            "version": minutes.version,
            "situation": minutes.situation,
            "user_words": minutes.user_words,
            "decisions": minutes.decisions,
            "ready_at": _when(minutes.ready_at),
            "my_answer_at": _when(minutes.user_response_at),
            "disagreement": minutes.disagreement,
            "comments": [
                {"by": _name(comment.author), "at": _when(comment.created_at), "text": comment.text}
                for comment in page.comments
            ],
        }
    return data


def round_json(qol_round) -> dict:
    """A quality-of-life round: each question in the words it was asked, and the answer in words."""
    from outcomes.instrument import OBJECTIVE, OBJECTIVE_CHOICES, SUBJECTIVE

    objective = dict(OBJECTIVE_CHOICES)
    answers = []
    for item in OBJECTIVE:
        value = getattr(qol_round, item.field)
        answers.append({"code": item.code, "question": str(item.text), "answer": value or None,
                        "answer_display": str(objective[value]) if value else None})
    for item in SUBJECTIVE:
        value = getattr(qol_round, item.field)
        answers.append({"code": item.code, "question": str(item.plain), "answer": value,
                        "answer_display": str(item.steps[value - 1]) if value else None})
    return {
        "case": qol_round.follow_up_id,
        "taken_on": _day(qol_round.taken_on),
        **_coded(qol_round, "kind"),
        "answered_by": qol_round.subjective_by,
        "answers": answers,
    }


def end_evaluation_json(evaluation) -> dict:
    return {
        "case": evaluation.follow_up_id,
        "achieved": evaluation.achieved,
        "what_helped": evaluation.what_helped,
        "needs_to_manage": evaluation.needs_to_manage,
        "user_part": evaluation.user_part,
        "user_part_display": str(evaluation.get_user_part_display()) if evaluation.user_part else "",
        "written_by": _name(evaluation.written_by),
        "changed_at": _when(evaluation.updated_at),
    }


def consent_json(consent: Consent) -> dict:
    return {
        "id": consent.pk,
        "to": consent.grantee_name,
        "scopes": consent.scopes,
        "scopes_display": consent.scope_labels(),
        "valid_from": _day(consent.valid_from),
        "valid_until": _day(consent.valid_until),
        **_coded(consent, "given_how"),
        "recorded_by": _name(consent.recorded_by),
        "note": consent.note,
        "state": consent.state,
        "state_display": consent.state_label,
        "withdrawn_at": _when(consent.withdrawn_at),
        "withdrawn_by": _name(consent.withdrawn_by),
        "withdrawn_reason": consent.withdrawn_reason,
    }


def next_of_kin_json(kin: NextOfKin) -> dict:
    return {
        "id": kin.pk,
        "name": kin.name,
        "relation": kin.relation,
        **_coded(kin, "kind"),
        "is_guardian": kin.is_guardian,
        "phone": kin.phone,
        "email": kin.email,
        "note": kin.note,
    }


def access_event_json(event: AccessEvent) -> dict:
    return {
        "at": _when(event.at),
        "who": event.actor_name,
        "role": event.actor_role,
        "what": event.what,
        **_coded(event, "channel"),
        "why": event.reason,
    }


def sign_in_json(sign_in: SignIn) -> dict:
    return {
        "at": _when(sign_in.at),
        **_coded(sign_in, "method"),
        "level": sign_in.level,
        "level_display": level_words(sign_in.level),
    }


def message_json(notification: Notification) -> dict:
    return {
        "due_at": _when(notification.due_at),
        **_coded(notification, "channel"),
        "subject": notification.subject,
        "body": notification.body,
        "sent_at": _when(notification.sent_at),
        "read_at": _when(notification.read_at),
    }


def thread_message_json(case: FollowUp, shown) -> dict:
    """A message of a case's thread; one taken back has no text (``withdrawn``)."""
    message = shown.message
    return {
        "id": message.pk,
        "case": case.pk,
        "sent_at": _when(message.sent_at),
        "from_me": message.from_service_user,
        "writer": shown.writer,
        "writer_role": shown.role or None,
        **_coded(message, "via"),
        "text": None if shown.withdrawn else message.body,
        "withdrawn": shown.withdrawn,
        "withdrawn_at": _when(message.withdrawn_at),
        "read_at": _when(message.read_at),
    }


def thread_rows(reader: User, service_user: ServiceUser) -> Iterator[dict]:
    for case in cases(reader, service_user):
        yield from (thread_message_json(case, shown) for shown in thread(reader, case))


def callback_json(callback) -> dict:
    who, marked_at = callback_mark(callback)
    return {
        "id": callback.pk,
        "case": callback.case_id,
        "requested_at": _when(callback.requested_at),
        **_coded(callback, "when"),
        "note": callback.note,
        **_coded(callback, "via"),
        **_coded(callback, "state"),
        "outcome": callback.outcome or None,
        "outcome_display": str(callback.get_outcome_display()) if callback.outcome else None,
        "attempts": callback.attempts,
        "called_by": _name(who),
        "called_at": _when(marked_at),
        "done_at": _when(callback.done_at),
    }


def plan_json(page) -> dict:
    """The plan's parts FHIR's CarePlan and Goal leave out or shorten: the texts, the measures' decisions, the
    revisions, progress notes and comments."""
    plan = page.plan

    def notes(items) -> list[dict]:
        return [{"by": _name(n.author), "at": _when(n.created_at), "text": n.text} for n in items]

    def comments(items) -> list[dict]:
        return [{"by": _name(c.author), "by_me": c.by_owner, "at": _when(c.created_at), "text": c.text}
                for c in items]

    def step(view) -> dict:
        s = view.step
        return {
            "id": s.pk, "what": s.what, "who": view.responsible, "due_on": _day(s.due_on), **_coded(s, "status"),
            "how_it_went": s.how_it_went, "closed_on": _day(s.closed_on), "notes": notes(view.notes),
            "comments": comments(view.comments),
        }

    return {
        "id": plan.pk,
        "case": page.case.pk,
        **_coded(plan, "status"),
        "version": plan.version,
        **{name: getattr(plan, name) for name in plan.TEXT_FIELDS},
        "period_from": _day(plan.period_from),
        "period_until": _day(plan.period_until),
        "next_revision_on": _day(plan.next_revision_on),
        "consent_given_on": _day(plan.consent_given_on),
        "declined_on": _day(plan.declined_on),
        "declined_reason": plan.declined_reason,
        "ended_on": _day(plan.ended_on),
        "coordinator": _name(page.coordinator),
        "goals": [
            {
                "id": view.goal.pk, **_coded(view.goal, "life_area"), "text": view.goal.text,
                "in_my_words": view.goal.in_users_words, "comments": comments(view.comments),
                "steps": [step(s) for s in view.steps + view.closed_steps],
            }
            for view in page.goals
        ],
        "my_suggestions": [{"what": s.what, "suggested_at": _when(s.created_at)} for s in page.suggestions],
        "measures": [
            {
                "id": view.measure.pk, "service": view.measure.service,
                "responsible": view.measure.responsible_organisation.name,
                "responsible_person": _name(view.measure.responsible_person),
                "extent": view.measure.extent, "period_from": _day(view.measure.period_from),
                "period_until": _day(view.measure.period_until), "decision": view.measure.decision_display,
                "applied_on": _day(view.measure.applied_on), "decided_on": _day(view.measure.decided_on),
                "appealed_on": _day(view.measure.appealed_on), "decided_by": view.measure.decided_by,
                "notes": notes(view.notes),
            }
            for view in page.measures
        ],
        "revisions": [
            {"revised_on": _day(r.revised_on), "who_took_part": r.participants, "what_changed": r.what_changed,
             "next_revision_on": _day(r.next_revision_on)}
            for r in page.revisions
        ],
    }


def crisis_plan_json(page) -> dict:
    plan = page.crisis_plan
    return {
        "id": plan.pk,
        **_coded(plan, "status"),
        "version": plan.version,
        **{name: getattr(plan, name) for name in plan.TEXT_FIELDS},
        "review_on": _day(plan.review_on),
        "archived_at": _when(plan.archived_at),
        "contacts": [
            {"name": c.name, "role": c.role, "phone": c.phone, "reachable": c.reachable_labels(), "note": c.note}
            for c in page.contacts
        ],
        "sign_offs": [
            {"name": s.name, "role": s.role, "by_me": s.by_owner, **_coded(s, "how"), "signed_on": _day(s.signed_on),
             "version": s.plan_version}
            for s in page.sign_offs
        ],
    }


# --- writing annet.json ------------------------------------------------------------------------------------------


class _JsonWriter:
    """Writes one JSON object to a text stream a part at a time: small values whole, long lists row by row."""

    def __init__(self, out: IO[str]):
        self.out = out
        self.first = True

    def _key(self, key: str) -> None:
        self.out.write("{\n" if self.first else ",\n")
        self.first = False
        self.out.write(f"  {json.dumps(key)}: ")

    def value(self, key: str, value) -> None:
        self._key(key)
        self.out.write(json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  "))

    def rows(self, key: str, rows: Iterable[dict]) -> None:
        self._key(key)
        self.out.write("[")
        first = True
        for row in rows:
            self.out.write("\n    " if first else ",\n    ")
            self.out.write(json.dumps(row, ensure_ascii=False))
            first = False
        self.out.write("\n  ]" if not first else "]")

    def close(self) -> None:
        self.out.write("{}\n" if self.first else "\n}\n")


def write_other_json(out: IO[str], reader: User, service_user: ServiceUser, made_at: datetime.datetime) -> None:
    """``annet.json``: what the FHIR bundle does not carry, the long lists streamed in chunks."""
    w = _JsonWriter(out)
    w.value("format", FORMAT)
    w.value("format_version", FORMAT_VERSION)
    w.value("made_at", _when(made_at))
    w.value("person", person_json(service_user))
    w.value("cases", [case_json(case) for case in cases(reader, service_user)])
    w.rows("appointments", (appointment_json(a) for a in chunked(appointments(reader, service_user))))
    w.rows("log_entries", (log_entry_json(e) for e in chunked(log_entries(reader, service_user))))
    w.rows("case_messages", thread_rows(reader, service_user))
    w.rows("callbacks", (callback_json(c) for c in chunked(callbacks(reader, service_user))))
    w.rows("plans", (plan_json(page) for page in plan_pages(reader, service_user)))
    w.rows("crisis_plans", (crisis_plan_json(page) for page in crisis_plan_pages(reader, service_user)))
    w.rows("responsibility_groups", (group_json(view, reader) for view in groups(reader, service_user)))
    w.value("quality_of_life_rounds", [round_json(r) for r in quality_of_life_rounds(reader, service_user)])
    w.value("end_evaluations", [end_evaluation_json(e) for e in end_evaluations(reader, service_user).values()])
    w.value("consents", [consent_json(c) for c in consents(reader, service_user)])
    w.value("next_of_kin", [next_of_kin_json(k) for k in next_of_kin(reader, service_user)])
    w.rows("access_log", (access_event_json(e) for e in chunked(access_events(reader, service_user))))
    w.rows("sign_ins", (sign_in_json(s) for s in chunked(sign_ins(service_user))))
    w.rows("messages", (message_json(n) for n in chunked(messages(service_user))))
    w.close()
