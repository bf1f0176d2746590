"""The meetings' demo data (demo/meetings.py): groups for about half of the open cases, bruker1's group with nav1.

The demo is loaded once for the package (``tests/demo/conftest.py``) and the tests only read it; a test that writes
(bruker1 approving) does it inside its own transaction, which is rolled back. That seeding again adds no row is
checked in ``test_seed_demo.py``.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from demo import core as demo
from demo.meetings import MEETING_MODELS, GroupScript, MeetingsSection
from demo.meetings import scripts as demo_scripts
from koordinator import access
from koordinator.models import Consent, FollowUp, Notification, User
from meetings import selectors, services
from meetings.models import ActionItem, Attendance, Group, GroupMember, Meeting, Minutes
from tests.demo.world import user

pytestmark = pytest.mark.django_db


def group_of(username: str) -> Group:
    return Group.objects.get(follow_up__service_user__user__username=username)


def today() -> datetime.date:
    return timezone.localdate()


def test_about_half_of_the_open_cases_in_both_municipalities_have_a_group():
    cases = FollowUp.objects.open()
    with_group = cases.filter(meeting_groups__isnull=False).distinct()
    assert 0.45 <= with_group.count() / cases.count() <= 0.56
    assert with_group.filter(municipality__number="5001").exists()
    assert with_group.filter(municipality__number="5031").exists()
    assert not Group.objects.filter(follow_up__status=FollowUp.Status.ENDED).exists()
    # bruker2 is left without one: tillit2 can make it.
    assert not Group.objects.filter(follow_up__service_user__user__username="bruker2").exists()
    statuses = set(Group.objects.values_list("status", flat=True))
    assert statuses == set(Group.Status.values)
    for group in Group.objects.exclude(status=Group.Status.ACTIVE):
        assert group.status_reason and group.status_changed_at < timezone.now()
    # Groups that are not new have several past meetings each.
    held = Group.objects.annotate(n=Count("meetings", filter=Q(meetings__status=Meeting.Status.HELD)))
    assert held.filter(n__gte=2).count() >= 0.6 * held.count()


def test_bruker1_has_a_group_chaired_by_tillit1_with_nav1_and_not_lege1_whose_consent_lacks_the_scope():
    group = group_of("bruker1")
    tillit1, nav1, lege1 = user("tillit1"), user("nav1"), user("lege1")
    assert group.chair == Group.Chair.COORDINATOR and group.coordinator == tillit1
    members = GroupMember.objects.current().filter(group=group)
    assert set(members.values_list("kind", flat=True)) == {"user", "coordinator", "person"}
    nav_member = members.get(kind=GroupMember.Kind.PERSON)
    assert (nav_member.person, nav_member.organisation.name) == (nav1, "NAV Lerkendal")
    problem = services.consent_problem(group, person=lege1)
    assert "Kriseplan" in problem and "Ansvarsgruppe og møter" in problem
    # Seen by her, her trust person and nav1 (the consent to NAV Lerkendal has the meetings scope).
    for who in ("bruker1", "tillit1", "nav1"):
        assert selectors.visible_groups(user(who)).filter(pk=group.pk).exists(), who
    assert not selectors.visible_groups(lege1).filter(pk=group.pk).exists()


def test_bruker1s_meetings_past_and_next_week_with_an_overdue_item_for_nav1():
    group = group_of("bruker1")
    nav1 = user("nav1")
    held = list(Meeting.objects.filter(group=group, status=Meeting.Status.HELD))
    assert len(held) >= 3
    for meeting in held:
        assert meeting.starts_at < meeting.held_at < timezone.now()
        recorded = set(Attendance.objects.filter(meeting=meeting).values_list("member__kind", flat=True))
        assert recorded == {"user", "coordinator", "person"}
    nxt = selectors.next_meeting_for_owner(user("bruker1"))
    assert nxt is not None and nxt.group == group and nxt.status == Meeting.Status.PLANNED
    assert today() < nxt.local_date <= today() + datetime.timedelta(days=7)
    assert services.chair_of(nxt) == user("tillit1")
    overdue = ActionItem.objects.overdue(today()).filter(group=group, responsible__person=nav1)
    assert overdue.count() == 1
    assert overdue.get() in selectors.my_action_items(nav1)
    # An item she closed herself in the portal, and one nav1 closed.
    assert ActionItem.history.filter(group=group, history_user__username="bruker1", status="done").exists()
    assert ActionItem.history.filter(group=group, history_user=nav1, status="done").exists()


def test_bruker1_approved_disputed_and_has_minutes_waiting_with_changes_since_she_read():
    group = group_of("bruker1")
    bruker1 = user("bruker1")
    minutes = {m.meeting.starts_at: m for m in Minutes.objects.filter(meeting__group=group)}
    statuses = [minutes[k].status for k in sorted(minutes)]
    assert statuses[-1] == Minutes.Status.READY and Minutes.Status.APPROVED in statuses
    history = Minutes.history.filter(meeting__group=group)
    assert history.filter(status=Minutes.Status.DISPUTED, history_user=bruker1).exists()
    assert history.filter(status=Minutes.Status.APPROVED, user_response_how="portal").exists()
    changed = [m for m in minutes.values() if m.changed_since_user_response]
    assert changed
    since = selectors.changes_since_last_read(bruker1, changed[0])
    assert since.has_changes and not since.first_time
    [amendment] = [a for a in selectors.minutes_amendments(user("tillit1"), changed[0]) if "NAV" in a.reason]
    assert amendment.who == "Sigrid Aune"
    # She can approve the waiting minutes from her own log-in (rolled back).
    waiting = minutes[max(minutes)]
    with transaction.atomic():
        approved = services.approve_minutes(bruker1, waiting, based_on_version=waiting.version)
        assert approved.status == Minutes.Status.APPROVED
        transaction.set_rollback(True)


def test_minutes_in_every_state_and_changes_after_approval_with_a_reason():
    statuses = set(Minutes.objects.values_list("status", flat=True))
    assert statuses == set(Minutes.Status.values)
    for minutes in Minutes.objects.exclude(status=Minutes.Status.DRAFT):
        assert minutes.meeting.starts_at < minutes.ready_at <= timezone.now()
    for minutes in Minutes.objects.filter(status__in=Minutes.RESPONDED):
        assert minutes.ready_at <= minutes.user_response_at
        assert minutes.user_response_how in ("portal", "paper", "oral")
    for minutes in Minutes.objects.filter(status=Minutes.Status.DISPUTED):
        assert minutes.disagreement
    amended = [
        m for m in Minutes.objects.filter(status=Minutes.Status.APPROVED) if m.changed_since_user_response
    ]
    assert len(amended) >= 2
    for minutes in amended:
        reasons = minutes.history.exclude(amendment_reason="").values_list("amendment_reason", flat=True)
        assert reasons.exists()


def test_action_items_open_overdue_and_closed_in_every_way_around_their_meetings():
    items = ActionItem.objects.select_related("meeting")
    assert set(items.values_list("status", flat=True)) == set(ActionItem.Status.values)
    assert items.open().filter(due_on__gte=today()).exists()
    assert items.overdue(today()).count() >= 5
    for item in items:
        assert item.due_on >= item.meeting.local_date
        assert item.meeting.status == Meeting.Status.HELD
        if not item.is_open:
            assert item.meeting.local_date <= item.closed_on < today()
            assert item.status != ActionItem.Status.CANCELLED or item.status_note
    # Each one stays on the next meetings' agendas while open: an item from an earlier meeting is on a later one.
    assert Meeting.objects.filter(agenda_items__kind="action_item").exists()


def test_boligkontoret_often_does_not_turn_up_and_is_behind_on_its_items():
    leader = user("leder")
    rows = selectors.attendance_by_organisation(leader)
    worst = rows[0]
    assert worst.organisation.name == "Boligkontoret"
    assert worst.meetings >= 5 and worst.present <= 0.4 * worst.meetings
    assert worst.label == f"Boligkontoret: {worst.present} av {worst.meetings} møter"
    assert {r.organisation.name for r in rows} >= {"Boligkontoret", "NAV Lerkendal", "Lerkendal legesenter"}
    assert all(r.percent > worst.percent for r in rows[1:])
    behind = selectors.overdue_by_organisation(leader)
    assert behind[0].organisation.name == "Boligkontoret" and behind[0].count >= 3
    # The Malvik leader sees none of it.
    assert not selectors.attendance_by_organisation(user("leder_malvik"))


def test_partners_are_members_only_where_the_owners_meetings_consent_is_in_force_and_since_it_began():
    partners = (
        GroupMember.objects.current()
        .filter(kind__in=["person", "organisation"])
        .select_related("group__follow_up__service_user", "person", "organisation")
    )
    assert partners.filter(kind="organisation").exists() and partners.filter(kind="person").exists()
    for member in partners:
        assert services.member_may_see(member), member
        staff = services.is_staff(member.person, member.group) if member.person else False
        if staff:
            continue  # the case's deputy needs no consent
        consent = Consent.objects.valid_on(today()).filter(
            Q(grantee_user=member.person) | Q(grantee_organisation=member.organisation),
            owner=member.group.follow_up.service_user,
            scope_meetings=True,
        )
        assert any(timezone.localtime(member.added_at).date() >= c.valid_from for c in consent), member
    for attendance in Attendance.objects.select_related("meeting", "member"):
        assert attendance.member.added_at <= attendance.meeting.starts_at


def test_upcoming_meetings_moved_cancelled_with_apologies_and_chairs_away():
    planned = Meeting.objects.filter(status=Meeting.Status.PLANNED)
    assert planned.count() >= 10 and not planned.filter(starts_at__lte=timezone.now()).exists()
    assert planned.filter(sequence__gte=1).exclude(status_note="").exists()  # moved, with a reason
    cancelled = Meeting.objects.get(status=Meeting.Status.CANCELLED)
    assert cancelled.status_note and cancelled.cancelled_at < timezone.now()
    assert planned.filter(group=cancelled.group).exists()  # and planned again
    vias = set(Attendance.objects.filter(meeting__in=planned).values_list("via", flat=True))
    assert {Attendance.Via.PAGE, Attendance.Via.LINK} <= vias
    gaps = selectors.meetings_needing_a_chair(user("leder"))
    assert {gap.chair.username for gap in gaps} == {"tillit2", "tillit3"}


def test_bruker3_chairs_her_own_new_group_and_scheduled_the_first_meeting_herself():
    group = group_of("bruker3")
    bruker3 = user("bruker3")
    assert group.chair == Group.Chair.USER
    [meeting] = Meeting.objects.filter(group=group)
    assert meeting.status == Meeting.Status.PLANNED
    assert meeting.history.earliest("history_id").history_user == bruker3
    assert services.chair_of(meeting) == bruker3
    # bruker4's group is on pause since he asked for a break.
    paused = group_of("bruker4")
    assert paused.status == Group.Status.PAUSED and "pause" in paused.status_reason


def test_everything_is_inside_the_gate_of_the_cases_trust_person():
    for tp in User.objects.filter(pk__in=Group.objects.values("follow_up__trust_person")).distinct():
        theirs = Q(follow_up__trust_person=tp)
        assert (
            Group.objects.for_user(tp, access.CHANGE).filter(theirs).count()
            == Group.objects.filter(theirs).count()
        )
        for model in (Meeting, ActionItem):
            own = model.objects.filter(group__follow_up__trust_person=tp)
            assert model.objects.for_user(tp).filter(pk__in=own.values("pk")).count() == own.count(), model
        own = Minutes.objects.filter(meeting__group__follow_up__trust_person=tp)
        assert Minutes.objects.for_user(tp).filter(pk__in=own.values("pk")).count() == own.count()


def test_the_history_reads_as_months_of_use_by_the_people_in_the_groups():
    now = timezone.now()
    for model in MEETING_MODELS:
        rows = model.history.all()
        assert rows.exists(), model
        assert not rows.filter(history_user__isnull=True).exists(), model
        assert not rows.filter(history_user__username=demo.SYSTEM_USERNAME).exists(), model
        assert not rows.filter(history_date__gt=now).exists(), model
    group = group_of("bruker1")
    rows = list(Minutes.history.filter(meeting__group=group).order_by("history_id"))
    dates = [r.history_date for r in rows]
    assert dates == sorted(dates) and (dates[-1] - dates[0]).days >= 60
    assert {r.history_user.username for r in rows} == {"tillit1", "bruker1"}
    # What the services stamped with the time is the time of the event, on the rows and in their history.
    for meeting in Meeting.objects.filter(status=Meeting.Status.HELD):
        first = meeting.history.earliest("history_id")
        assert meeting.created_at == first.history_date < meeting.starts_at
        made_held = meeting.history.filter(status=Meeting.Status.HELD).earliest("history_id")
        assert meeting.held_at == made_held.history_date
        assert meeting.history.latest("history_id").starts_at == meeting.starts_at
    for item in ActionItem.objects.all():
        latest = item.history.latest("history_id")
        assert (latest.closed_on, latest.updated_at, latest.created_at) == (
            item.closed_on,
            item.updated_at,
            item.created_at,
        )
    for group in Group.objects.all():
        assert group.created_at == group.history.earliest("history_id").history_date
        assert not Meeting.objects.filter(group=group, starts_at__lt=group.created_at).exists()


def test_only_this_weeks_news_about_meetings_waits_and_only_in_the_app():
    about = Notification.objects.filter(about_type__app_label="meetings")
    assert about.exists()
    assert not about.exclude(channel=Notification.Channel.IN_APP).exists()
    week_ago = timezone.now() - datetime.timedelta(days=7)
    assert not about.filter(Q(due_at__lt=week_ago) | Q(created_at__lt=week_ago)).exists()
    subjects = set(about.filter(recipient_user__username="tillit1").values_list("subject", flat=True))
    assert "Lise Berg vil lede ansvarsgruppen selv" in subjects
    assert any(s.startswith("Nytt punkt til møtet") for s in subjects)
    assert about.filter(subject__startswith="Forfall:").exists()


def _script_problems(script: GroupScript) -> list[str]:
    """What would make a group's story impossible: an event before the group, after today, or out of order."""
    problems = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            problems.append(f"{script.case.service_user.full_name}: {what}")

    check(
        all(1 <= m.added <= script.created for m in script.members), "a member added outside the group's life"
    )
    if script.chair_by_user is not None:
        check(1 <= script.chair_by_user <= script.created, "the chair taken before the group")
    meetings = [*script.meetings, *(m.replacement for m in script.meetings if m.replacement)]
    for ms in meetings:
        when = f"meeting {ms.ago}"
        check(
            1 <= ms.scheduled <= script.created, f"{when}: scheduled {ms.scheduled} outside the group's life"
        )
        check(ms.scheduled > ms.ago, f"{when}: scheduled after it")
        for ago, *_ in ms.proposals + ms.apologies + ms.comments + ms.reads:
            check(1 <= ago, f"{when}: something happens today or later")
        for ago, *_ in ms.proposals + ms.apologies:
            check(ago <= ms.scheduled and ago > max(ms.ago, 0), f"{when}: a point or apologies outside {ago}")
        for ago in filter(None, [ms.moved and ms.moved[0], ms.cancelled and ms.cancelled[0]]):
            check(1 <= ago <= ms.scheduled, f"{when}: moved or cancelled before it was scheduled")
        if not ms.is_past:
            continue
        check(ms.ago < ms.scheduled, f"{when}: held before it was scheduled")
        steps = [ms.ready, ms.response[0] if ms.response[0] else None, ms.amended and ms.amended[0]]
        steps = [s for s in steps if s]
        check(
            steps == sorted(steps, reverse=True) and all(1 <= s <= ms.ago for s in steps), f"{when}: {steps}"
        )
        for item in ms.items:
            check(item.due <= ms.ago, f"{when}: an item due before the meeting")
            check(item.closed is None or 1 <= item.closed[0] <= ms.ago, f"{when}: an item closed outside")
    return problems


@pytest.mark.parametrize("days_ahead", range(7))
def test_the_stories_hold_together_whatever_the_day_of_the_week(days_ahead):
    """The scripts (not played) for a week of days: every event between the group's start and yesterday, in
    order, and meetings on weekdays."""
    builder = demo.DemoBuilder(today=timezone.localdate() + datetime.timedelta(days=days_ahead))
    builder.users = {u.username: u for u in User.objects.all()}
    builder.system = user(demo.SYSTEM_USERNAME)
    builder.organisations()
    scripts = demo_scripts(MeetingsSection(builder))
    assert len(scripts) >= 20
    problems = [p for script in scripts for p in _script_problems(script)]
    assert not problems, "\n".join(problems)
    days = [builder.today - datetime.timedelta(days=m.ago) for s in scripts for m in s.meetings]
    assert all(day.weekday() < 5 for day in days)


def test_no_minutes_repeat_one_note_under_several_points():
    """Issue 12: bruker1's minutes said «Er i gang. Sier fra til Sigrid når det er gjort.» under three action items,
    one of them done. Every point of a meeting has its own note."""
    written = Minutes.objects.exclude(point_notes={})
    assert written.exists()
    for minutes in written:
        notes = [text for text in minutes.point_notes.values() if text]
        assert len(notes) == len(set(notes)), (minutes.meeting_id, notes)
