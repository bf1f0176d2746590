"""The meetings' reminders for ``manage.py run_reminders`` (registered with ``koordinator.reminders``).

Both are idempotent: every notification carries a dedupe key (the meeting and its time, or the action item and its
due date, and the person), so running the command again sends nothing twice, while a new time or a new due date
gives a new reminder. The wording is calm: reminders help people with memory problems and must never sound like a
threat. A partner whose consent is no longer in force gets nothing (``meetings.notices.recipients``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from functools import partial

from django.conf import settings
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from koordinator import outbox
from koordinator.models import FollowUp
from koordinator.reminders import register_reminder
from koordinator.timeutil import at, no_date
from meetings import notices
from meetings.models import ActionItem, Attendance, Group, GroupMember, Meeting

MEETING_RELATED = ("group__follow_up__service_user", "group__follow_up__trust_person", "group__follow_up__deputy")


def meeting_reminder_hour() -> int:
    """The reminder goes the day before, from this hour (settings.MEETING_REMINDER_HOUR, default 12)."""
    return int(getattr(settings, "MEETING_REMINDER_HOUR", 12))


def action_item_reminder_hour() -> int:
    """Overdue reminders wait until this hour of the day (settings.ACTION_ITEM_REMINDER_HOUR, default 10)."""
    return int(getattr(settings, "ACTION_ITEM_REMINDER_HOUR", 10))


def meeting_reminder_key(meeting: Meeting, recipient: notices.Recipient) -> str:
    return f"meeting:{meeting.pk}:reminder:{meeting.starts_at.isoformat()}:{recipient.key}"


def overdue_key(item: ActionItem, who: str) -> str:
    return f"action_item:{item.pk}:overdue:{item.due_on.isoformat()}:{who}"


def _meeting_message(meeting: Meeting):
    su = meeting.group.follow_up.service_user

    def message(r: notices.Recipient) -> tuple[str, str]:  # composed by the outbox, in the recipient's language
        when = notices.when_text(meeting)
        if r.member.kind == GroupMember.Kind.USER:
            return (
                _("Påminnelse: møte i ansvarsgruppen din"),
                _("Hei %(name)s. Husk møtet i ansvarsgruppen din %(when)s, %(place)s. Kan du ikke komme, er det helt "
                  "greit: si fra til %(worker)s.")
                % {"name": su.first_name, "when": when, "place": meeting.place_for_user,
                   "worker": meeting.group.follow_up.trust_person.display_name},
            )
        return (
            _("Påminnelse: ansvarsgruppen til %(name)s i morgen") % {"name": su.full_name},
            _("Møte i ansvarsgruppen til %(name)s %(when)s. Sted: %(place)s.")
            % {"name": su.full_name, "when": when, "place": meeting.place_text
               if r.member.kind == GroupMember.Kind.COORDINATOR else meeting.place_for_partner},
        )

    return message


@register_reminder("ansvarsgruppemøter")
def meeting_reminders(now: datetime.datetime) -> int:
    """The day before a planned meeting, from MEETING_REMINDER_HOUR: a reminder to every member who has not sent
    apologies, once per meeting time and person. Not for a meeting planned after that hour (the invitation was
    the reminder)."""
    today = timezone.localdate(now)
    hour = meeting_reminder_hour()
    # Meetings tomorrow once the hour has come today, and any later today not yet reminded.
    last_day = today + datetime.timedelta(days=1) if now >= at(today, hour) else today
    meetings = (
        Meeting.objects.planned()
        .filter(starts_at__gt=now, starts_at__lt=at(last_day + datetime.timedelta(days=1), 0),
                group__status=Group.Status.ACTIVE)
        .exclude(group__follow_up__status=FollowUp.Status.ENDED)
        .select_related(*MEETING_RELATED)
        .order_by("starts_at", "pk")
    )
    meetings = [m for m in meetings if m.created_at < at(m.local_date - datetime.timedelta(days=1), hour)]
    # A meeting already reminded for its current time is done: skip it before asking who to tell (queries per
    # meeting), so a run with nothing due costs the same few queries however many meetings there are.
    written_keys = outbox.written_keys(Meeting, [m.pk for m in meetings], "meeting:")
    reminded = {key.rsplit(":", 1)[0] for key in written_keys}
    written = 0
    for meeting in meetings:
        if f"meeting:{meeting.pk}:reminder:{meeting.starts_at.isoformat()}" in reminded:
            continue
        away = set(Attendance.objects.filter(meeting=meeting, status=Attendance.Status.APOLOGIES)
                   .values_list("member_id", flat=True))
        found = [r for r in notices.recipients(meeting.group, day=today) if r.member.pk not in away]
        written += notices.tell(found, _meeting_message(meeting), about=meeting, calendar=True,
                                dedupe=lambda r, m=meeting: meeting_reminder_key(m, r))
    return written


@register_reminder("oppgaver")
def overdue_action_item_reminders(now: datetime.datetime) -> int:
    """Open action items past their due date: one calm reminder to the responsible (the user by the channel they
    prefer, a partner by e-mail or in the app) and one to the coordinator in the app, once per item and due date.
    From ACTION_ITEM_REMINDER_HOUR."""
    today = timezone.localdate(now)
    if now < at(today, action_item_reminder_hour()):
        return 0
    # An item already reminded for its current due date is done: the database skips it (NOT EXISTS on the
    # notifications' (about_type, about_id) index, the key's prefix built from the row), so a run with nothing due
    # reads no overdue item at all, however many there are (10 s at the national size when they were read and
    # skipped here).
    # An item already reminded for its current due date is done: the database skips it, so a run with nothing due
    # reads no overdue item at all, however many there are (10 s at the national size when they were read and
    # skipped here).
    items = list(
        ActionItem.objects.overdue(today)
        .exclude(outbox.already_written(ActionItem, "action_item:", OuterRef("pk"), ":overdue:", OuterRef("due_on"),
                                        ":", prefix=True))
        .exclude(group__status=Group.Status.CLOSED)
        .exclude(group__follow_up__status=FollowUp.Status.ENDED)
        .select_related(*(f"group__{r}" for r in ("follow_up__service_user", "follow_up__trust_person",
                                                  "follow_up__deputy")),
                        "responsible__person", "responsible__organisation")
        .order_by("group_id", "due_on", "pk")
    )
    by_group: dict[int, list[ActionItem]] = defaultdict(list)
    for item in items:
        by_group[item.group_id].append(item)
    drafts = []
    for group_items in by_group.values():
        group = group_items[0].group
        case = group.follow_up
        responsible = {item.responsible for item in group_items}
        told = defaultdict(list)
        for r in notices.recipients(group, members=responsible, day=today):
            told[r.member.pk].append(r)
        for item in group_items:
            recipients = told[item.responsible_id]
            for r in recipients:
                to_user = r.member.kind == GroupMember.Kind.USER
                drafts.append(outbox.build(r.person, words=partial(_overdue_words, item, case, to_user), about=item,
                                           channel=r.channel(calendar=False), dedupe_key=overdue_key(item, r.key)))
            # The coordinator once, unless they are the one responsible (then they got it above).
            if not any(r.key == f"u{case.trust_person_id}" for r in recipients):
                drafts.append(outbox.build(
                    case.trust_person, words=partial(_overdue_words_to_coordinator, item, case),
                    about=item, channel=outbox.Channel.IN_APP, dedupe_key=overdue_key(item, "coordinator"),
                ))
    return len(outbox.notify_many(drafts))


# The overdue reminders' words, composed by the outbox in the recipient's language.


def _overdue_values(item: ActionItem, case: FollowUp) -> dict:
    su = case.service_user
    what = item.what if len(item.what) <= 160 else item.what[:159] + "…"
    return {"what": what, "date": no_date(item.due_on), "name": su.full_name, "first": su.first_name,
            "worker": case.trust_person.display_name, "who": item.responsible.name_in(case)}


def _overdue_words(item: ActionItem, case: FollowUp, to_user: bool) -> tuple[str, str]:
    values = _overdue_values(item, case)
    if to_user:
        return (_("En vennlig påminnelse"),
                _("Hei %(first)s. «%(what)s» fra ansvarsgruppen din hadde frist %(date)s. Gikk det? Si fra "
                  "til %(worker)s, så oppdaterer dere oppgaven sammen.") % values)
    return (_("Oppgave med passert frist: %(name)s") % values,
            _("Oppgaven «%(what)s» i ansvarsgruppen til %(name)s hadde frist %(date)s og er ikke "
              "markert som gjort. Oppdater den, eller gi beskjed til %(worker)s.") % values)


def _overdue_words_to_coordinator(item: ActionItem, case: FollowUp) -> tuple[str, str]:
    values = _overdue_values(item, case)
    return (_("Oppgave med passert frist: %(name)s") % values,
            _("«%(what)s» (%(who)s) i ansvarsgruppen til %(name)s hadde frist %(date)s og er ikke markert som "
              "gjort.") % values)
