"""The meetings' resources in the access gate (registered with ``koordinator.access.register_policy``).

Who sees a responsibility group and everything in it (members, meetings, attendance, agenda, minutes, comments,
action items):

* the case's staff: the trust person, the case's deputy or the trust person's standing deputy, and a leader in
  the case's municipality;
* the owner (the service user with a login);
* a member of the group (a person, or anyone in a member organisation) **only while the owner's consent with the
  meetings scope to them is in force**: when it expires or is withdrawn, the next request is a 404;
* nobody else (other users, administrators, anonymous).

Who may change through the gate: the staff and the owner; a partner member only their own attendance (apologies),
the action items they are responsible for, and their own comments. Reading marks (``MinutesRead``) are the
reader's own; the staff and the owner see who has read the minutes. ``meetings.services`` decides the finer rules
(the chair writes the minutes, the user approves them, …).

Like the other policies these return ``Q`` objects built from ``__in`` lists or sub-queries, across foreign keys
at most (one row each), never joins that duplicate rows.
"""

from __future__ import annotations

from django.db.models import Q

from koordinator.access import VIEW, Actor, consented_owner_ids, ids, per_request, staff_case_ids

NOTHING = Q(pk__in=[])


@per_request
def partner_member_ids(actor: Actor):
    """Sub-query: the current group members ``actor`` acts as, where the owner's meetings consent is in force.

    A person member is the person; an organisation member is anyone with a partner role in that organisation.
    """
    from koordinator.models import Consent
    from meetings.models import GroupMember

    if not actor.is_authenticated:
        return GroupMember.objects.none().values("pk")
    mine = Q(kind=GroupMember.Kind.PERSON, person_id=actor.user_id)
    if actor.partner_organisation_ids:
        mine |= Q(kind=GroupMember.Kind.ORGANISATION, organisation_id__in=actor.partner_organisation_ids)
    return ids(
        actor,
        GroupMember.objects.current().filter(
            mine, group__follow_up__service_user_id__in=consented_owner_ids(actor, Consent.Scope.MEETINGS)
        ),
        small=True,
    )


@per_request
def owner_member_ids(actor: Actor):
    """Sub-query: the owner's own ``user`` members (in their groups)."""
    from meetings.models import GroupMember

    if actor.service_user_id is None:
        return GroupMember.objects.none().values("pk")
    return ids(
        actor, GroupMember.objects.filter(kind=GroupMember.Kind.USER, group__follow_up__service_user_id=actor.service_user_id),
        small=True,
    )


@per_request
def group_ids(actor: Actor, action: str = VIEW, *, staff: bool = True, owner: bool = True, members: bool = True):
    """Sub-query: the groups ``actor`` reaches for ``action`` in the given roles (members only ever view)."""
    from meetings.models import Group, GroupMember

    q = NOTHING
    if staff:
        q |= Q(follow_up_id__in=staff_case_ids(actor))
    if owner and actor.service_user_id is not None:
        q |= Q(follow_up__service_user_id=actor.service_user_id)
    if members and action == VIEW:
        q |= Q(pk__in=GroupMember.objects.filter(pk__in=partner_member_ids(actor)).values("group_id"))
    return ids(actor, Group.objects.filter(q), small=True)


# --- policies --------------------------------------------------------------------------------------------------


def groups_policy(actor: Actor, action: str) -> Q:
    return Q(pk__in=group_ids(actor, action))


def in_group_policy(actor: Actor, action: str) -> Q:
    """Members and meetings: whoever reaches the group."""
    return Q(group_id__in=group_ids(actor, action))


def in_meeting_policy(actor: Actor, action: str) -> Q:
    """Agenda items, minutes and attendance: whoever reaches the meeting, that is its group (a join along the
    foreign key, one row each). The groups' id list is the one the meetings' own policy reads, so in a request a
    page that read the meeting asks nothing more for what is in it; and the database starts from the reader's groups
    and the (group, starts_at) index instead of from every row of the table (1.2 s for a leader's attendance list
    at the national size with a sub-query of meetings)."""
    return Q(meeting__group_id__in=group_ids(actor, action))


def attendance_policy(actor: Actor, action: str) -> Q:
    """Everyone who reaches the meeting sees it; a partner member may change their own (send apologies)."""
    q = in_meeting_policy(actor, action)
    if action != VIEW:
        q |= Q(member_id__in=partner_member_ids(actor))
    return q


def action_items_policy(actor: Actor, action: str) -> Q:
    """Everyone who reaches the group sees them; the responsible partner may change theirs (status and note)."""
    q = in_group_policy(actor, action)
    if action != VIEW:
        q |= Q(responsible_id__in=partner_member_ids(actor))
    return q


def comments_policy(actor: Actor, action: str) -> Q:
    """Everyone who reaches the minutes (their meeting's group) sees the comments; an author may change their own
    while they still may see the minutes."""
    if action == VIEW:
        return Q(minutes__meeting__group_id__in=group_ids(actor, VIEW))
    return Q(minutes__meeting__group_id__in=group_ids(actor, action)) | Q(
        author_id=actor.user_id, minutes__meeting__group_id__in=group_ids(actor, VIEW)
    )


def minutes_reads_policy(actor: Actor, action: str) -> Q:
    """Readers see and change their own marks on minutes they may see; the case's staff and the owner see who has
    read what (the owner's right to see who has looked at what is written about them)."""
    own = Q(reader_id=actor.user_id, minutes__meeting__group_id__in=group_ids(actor, VIEW))
    if action != VIEW:
        return own
    staff_and_owner = Q(minutes__meeting__group__follow_up_id__in=staff_case_ids(actor))
    if actor.service_user_id is not None:
        staff_and_owner |= Q(minutes__meeting__group__follow_up__service_user_id=actor.service_user_id)
    return own | staff_and_owner


POLICIES = {
    "meeting_groups": groups_policy,
    "group_members": in_group_policy,
    "meetings": in_group_policy,
    "meeting_attendance": attendance_policy,
    "agenda_items": in_meeting_policy,
    "minutes": in_meeting_policy,
    "minutes_comments": comments_policy,
    "minutes_reads": minutes_reads_policy,
    "action_items": action_items_policy,
}


def register() -> None:
    from koordinator.access import register_policy

    for name, policy in POLICIES.items():
        register_policy(name, policy)
