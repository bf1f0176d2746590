"""Who in a group is told, and by which channel (used by ``meetings.services`` and ``meetings.reminders``).

Every member is told about meetings, except a partner whose consent is no longer in force: they see nothing of the
group any more, so they get nothing either. The user gets messages by the channel they prefer (SMS, letter, e-mail
or the app); the others by e-mail when they have an address (an e-mail about a meeting carries the ``.ics``
invitation, ``meetings.ics``), else in the app. Notices that are not about the calendar go to the case's staff in
the app only: they are in it every day.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from django.db.models import Model
from django.utils import formats, timezone

from koordinator import continuity, outbox
from koordinator.models import Consent, Membership, ServiceUser, User
from koordinator.timeutil import no_date, no_time
from meetings.models import Group, GroupMember, Meeting


@dataclass(frozen=True)
class Recipient:
    """One person to tell, and the member they are told as (for the apology link)."""

    person: User | ServiceUser
    member: GroupMember
    is_staff: bool = False

    @property
    def key(self) -> str:
        return f"{'su' if isinstance(self.person, ServiceUser) else 'u'}{self.person.pk}"

    def channel(self, *, calendar: bool) -> str | None:
        """``None`` lets the outbox choose the user's preferred channel."""
        if isinstance(self.person, ServiceUser):
            return None
        if self.person.email and (calendar or not self.is_staff):
            return outbox.Channel.EMAIL
        return outbox.Channel.IN_APP


def consent_reach(owner_id: int, day: datetime.date | None = None) -> tuple[set[int], set[int]]:
    """The people and the services the owner's meetings-scope consents reach on ``day``. One query."""
    people, services = set(), set()
    for user_id, organisation_id in Consent.objects.valid_on(day).filter(
        owner_id=owner_id, scope_meetings=True
    ).values_list("grantee_user_id", "grantee_organisation_id"):
        if user_id:
            people.add(user_id)
        if organisation_id:
            services.add(organisation_id)
    return people, services


def consented_user_ids(owner_id: int, users: Iterable[User], day: datetime.date | None = None) -> set[int]:
    """Ids of ``users`` the owner's meetings-scope consent reaches on ``day``, personally or through one of their
    partner services (the gate's rule, ``koordinator.access.valid_consents_to``). Two queries."""
    users = list(users)
    if not users:
        return set()
    people, services = consent_reach(owner_id, day)
    allowed = {u.pk for u in users if u.pk in people}
    if services:
        allowed |= set(
            Membership.objects.filter(
                role=Membership.Role.PARTNER, organisation_id__in=services, user_id__in=[u.pk for u in users]
            ).values_list("user_id", flat=True)
        )
    return allowed


def staff_ids(group: Group) -> set[int]:
    """The case's trust person and its deputy (own or standing): members who need no consent."""
    case = group.follow_up
    deputy = continuity.effective_deputy(case)
    return {case.trust_person_id} | ({deputy.pk} if deputy else set())


def recipients(
    group: Group,
    *,
    members: Iterable[GroupMember] | None = None,
    exclude: User | None = None,
    day: datetime.date | None = None,
) -> list[Recipient]:
    """Everyone to tell among ``members`` (default: every current member), the user first, each person once.

    ``group`` must come with ``follow_up__service_user`` and ``follow_up__trust_person``. ``exclude`` leaves out the
    person who caused the notice. A fixed number of queries however many members.
    """
    case = group.follow_up
    if members is None:
        members = GroupMember.objects.current().filter(group=group).select_related("person", "organisation")
    members = list(members)
    org_ids = {m.organisation_id for m in members if m.kind == GroupMember.Kind.ORGANISATION}
    users_of_org: dict[int, list[User]] = defaultdict(list)
    if org_ids:
        for membership in Membership.objects.filter(
            role=Membership.Role.PARTNER, organisation_id__in=org_ids, user__is_active=True
        ).select_related("user").order_by("user__first_name", "user__last_name", "user_id"):
            users_of_org[membership.organisation_id].append(membership.user)
    staff = staff_ids(group)
    candidates = [m.person for m in members if m.kind == GroupMember.Kind.PERSON]
    candidates += [u for org in org_ids for u in users_of_org[org]]
    allowed = consented_user_ids(case.service_user_id, [u for u in candidates if u.pk not in staff], day) | staff

    found: list[Recipient] = []
    for member in sorted(members, key=lambda m: (m.kind != GroupMember.Kind.USER,
                                                 m.kind != GroupMember.Kind.COORDINATOR, m.pk)):
        if member.kind == GroupMember.Kind.USER:
            found.append(Recipient(case.service_user, member))
        elif member.kind == GroupMember.Kind.COORDINATOR:
            found.append(Recipient(case.trust_person, member, is_staff=True))
        elif member.kind == GroupMember.Kind.PERSON:
            if member.person.is_active and member.person_id in allowed:
                found.append(Recipient(member.person, member, is_staff=member.person_id in staff))
        else:
            found.extend(Recipient(u, member, is_staff=u.pk in staff) for u in users_of_org[member.organisation_id]
                         if u.pk in allowed)
    seen: set[str] = set()
    unique = []
    for recipient in found:
        if recipient.key in seen:
            continue
        if exclude is not None and isinstance(recipient.person, User) and recipient.person.pk == exclude.pk:
            continue
        if exclude is not None and isinstance(recipient.person, ServiceUser) and recipient.person.user_id == exclude.pk:
            continue
        seen.add(recipient.key)
        unique.append(recipient)
    return unique


def tell(
    found: Iterable[Recipient],
    message: Callable[[Recipient], tuple[str, str]],
    *,
    about: Model,
    calendar: bool = False,
    due_at: datetime.datetime | None = None,
    dedupe: Callable[[Recipient], str] | None = None,
    urgent: bool = False,
) -> int:
    """Write one notification per recipient (``message(recipient)`` gives subject and body) in a few queries.

    ``message`` is called by the outbox, in the recipient's language (``outbox.build``): it composes its words with
    ``gettext`` when called, not before. ``urgent`` (a change to today's meeting): an SMS goes out in the quiet hours
    too (``Notification.urgent``)."""
    drafts = []
    for recipient in found:
        draft = outbox.build(
            recipient.person, words=partial(message, recipient), about=about, due_at=due_at,
            channel=recipient.channel(calendar=calendar), dedupe_key=dedupe(recipient) if dedupe else None,
        )
        draft.urgent = urgent
        drafts.append(draft)
    return len(outbox.notify_many(drafts))


# --- words and dates ----------------------------------------------------------------------------------------------


def day_text(day: datetime.date) -> str:
    """«torsdag 26.11.2026»."""
    return f"{formats.date_format(day, 'l')} {no_date(day)}"


def when_text(meeting: Meeting) -> str:
    """«torsdag 26.11.2026 kl. 10.00–11.00»."""
    start = timezone.localtime(meeting.starts_at)
    return f"{day_text(start.date())} kl. {no_time(meeting.starts_at)}–{no_time(meeting.ends_at)}"
