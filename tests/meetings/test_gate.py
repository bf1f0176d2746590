"""The access gate for every meetings model and every persona.

Who sees: the case's staff (trust person, deputy, standing deputy, leader in the municipality), the owner, and a
member of the group while the owner's meetings consent to them is in force. Nobody else: not a partner with consent
who is not a member, not a member whose consent has expired or was withdrawn (404 on the next request), not the
other user, another trust person, a leader elsewhere, an administrator, or anonymous.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from koordinator import access
from koordinator.models import Consent, DeputyArrangement, FollowUp
from koordinator.services import withdraw_consent
from meetings import selectors, services
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
from tests import factories as f
from tests.meetings.conftest import days, past_meeting

pytestmark = pytest.mark.django_db

MODELS = {
    "groups": Group,
    "members": GroupMember,
    "meetings": Meeting,
    "attendance": Attendance,
    "agenda_items": AgendaItem,
    "minutes": Minutes,
    "minutes_reads": MinutesRead,
    "comments": Comment,
    "action_items": ActionItem,
}

STAFF = ["trust_person", "deputy", "leader"]
MEMBERS_WITH_CONSENT = ["partner_valid", "partner_org_member"]
OUTSIDERS = [
    "partner_expired",  # a member whose consent has expired
    "partner_withdrawn",  # a member whose consent was withdrawn
    "partner_wrong_scope",  # a member whose consent lacks the meetings scope
    "partner_not_member",  # consent with the meetings scope, but not in the group
    "partner_none",
    "other_owner",
    "other_trust_person",
    "other_leader",
    "admin",
    "anonymous",
]


@pytest.fixture
def full(world, gp_member, nav_member):
    """One of everything in the world's group. The expired, withdrawn and wrong-scope partners were made members
    earlier, while it was allowed (set up directly)."""
    tp = world.trust_person
    group = gp_member.group
    for persona in ("partner_expired", "partner_withdrawn", "partner_wrong_scope"):
        GroupMember.objects.create(group=group, kind="person", person=world.persona(persona), role="tidligere")
    not_member = f.UserFactory(username="partner_ikke_medlem")
    f.MembershipFactory(user=not_member, organisation=gp_member.organisation, role="partner")
    f.ConsentFactory(owner=world.owner_su, grantee_user=not_member, recorded_by=tp)
    world.partner_not_member = not_member

    meeting = past_meeting(tp, group, 7)
    agenda_item = services.propose_agenda_item(world.partner_valid, meeting, title="Resepter")
    attendance = services.record_attendance(tp, meeting, {gp_member: "present"})[0]
    minutes = services.start_minutes(tp, meeting)
    read = services.mark_minutes_read(world.partner_valid, minutes)
    comment = services.add_comment(world.partner_valid, minutes, "Ok")
    item = services.add_action_item(tp, meeting, what="Resept", responsible=gp_member, due_on=days(3))
    # The other user's group, which none of the world's owner-side personas may see.
    other = services.create_group(world.other_trust_person, world.other_case)
    return {
        "groups": group, "members": gp_member, "meetings": meeting, "attendance": attendance,
        "agenda_items": agenda_item, "minutes": minutes, "minutes_reads": read, "comments": comment,
        "action_items": item, "other_group": other,
    }


def persona(world, name):
    return AnonymousUser() if name == "anonymous" else world.persona(name)


def sees(user, obj) -> bool:
    return type(obj).objects.for_user(user).filter(pk=obj.pk).exists()


def changes(user, obj) -> bool:
    return type(obj).objects.for_user(user, access.CHANGE).filter(pk=obj.pk).exists()


@pytest.mark.parametrize("name", STAFF + ["owner"] + MEMBERS_WITH_CONSENT)
def test_staff_the_owner_and_members_with_consent_see_everything(world, full, name):
    user = persona(world, name)
    hidden = [r for r in MODELS if r != "minutes_reads" and not sees(user, full[r])]
    assert hidden == []


@pytest.mark.parametrize("name", OUTSIDERS)
def test_nobody_else_sees_anything(world, full, name):
    user = persona(world, name)
    assert [r for r in MODELS if sees(user, full[r])] == []


@pytest.mark.parametrize("name", STAFF + ["owner"])
def test_staff_and_the_owner_may_change(world, full, name):
    user = persona(world, name)
    assert [r for r in MODELS if r != "minutes_reads" and not changes(user, full[r])] == []


@pytest.mark.parametrize("name", MEMBERS_WITH_CONSENT + OUTSIDERS)
def test_partners_change_nothing_of_the_group_through_the_gate(world, full, name):
    user = persona(world, name)
    resources = ["groups", "members", "meetings", "agenda_items", "minutes"]
    assert [r for r in resources if changes(user, full[r])] == []


def test_a_partner_changes_their_own_attendance_item_and_comment_but_not_others(world, full):
    gp, nav = world.partner_valid, world.partner_org_member
    for resource in ("attendance", "action_items", "comments"):
        assert changes(gp, full[resource])
        assert not changes(nav, full[resource])


def test_reading_marks_are_the_readers_own_and_the_staff_and_the_owner_see_who_has_read(world, full):
    read = full["minutes_reads"]
    assert sees(world.partner_valid, read) and changes(world.partner_valid, read)
    for name in STAFF + ["owner"]:
        assert sees(world.persona(name), read) and not changes(world.persona(name), read)
    assert not sees(world.partner_org_member, read)


def test_the_other_users_group_is_theirs_and_their_staffs_only(world, full):
    other = full["other_group"]
    assert sees(world.other_trust_person, other) and sees(world.other_owner, other)
    for name in ("trust_person", "owner", "partner_valid", "deputy"):
        assert not sees(persona(world, name), other)
    assert sees(world.leader, other)  # the leader of the municipality sees every case in it


def test_the_standing_deputy_sees_the_group_when_the_case_has_no_deputy_of_its_own(world, full):
    standing = f.UserFactory(username="fast_stedfortreder")
    f.MembershipFactory(user=standing, organisation=world.unit, role="trust_person")
    DeputyArrangement.objects.create(trust_person=world.trust_person, deputy=standing, unit=world.unit,
                                     set_by=world.leader)
    assert not sees(standing, full["groups"])  # the case names its own deputy
    FollowUp.objects.filter(pk=world.case.pk).update(deputy=None)
    assert sees(standing, full["groups"]) and sees(standing, full["minutes"])


def test_a_withdrawn_consent_is_a_404_on_the_next_request(world, full):
    from django.http import Http404

    assert selectors.meeting_page(world.partner_valid, full["meetings"]).minutes is not None
    withdraw_consent(world.trust_person, world.consent_valid, "Vil ikke lenger")
    access.forget(world.partner_valid)
    with pytest.raises(Http404):
        selectors.meeting_page(world.partner_valid, full["meetings"])
    with pytest.raises(Http404):
        selectors.group_page(world.partner_valid, full["groups"])
    assert not sees(world.partner_valid, full["action_items"])


def test_an_expired_consent_shuts_the_door_too(world, full):
    Consent.objects.filter(pk=world.consent_org.pk).update(valid_until=timezone.localdate() - timezone.timedelta(1))
    assert not sees(world.partner_org_member, full["minutes"])


def test_a_removed_member_sees_nothing_more(world, full, gp_member):
    services.remove_member(world.trust_person, gp_member, "Byttet lege")
    assert not sees(world.partner_valid, full["groups"])
    assert not sees(world.partner_valid, full["minutes"])


def test_unknown_actions_deny(world, full):
    assert [r for r, model in MODELS.items() if model.objects.for_user(world.trust_person, "delete").exists()] == []
