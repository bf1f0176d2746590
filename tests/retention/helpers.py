"""Helpers for retention's tests: a case with something of every kind, written at the time it happened.

``rich_case`` builds, under ``time_machine`` so every row and history row has the date it would have had: a person
with a log-in, next of kin, a consent, a sign-in identity and log-ins, an API token; a case that started and ended
on the given days with free text everywhere; log entries at home, at the office, in town, by phone and with another
service; an appointment and a handover; an individual plan with a goal, a step (logged on an entry), a measure with
decision dates, a progress note, a comment and a revision; a responsibility group with a partner service, a held
meeting with attendance, an agenda point on the step, minutes with a comment and a read, an action item; two
quality-of-life rounds and an end evaluation; a crisis plan with a contact, a sign-off and an emergency access;
access events; notifications to the person and about the case. Every text that is personal holds ``SECRET``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import time_machine
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from rest_framework.authtoken.models import Token

from koordinator.models import (
    AccessEvent,
    Appointment,
    FollowUp,
    FollowUpEntry,
    Handover,
    NextOfKin,
    Notification,
    Organisation,
    ServiceUser,
    SignIn,
    SignInIdentity,
    User,
)
from koordinator.timeutil import at
from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Group,
    GroupMember,
    Meeting,
    Minutes,
    MinutesRead,
)
from meetings.models import Comment as MinutesComment
from outcomes.models import EndEvaluation, QualityOfLifeRound
from plans.models import (
    Comment,
    CrisisContact,
    CrisisPlan,
    CrisisSignOff,
    EmergencyAccess,
    Goal,
    LifeArea,
    LoggedStep,
    Measure,
    Plan,
    PlanRevision,
    ProgressNote,
    Step,
)
from tests import factories as f

SECRET = "Hemmelig"
Kind = FollowUpEntry.Kind


@dataclass
class Built:
    person: ServiceUser
    case: FollowUp
    account: User | None


def _travel(day: datetime.date, hour: int = 10):
    return time_machine.travel(at(day, hour), tick=False)


def rich_case(world, *, started_on: datetime.date, ended_on: datetime.date | None,
              open_door_until: datetime.date | None = None, person: ServiceUser | None = None,
              username: str | None = None, unit: Organisation | None = None, n: int = 0,
              secret: str = SECRET) -> Built:
    """A case with every kind of personal data (see the module's docstring); ``ended_on`` None: still active."""
    unit = unit or world.unit
    tp = world.trust_person
    nav = world.nav
    day = started_on + datetime.timedelta(days=7)
    with _travel(started_on):
        account = None
        if person is None:
            account = f.UserFactory(username=username or f"person{n}", first_name=f"{secret}fornavn",
                                    last_name=f"{secret}etternavn")
            person = f.ServiceUserFactory(
                user=account, municipality=unit.municipality, first_name=f"{secret}fornavn",
                last_name=f"{secret}etternavn", national_id="", phone="+4791111111", email=f"{secret}@example.no",
                address=f"{secret}gata 1", postal_code="7000", city="Trondheim", birth_date=datetime.date(1980, 1, 1),
            )
            NextOfKin.objects.create(service_user=person, name=f"{secret} mor", relation="mor", phone="+4790000002")
            f.ConsentFactory(owner=person, grantee_organisation=nav, recorded_by=tp, note=f"{secret} samtykke",
                             valid_from=started_on, valid_until=started_on + datetime.timedelta(days=365))
            SignInIdentity.objects.create(user=account, provider=SignInIdentity.Provider.CITIZEN,
                                          subject=f"{secret}-sub-{n}")
            SignIn.objects.create(user=account, method=SignIn.Method.PASSWORD)
            Token.objects.create(user=account)
        else:
            account = person.user
        case = FollowUp.objects.create(
            service_user=person, unit=unit, municipality=unit.municipality, trust_person=tp,
            status=FollowUp.Status.ACTIVE, started_on=started_on, referral_source=FollowUp.ReferralSource.AGENCY,
            referral_agency_name=f"{secret} henviser", referral_note=f"{secret} henvisning",
        )
    with _travel(day):
        entries = [
            FollowUpEntry.objects.create(follow_up=case, written_by=tp, kind=kind, place=place,
                                         started_at=at(day, 9 + i), note=f"{secret} notat {i}",
                                         agreed_next=f"{secret} avtalt", service=service, service_text=text)
            for i, (kind, place, service, text) in enumerate([
                (Kind.HOME_VISIT, f"Hjemme hos {secret}", None, ""),
                (Kind.CONVERSATION, "kontoret", None, ""),
                (Kind.OUTREACH, f"Kafé {secret}", None, ""),
                (Kind.PHONE, "", None, ""),
                (Kind.OTHER_SERVICE, f"hjemme hos {secret} igjen", nav, ""),
                (Kind.ACCOMPANIED, f"{secret}legen", None, f"{secret} legekontor"),
                (Kind.NOT_MET, f"{secret}plassen", None, ""),
            ])
        ]
        appointment = Appointment.objects.create(
            follow_up=case, service_user=person, trust_person=tp, starts_at=at(day + datetime.timedelta(days=7), 12),
            place=Appointment.Place.OTHER, place_detail=f"{secret} sted", about=f"{secret} om", created_by=tp)
        entries[0].next_appointment = appointment
        entries[0].save()
        Handover.objects.create(follow_up=case, from_person=tp, to_person=tp, note=f"{secret} overføring",
                                created_by=tp)
        plan = Plan.objects.create(follow_up=case, status=Plan.Status.ACTIVE, consent_given_on=day,
                                   consent_given_how="paper", period_from=day, own_words=f"{secret} mine ord",
                                   needs=f"{secret} behov", created_by=tp)
        goal = Goal.objects.create(plan=plan, life_area=LifeArea.HOUSING, text=f"{secret} mål", created_by=tp)
        step = Step.objects.create(goal=goal, what=f"{secret} delmål", due_on=day + datetime.timedelta(days=14),
                                   how_it_went=f"{secret} gikk", created_by=tp)
        LoggedStep.objects.create(entry=entries[1], step=step)
        measure = Measure.objects.create(plan=plan, service=f"{secret} tiltak", responsible_organisation=nav,
                                         extent=f"{secret} omfang", needs_decision=True,
                                         decision_status=Measure.Decision.GRANTED, applied_on=day,
                                         decided_on=day + datetime.timedelta(days=10), decided_by=f"{secret} NAV")
        ProgressNote.objects.create(plan=plan, measure=measure, author=tp, text=f"{secret} framdrift")
        Comment.objects.create(plan=plan, goal=goal, author=tp, text=f"{secret} kommentar")
        PlanRevision.objects.create(plan=plan, revised_on=day, participants=f"{secret} deltakere",
                                    what_changed=f"{secret} endret", next_revision_on=day + datetime.timedelta(days=60),
                                    plan_version=1, created_by=tp)
        group = Group.objects.create(follow_up=case, created_by=tp)
        user_member = GroupMember.objects.create(group=group, kind=GroupMember.Kind.USER)
        GroupMember.objects.create(group=group, kind=GroupMember.Kind.COORDINATOR)
        nav_member = GroupMember.objects.create(group=group, kind=GroupMember.Kind.ORGANISATION, organisation=nav,
                                                role=f"{secret} saksbehandler")
    meeting_day = day + datetime.timedelta(days=14)
    with _travel(meeting_day, 8):
        meeting = Meeting.objects.create(group=group, starts_at=at(meeting_day, 12), place=Meeting.Place.USER_HOME,
                                         place_detail=f"{secret}gata 1", note=f"{secret} innkalling", created_by=tp)
        Attendance.objects.create(meeting=meeting, member=nav_member, status=Attendance.Status.APOLOGIES,
                                  message=f"{secret} forfall")
        Attendance.objects.create(meeting=meeting, member=user_member, status=Attendance.Status.PRESENT)
        agenda = AgendaItem.objects.create(meeting=meeting, kind=AgendaItem.Kind.PLAN_STEP, title=f"{secret} punkt",
                                           step=step)
        meeting.status = Meeting.Status.HELD
        meeting.held_at = timezone.now()
        meeting.save()
        minutes = Minutes.objects.create(meeting=meeting, situation=f"{secret} situasjon",
                                         point_notes={str(agenda.pk): f"{secret} notat"},
                                         decisions=f"{secret} beslutning", created_by=tp)
        MinutesComment.objects.create(minutes=minutes, author=tp, text=f"{secret} referatkommentar",
                                      minutes_version=1)
        if account is not None:
            MinutesRead.objects.create(minutes=minutes, reader=account, version=1, read_at=timezone.now())
        action = ActionItem.objects.create(group=group, meeting=meeting, what=f"{secret} oppgave",
                                           responsible=nav_member, due_on=meeting_day + datetime.timedelta(days=14))
        QualityOfLifeRound.objects.create(follow_up=case, taken_on=started_on, kind="start", o3="nei", s13=2, s1=3,
                                          recorded_by=tp)
        QualityOfLifeRound.objects.create(follow_up=case, taken_on=meeting_day, kind="follow_up", o3="ja", s13=4,
                                          s1=4, recorded_by=tp)
        crisis = CrisisPlan.objects.filter(service_user=person, archived_at__isnull=True).first()
        if crisis is None:
            crisis = CrisisPlan.objects.create(service_user=person, warning_signs=f"{secret} varsel", created_by=tp)
            CrisisContact.objects.create(crisis_plan=crisis, name=f"{secret} søster", phone="+4790000003")
            CrisisSignOff.objects.create(crisis_plan=crisis, name=f"{secret}fornavn", by_owner=True, how="paper",
                                         signed_on=meeting_day, plan_version=1, recorded_by=tp)
            EmergencyAccess.objects.create(person=tp, organisation=nav, service_user=person, reason=f"{secret} nød",
                                           expires_at=timezone.now() + datetime.timedelta(hours=12))
        AccessEvent.objects.create(service_user=person, actor=tp, actor_name="Tillit", what=f"{secret} les",
                                   channel=AccessEvent.Channel.WEB)
        ct = ContentType.objects.get_for_model
        for about, recipient in ((step, {"recipient_service_user": person}), (meeting, {"recipient_user": tp}),
                                 (action, {"recipient_user": tp}), (case, {"recipient_user": tp}),
                                 (crisis, {"recipient_user": tp})):
            Notification.objects.create(channel=Notification.Channel.IN_APP, subject=f"{secret} emne",
                                        body=f"{secret} tekst", about_type=ct(about), about_id=about.pk,
                                        due_at=timezone.now(), state=Notification.State.SENT, **recipient)
        Notification.objects.create(channel=Notification.Channel.SMS, subject=f"{secret} til personen",
                                    body=f"{secret} sms", address="+4791111111", recipient_service_user=person,
                                    due_at=timezone.now(), state=Notification.State.SENT)
    if ended_on is not None:
        with _travel(ended_on, 15):
            EndEvaluation.objects.create(follow_up=case, achieved=f"{secret} oppnådd",
                                         what_helped=f"{secret} hjalp", user_part="together", written_by=tp)
            case.status = FollowUp.Status.ENDED
            case.ended_on = ended_on
            case.ending_reason = FollowUp.EndingReason.HANDED_OVER
            case.ending_note = f"{secret} avslutning"
            case.taken_over_by_name = f"{secret} tar over"
            case.open_door_until = open_door_until
            case.user_notice = f"{secret} beskjed"
            case._change_reason = f"{secret} grunn"
            case.save()
    return Built(person, case, account)


def traces(secret: str) -> dict[str, int]:
    """Every row of every table (history tables included) with ``secret`` in a text column: {"table.column": n}."""
    from django.apps import apps
    from django.db import models

    found = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
                n = model._default_manager.filter(**{f"{field.attname}__contains": secret}).count()
            elif isinstance(field, models.JSONField):
                n = sum(secret in str(value) for value in model._default_manager.values_list(field.attname,
                                                                                              flat=True))
            else:
                continue
            if n:
                found[f"{model._meta.db_table}.{field.attname}"] = n
    return found
