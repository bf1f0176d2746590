"""The kinds of the core apps (koordinator, plans, meetings, outcomes), registered by ``RetentionConfig.ready``.

What stays, and why: the half-year report (``outcomes.report``) counts cases and their status history, log entries
by kind, date and grouped place, responsibility-group meetings held and attendance per partner service, measures
and their decision dates, plans' and groups' dates and statuses, quality-of-life scores and the trust persons'
positions. Those rows are **anonymised** (their free text blanked, their history removed) so a half-year's figures
are the same after a run as before it; everything else of the case is **deleted** with its history. A person's own
record (name, national identity number, contact details, next of kin, consents, log-ins, the account) goes last,
when nothing else about them is kept; the row itself stays, nameless, because the report counts persons.

Free text the report groups on is replaced by a neutral text in the same group, never by what was written: a log
entry's place «Hjemme hos Kari» becomes «Hjemme hos brukeren», «Kafé Dromedar» becomes «Annet sted»; a service or
referral written as free text becomes «–» (the report only asks whether there was one).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from retention.kinds import (
    CASE,
    HISTORY_BLANK,
    LONGEST,
    PERSON,
    SHORTEST,
    Blank,
    Kind,
    Remove,
    Target,
    not_counted,
    register,
    register_subject,
    subjects,
)

# What replaces free text the report groups on (never what was written). Plain, and the same in every language.
SOMETHING = "–"
HOME = "Hjemme hos brukeren"  # the report's group «Hjemme hos brukeren» (a place starting with «hjemme hos»)
ELSEWHERE = "Annet sted"  # the report's group «Ute og andre steder»


def _written(field: str):
    """``–`` where the field has any text (not just spaces: the report strips it), else empty."""
    return Case(When(**{f"{field}__regex": r"\S"}, then=Value(SOMETHING)), default=Value(""))


def _case(t: Target) -> dict:
    return {"follow_up_id": t.follow_up_id}


# --- notifications about the case (first: before anything they point at goes) ------------------------------------


def _about_case(t: Target) -> Q:
    q = Q(pk__in=[])
    for model, lookup in subjects():
        ids = model._default_manager.filter(**{lookup: t.follow_up_id}).values("pk")
        q |= Q(about_type=ContentType.objects.get_for_model(model), about_id__in=ids)
    return q


def _about_case_counts(targets: list[Target]) -> dict[Target, int]:
    """How many notifications are about each of the cases, in one query (the leader's page): :func:`_about_case` for
    each case would build a subquery per kind of subject and case."""
    from koordinator.models import Notification

    ids = sorted({t.follow_up_id for t in targets})
    where, case_of = Q(pk__in=[]), []
    for model, lookup in subjects():
        content_type = ContentType.objects.get_for_model(model)
        rows = model._default_manager
        where |= Q(about_type=content_type, about_id__in=rows.filter(**{f"{lookup}__in": ids}).values("pk"))
        case_of.append(When(about_type=content_type,
                            then=Subquery(rows.filter(pk=OuterRef("about_id")).values(lookup)[:1])))
    counted = dict(Notification.objects.filter(where).order_by()
                   .annotate(case=Case(*case_of, output_field=IntegerField())).values("case")
                   .annotate(n=Count("pk")).values_list("case", "n"))
    return {t: counted.get(t.follow_up_id, 0) for t in targets}


def _about(model, lookups) -> Q:
    return Q(about_type=ContentType.objects.get_for_model(model),
             about_id__in=model._default_manager.filter(**lookups).values("pk"))


def _blank_notifications(where, batch=None) -> list:
    """The notifications' texts and addresses, and their delivery attempts' errors (which may quote an address);
    one still waiting is cancelled, so nothing empty is sent. ``batch``: the notifications' counts for the leader's
    page (``Step.batch``); the attempts are not counted there (their notifications are)."""
    from koordinator.models import DeliveryAttempt, Notification

    def values() -> dict:
        return {
            "subject": SOMETHING,
            "body": "",
            "address": "",
            "state": Case(When(state__in=[Notification.State.PENDING, Notification.State.SENDING],
                               then=Value(Notification.State.CANCELLED)), default=F("state")),
        }

    def attempts(t: Target) -> Q:
        return Q(notification__in=Notification.objects.filter(where(t)).values("pk"))

    return [
        Blank(DeliveryAttempt, attempts, values={"error": ""}, batch=not_counted),
        Blank(Notification, where, values=values, batch=batch),
    ]


def _notification_steps():
    return _blank_notifications(_about_case, _about_case_counts)


# --- the follow-up log, appointments and the case's own notes ---------------------------------------------------


def _log_steps():
    from koordinator.models import Appointment, FollowUp, FollowUpEntry, Handover

    place = Case(
        When(place="", then=Value("")),
        When(place__istartswith="hjemme hos", then=Value(HOME)),
        When(Q(place__iexact="kontoret") | Q(place__iexact="på kontoret"), then=F("place")),
        default=Value(ELSEWHERE),
    )
    case_values = {
        "referral_note": "",
        "ending_note": "",
        "user_notice": "",
        "referral_agency_name": _written("referral_agency_name"),
        "taken_over_by_name": _written("taken_over_by_name"),
    }
    return [
        Blank(FollowUpEntry, _case, values=lambda: {
            "note": "", "agreed_next": "", "archived_reason": "", "next_appointment": None, "place": place,
            "service_text": Case(When(service_text="", then=Value("")), default=Value(SOMETHING)),
        }),
        Remove(Appointment, _case),
        Remove(Handover, _case),
        # The case stays (the report counts it, and reads its status history): its notes go, in the history too.
        Blank(FollowUp, lambda t: {"pk": t.follow_up_id}, history_where=lambda t: {"id": t.follow_up_id},
              values=case_values, history=HISTORY_BLANK,
              history_values=lambda: {**case_values, "history_change_reason": ""}),
    ]


# --- the individual plan -------------------------------------------------------------------------------------------


def _plan_steps():
    from plans.models import Comment, Goal, LoggedStep, Measure, Plan, PlanRevision, ProgressNote, Step

    def by_plan(t: Target) -> dict:
        return {"plan__follow_up_id": t.follow_up_id}

    def by_goal(t: Target) -> dict:
        return {"goal__plan__follow_up_id": t.follow_up_id}

    return [
        Remove(Comment, by_plan),
        Remove(ProgressNote, by_plan),
        Remove(LoggedStep, lambda t: {"step__goal__plan__follow_up_id": t.follow_up_id}),
        Remove(PlanRevision, by_plan),
        # Steps and goals stay as empty rows: a responsibility group's agenda may point at a step (kept until the
        # minutes' own period has passed).
        Blank(Step, by_goal, values={"what": "", "how_it_went": "", "suggestion_reply": ""}),
        Blank(Goal, by_plan, values={"text": ""}),
        # Measures stay for the report (decisions by date); what the service was and who decided go.
        Blank(Measure, by_plan, values={"service": "", "extent": "", "decided_by": ""}),
        Blank(Plan, _case, values={**{name: "" for name in Plan.TEXT_FIELDS}, "declined_reason": "",
                                   "end_note": ""}),
    ]


# --- responsibility groups: minutes, agendas, action items ----------------------------------------------------


def _minutes_steps():
    from meetings.models import (
        ActionItem,
        AgendaItem,
        Attendance,
        Comment,
        Group,
        GroupMember,
        Meeting,
        Minutes,
        MinutesRead,
    )

    def by_group(t: Target) -> dict:
        return {"group__follow_up_id": t.follow_up_id}

    def by_meeting(t: Target) -> dict:
        return {"meeting__group__follow_up_id": t.follow_up_id}

    def by_minutes(t: Target) -> dict:
        return {"minutes__meeting__group__follow_up_id": t.follow_up_id}

    return [
        Remove(Comment, by_minutes),
        Remove(MinutesRead, by_minutes),
        Remove(Minutes, by_meeting),
        Remove(AgendaItem, by_meeting),
        Blank(ActionItem, by_group, values={"what": "", "status_note": ""}),
        # Meetings held, who came and which services were members: the report's attendance per partner service.
        Blank(Attendance, by_meeting, values={"message": ""}),
        Blank(Meeting, by_group, values={"note": "", "place_detail": "", "status_note": ""}),
        Blank(GroupMember, by_group, values={"role": "", "removed_reason": ""}),
        Blank(Group, _case, values=lambda: {
            # A paused or closed group must say why (a constraint): a neutral word, not what was written.
            "status_reason": Case(When(status="active", then=Value("")), default=Value(SOMETHING)),
        }),
    ]


# --- quality of life and the end-of-follow-up evaluation ------------------------------------------------------


def _outcome_steps():
    from outcomes.models import EndEvaluation, QualityOfLifeRound

    return [
        Blank(EndEvaluation, _case, values={"achieved": "", "what_helped": "", "needs_to_manage": ""}),
        # The rounds hold no free text; their scores stay for the report, their history (earlier answers) goes.
        Blank(QualityOfLifeRound, _case),
    ]


# --- the person's: the crisis plan, the access log, and their own record last -------------------------------------


def _crisis_steps():
    from plans.models import CrisisContact, CrisisPlan, CrisisSignOff, EmergencyAccess

    def by_plan(t: Target) -> dict:
        return {"crisis_plan__service_user_id": t.service_user_id}

    def person(t: Target) -> dict:
        return {"service_user_id": t.service_user_id}

    def about(t: Target) -> Q:
        return _about(CrisisPlan, person(t)) | _about(EmergencyAccess, person(t))

    return [
        *_blank_notifications(about),
        Remove(CrisisSignOff, by_plan),
        Remove(CrisisContact, by_plan),
        Remove(EmergencyAccess, person),
        Remove(CrisisPlan, person),
    ]


def _access_log_steps():
    from koordinator.models import AccessEvent

    return [Remove(AccessEvent, lambda t: {"service_user_id": t.service_user_id})]


def _person_steps():
    from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
    from django.db.models import CharField
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from rest_framework.authtoken.models import Token

    from koordinator.models import Consent, NextOfKin, ServiceUser, SignIn, SignInIdentity, User
    from koordinator.toolkit.services import record_text

    nothing = Q(pk__in=[])

    def person(t: Target) -> dict:
        return {"service_user_id": t.service_user_id}

    def own_account(t: Target) -> Q:
        # An account that is also staff (a membership) is someone's work account: it stays, only unlinked.
        return Q(pk=t.user_id, memberships__isnull=True) if t.user_id else nothing

    def account(t: Target, field: str = "user_id") -> Q:
        return Q(**{f"{field}__in": User.objects.filter(own_account(t)).values("pk")}) if t.user_id else nothing

    def usernames(t: Target) -> Q:
        return Q(username__in=User.objects.filter(own_account(t)).values("username")) if t.user_id else nothing

    def to_person(t: Target) -> Q:
        q = Q(recipient_service_user_id=t.service_user_id) | _about(ServiceUser, {"pk": t.service_user_id})
        return q | account(t, "recipient_user_id") if t.user_id else q

    return [
        *_blank_notifications(to_person),
        Remove(NextOfKin, person),
        Remove(Consent, lambda t: {"owner_id": t.service_user_id}),
        # The log-in: its identities at the providers, log-ins, API tokens, second factor and django-axes' lines
        # (they carry the username), then the account itself, made nameless and inactive.
        Remove(SignInIdentity, account),
        Remove(SignIn, account),
        Remove(Token, account),
        Remove(TOTPDevice, account),
        Remove(StaticToken, lambda t: Q(device__in=StaticDevice.objects.filter(account(t)).values("pk"))),
        Remove(StaticDevice, account),
        Remove(AccessAttemptExpiration,
               lambda t: Q(access_attempt__in=AccessAttempt.objects.filter(usernames(t)).values("pk"))),
        Remove(AccessAttempt, usernames),
        Remove(AccessLog, usernames),
        Remove(AccessFailureLog, usernames),
        Blank(User, own_account,
              history_where=lambda t: Q(id__in=User.objects.filter(own_account(t)).values("pk")),
              values=lambda: {
                  "username": Concat(Value("slettet-"), Cast("pk", output_field=CharField())),
                  "first_name": "", "last_name": "", "email": "", "phone": "", "title": "", "is_active": False,
                  "password": "!" + get_random_string(40),
              }),
        Blank(ServiceUser, lambda t: {"pk": t.service_user_id}, history_where=lambda t: {"id": t.service_user_id},
              values=lambda: {
                  "first_name": record_text(_("Slettet")), "last_name": "", "birth_date": None, "national_id": "",
                  "phone": "", "email": "", "address": "", "postal_code": "", "city": "", "interpreter_language": "",
                  "user": None, "archived_at": Coalesce(F("archived_at"), Value(timezone.now())),
              }),
    ]


KINDS = (
    Kind("notifications", _("Varsler om saken"), scope=CASE, period=SHORTEST, order=10, steps=_notification_steps,
         short=_("varsler")),
    Kind("followup_log", _("Kontaktlogg, avtaler og notater i saken"), scope=CASE, period="followup_log", order=20,
         steps=_log_steps, short=_("logg og avtaler")),
    Kind("plan", _("Individuell plan"), scope=CASE, period="plan", order=30, steps=_plan_steps, short=_("plan")),
    Kind("minutes", _("Ansvarsgruppe: referater, dagsorden og oppgaver"), scope=CASE, period="minutes", order=40,
         steps=_minutes_steps, short=_("ansvarsgruppe og referater")),
    Kind("outcomes", _("Sluttevaluering og historikk for livskvalitetsrunder"), scope=CASE, period="followup_log",
         order=50, steps=_outcome_steps, short=_("sluttevaluering og livskvalitet")),
    Kind("crisis_plan", _("Kriseplan"), scope=PERSON, period="crisis_plan", order=60, steps=_crisis_steps,
         short=_("kriseplan")),
    Kind("access_log", _("Tilgangslogg: hvem har sett opplysningene"), scope=PERSON, period="access_log", order=70,
         steps=_access_log_steps, short=_("tilgangslogg")),
    Kind("person", _("Personen: navn, fødselsnummer, kontaktopplysninger, pårørende, samtykker og innlogging"),
         scope=PERSON, period=LONGEST, order=90, steps=_person_steps, short=_("personopplysninger og innlogging")),
)


def register_all() -> None:
    from koordinator.models import Appointment, FollowUp, FollowUpEntry
    from meetings.models import ActionItem, AgendaItem, Group, Meeting, Minutes
    from outcomes.models import EndEvaluation, QualityOfLifeRound
    from plans.models import Goal, Measure, Plan, PlanRevision, ProgressNote, Step

    for kind in KINDS:
        register(kind)
    for model, lookup in (
        (FollowUp, "pk"), (Appointment, "follow_up_id"), (FollowUpEntry, "follow_up_id"),
        (Plan, "follow_up_id"), (Goal, "plan__follow_up_id"), (Step, "goal__plan__follow_up_id"),
        (Measure, "plan__follow_up_id"), (PlanRevision, "plan__follow_up_id"), (ProgressNote, "plan__follow_up_id"),
        (Group, "follow_up_id"), (Meeting, "group__follow_up_id"), (Minutes, "meeting__group__follow_up_id"),
        (AgendaItem, "meeting__group__follow_up_id"), (ActionItem, "group__follow_up_id"),
        (EndEvaluation, "follow_up_id"), (QualityOfLifeRound, "follow_up_id"),
    ):
        register_subject(model, lookup)
