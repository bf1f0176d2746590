"""What the benchmark visits: for each demo role, its floor, its main pages and PDFs, and the API.

The pages are named in the issue (11): the worklist, case, person, plan, follow-up log, quick entry, meeting,
minutes, crisis plan, Min side, the leader's overview, activity, coverage and meetings pages, the three PDFs (the
plan, the crisis plan, the minutes). They are looked up by the demo's names (``demo/core.py``): Kari Nordmann
(``bruker1``), her case with ``tillit1``, her plan, crisis plan and responsibility group, and the group's latest
held meeting with minutes. A partner sees what the owner consented to, so a partner's plan, crisis plan and
meeting are the first the access gate shows them, Kari's if it shows hers.

The API is found in the URLconf, so a new endpoint is measured without a change here: every list
(``api-…-list``) and ``api/v1/me/``, for every role that gets a 200 from it, and every detail (``api-…-detail``)
of one object the role can see: Kari's when the role sees it, else the first in the role's own list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model
from django.urls import get_resolver, reverse

from koordinator.models import Appointment, Consent, FollowUp, FollowUpEntry, NextOfKin, ServiceUser, User
from meetings.models import ActionItem, Attendance, Group, GroupMember, Meeting, Minutes
from plans.models import CrisisPlan, Goal, Measure, Plan, Step
from reach.callbacks import link_token
from reach.models import CallbackRequest, Message

# The demo's log-ins, in the order the tables list them.
ROLES = ("tillit1", "leder", "bruker1", "nav1", "dps1", "lege1")
OWNER = "bruker1"  # Kari Nordmann: her case, plan, crisis plan and group are the objects measured

FLOOR = "floor"
PAGE = "page"
PDF = "pdf"
API_LIST = "api list"
API_DETAIL = "api detail"
KINDS = (FLOOR, PAGE, PDF, API_LIST, API_DETAIL)


@dataclass(frozen=True)
class Target:
    role: str
    name: str
    kind: str
    url: str

    @property
    def key(self) -> str:
        """Stable across runs and databases (the URL's ids may differ): how a comparison finds its pair."""
        return f"{self.role}/{self.name}"


class SetupError(Exception):
    """The database does not hold what the benchmark measures (not the demo, or part of it missing)."""


@dataclass
class Subjects:
    """Kari Nordmann's objects, found by the demo's names."""

    users: dict[str, User]
    service_user: ServiceUser
    case: FollowUp
    plan: Plan
    crisis_plan: CrisisPlan
    group: Group
    meeting: Meeting
    minutes: Minutes
    # The preferred object of each API detail, by the route's basename (``api-plan`` …): Kari's.
    api_objects: dict[str, Model | None] = field(default_factory=dict)


def _required(obj, what: str):
    if obj is None:
        raise SetupError(f"Fant ikke {what} i databasen. Er demodataene lastet (manage.py seed_demo)?")
    return obj


def find_subjects() -> Subjects:
    users = {u.username: u for u in User.objects.filter(username__in=ROLES)}
    missing = [name for name in ROLES if name not in users]
    if missing:
        raise SetupError(f"Fant ikke demobrukerne {', '.join(missing)}. Kjør manage.py seed_demo først.")
    su = _required(ServiceUser.objects.filter(user=users[OWNER]).first(), f"brukeren til {OWNER}")
    case = _required(
        FollowUp.objects.filter(service_user=su).exclude(status=FollowUp.Status.ENDED).order_by("-pk").first(),
        "Kari Nordmanns åpne sak",
    )
    plan = _required(Plan.objects.filter(follow_up=case).order_by("-pk").first(), "Kari Nordmanns plan")
    crisis = _required(CrisisPlan.objects.current().filter(service_user=su).order_by("-pk").first(),
                       "Kari Nordmanns kriseplan")
    group = _required(Group.objects.filter(follow_up=case).order_by("-pk").first(),
                      "Kari Nordmanns ansvarsgruppe")
    meeting = _required(
        Meeting.objects.filter(group=group, status=Meeting.Status.HELD, minutes__isnull=False)
        .order_by("-starts_at", "-pk").first(),
        "et holdt møte med referat i Kari Nordmanns ansvarsgruppe",
    )
    subjects = Subjects(users, su, case, plan, crisis, group, meeting, meeting.minutes)
    first = _first_by_pk
    subjects.api_objects = {
        "api-service-user": su,
        "api-follow-up": case,
        "api-consent": first(Consent.objects.filter(owner=su)),
        "api-next-of-kin": first(NextOfKin.objects.filter(service_user=su)),
        "api-appointment": first(Appointment.objects.filter(service_user=su)),
        "api-followup-entry": FollowUpEntry.objects.filter(follow_up=case).order_by("-pk").first(),
        "api-plan": plan,
        "api-goal": first(Goal.objects.filter(plan=plan)),
        "api-step": first(Step.objects.filter(goal__plan=plan)),
        "api-measure": first(Measure.objects.filter(plan=plan)),
        "api-crisis-plan": crisis,
        "api-meeting-group": group,
        "api-group-member": first(GroupMember.objects.filter(group=group)),
        "api-meeting": meeting,
        "api-attendance": first(Attendance.objects.filter(meeting=meeting)),
        "api-minutes": meeting.minutes,
        "api-action-item": first(ActionItem.objects.filter(group=group)),
        # «Ring meg» (issue 16): Kari's latest request (she asked today in the demo).
        "api-callback": CallbackRequest.objects.filter(service_user=su).order_by("-requested_at", "-pk").first(),
        # Messages (issue 16): the newest in Kari's thread with tillit1.
        "api-message": Message.objects.filter(case=case).order_by("-sent_at", "-pk").first(),
    }
    return subjects


def _first_by_pk(qs):
    return qs.order_by("pk").first()


def _gated_pick(qs, preferred: Model | None) -> Model | None:
    """Kari's object if the gate shows it to the user, else the first the gate shows (by id), else None."""
    if preferred is not None and qs.filter(pk=preferred.pk).exists():
        return preferred
    return qs.order_by("pk").first()


# --- the pages ------------------------------------------------------------------------------------------------

# A page: (name, kind, URL name, the object whose id goes in the URL).
PageSpec = tuple[str, str, str, Model | None]


def _staff_pages(s: Subjects) -> list[PageSpec]:
    return [
        ("worklist", PAGE, "worklist", None),
        ("appointments", PAGE, "appointments", None),
        ("handover", PAGE, "handover", None),
        ("notifications", PAGE, "notifications", None),
        ("case", PAGE, "followup_detail", s.case),
        ("person", PAGE, "service_user_detail", s.service_user),
        ("plan", PAGE, "plan_detail", s.plan),
        ("follow-up log", PAGE, "followup_log", s.case),
        ("quick entry", PAGE, "followup_entry_quick", s.case),
        ("group", PAGE, "group_detail", s.group),
        ("meeting", PAGE, "meeting_detail", s.meeting),
        ("minutes", PAGE, "minutes_edit", s.minutes),
        ("crisis plan", PAGE, "crisis_plan_detail", s.crisis_plan),
        ("messages", PAGE, "reach_case_messages", s.case),
        ("plan PDF", PDF, "plan_pdf", s.plan),
        ("crisis plan PDF", PDF, "crisis_plan_pdf", s.crisis_plan),
        ("minutes PDF", PDF, "minutes_pdf", s.minutes),
    ]


def _leader_pages(s: Subjects) -> list[PageSpec]:
    return [
        ("leader overview", PAGE, "leader_overview", None),
        ("activity", PAGE, "leader_activity", None),
        ("coverage", PAGE, "coverage", None),
        ("meetings (leader)", PAGE, "leader_meetings", None),
        ("absences", PAGE, "absences", None),
        ("case", PAGE, "followup_detail", s.case),
        ("person", PAGE, "service_user_detail", s.service_user),
        ("messages", PAGE, "reach_case_messages", s.case),
        ("Ring meg (leader)", PAGE, "leader_callbacks", None),
    ]


def _owner_pages(s: Subjects) -> list[PageSpec]:
    return [
        ("Min side", PAGE, "my_page", None),
        ("Ring meg", PAGE, "my_callback", None),
        ("messages", PAGE, "reach_my_messages", None),
        ("my log", PAGE, "my_log", None),
        ("my access log", PAGE, "my_access_log", None),
        ("notifications", PAGE, "notifications", None),
        ("plan", PAGE, "plan_detail", s.plan),
        ("crisis plan", PAGE, "crisis_plan_detail", s.crisis_plan),
        ("group", PAGE, "group_detail", s.group),
        ("meeting", PAGE, "meeting_detail", s.meeting),
    ]


def _partner_pages(s: Subjects, user: User) -> list[PageSpec]:
    pages: list[PageSpec] = [
        ("partner home", PAGE, "partner_home", None),
        ("my groups", PAGE, "my_groups", None),
        ("my action items", PAGE, "my_action_items", None),
    ]
    plan = _gated_pick(Plan.objects.for_user(user), s.plan)
    crisis = _gated_pick(CrisisPlan.objects.for_user(user).current(), s.crisis_plan)
    meeting = _gated_pick(
        Meeting.objects.for_user(user).filter(status=Meeting.Status.HELD, minutes__isnull=False), s.meeting
    )
    for name, kind, url_name, obj in (
        ("plan", PAGE, "plan_detail", plan),
        ("crisis plan", PAGE, "crisis_plan_detail", crisis),
        ("meeting", PAGE, "meeting_detail", meeting),
        ("plan PDF", PDF, "plan_pdf", plan),
    ):
        if obj is not None:
            pages.append((name, kind, url_name, obj))
    return pages


def _fhir_targets(s: Subjects, role: str) -> list[PageSpec]:
    """The FHIR API's ``Patient/{id}/$everything`` (issue 15) of Kari, whose history the demo fills in every part the
    bundle carries (a plan with steps over months, measures, a crisis plan with contacts, a group, consents), for
    every role the gate shows her to: everything about her as one Bundle, in a fixed number of queries however long
    her history (tests/exchange/test_fhir_queries.py)."""
    if not ServiceUser.objects.for_user(s.users[role]).filter(pk=s.service_user.pk).exists():
        return []
    return [("fhir everything", API_DETAIL, "fhir-everything", s.service_user)]


def page_targets(s: Subjects) -> list[Target]:
    from bench.urls import FLOOR_URL_NAME

    specs: dict[str, list[PageSpec]] = {
        "tillit1": _staff_pages(s),
        "leder": _leader_pages(s),
        OWNER: _owner_pages(s),
        **{role: _partner_pages(s, s.users[role]) for role in ("nav1", "dps1", "lege1")},
    }
    targets = []
    for role in ROLES:
        targets.append(Target(role, FLOOR, FLOOR, reverse(FLOOR_URL_NAME)))
        for name, kind, url_name, obj in specs[role] + _fhir_targets(s, role):
            url = reverse(url_name, args=[obj.pk]) if obj is not None else reverse(url_name)
            targets.append(Target(role, name, kind, url))
    # «Ring meg»'s link at the end of every SMS (issue 16): the page behind Kari's, as she opens it from her phone.
    targets.append(Target(OWNER, "Ring meg link", PAGE, reverse("callback_link", args=[link_token(s.service_user.pk)])))
    return targets


# --- the API ----------------------------------------------------------------------------------------------------


def api_basenames() -> list[str]:
    """Every router basename with a list route, from the URLconf (``api-plan`` for ``api-plan-list``)."""
    names = [key for key in get_resolver().reverse_dict if isinstance(key, str)]
    return sorted(name.removesuffix("-list") for name in names if name.startswith("api-") and name.endswith("-list"))


def has_detail(basename: str) -> bool:
    return f"{basename}-detail" in get_resolver().reverse_dict


def api_list_target(role: str, basename: str) -> Target:
    return Target(role, f"api {basename.removeprefix('api-')} list", API_LIST, reverse(f"{basename}-list"))


def api_me_target(role: str) -> Target:
    return Target(role, "api me", API_LIST, reverse("api-me"))


def api_detail_target(role: str, basename: str, pk: int) -> Target:
    return Target(role, f"api {basename.removeprefix('api-')} detail", API_DETAIL,
                  reverse(f"{basename}-detail", args=[pk]))
