"""The gate on every meetings page, for every persona.

Read pages: the case's staff (trust person, deputy, leader), the owner, and a member while the owner's meetings
consent to them is in force get 200. A member whose consent has expired, was withdrawn or lacks the meetings scope,
a partner outside the group, the other user, another trust person, a leader elsewhere and an administrator get 404.
Anonymous is sent to log in. Pages that change something: staff 200, the owner and partner members 403 (they may see
the meeting but not do that), everyone else 404.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from koordinator import access
from meetings import services
from meetings.models import GroupMember
from tests.conftest import login
from tests.meetings.conftest import days, later, past_meeting

pytestmark = pytest.mark.django_db

STAFF = ["trust_person", "deputy", "leader"]
MEMBERS = ["partner_valid", "partner_org_member"]
OUTSIDE = ["partner_expired", "partner_withdrawn", "partner_wrong_scope", "partner_none", "other_owner",
           "other_trust_person", "other_leader", "admin"]
PERSONAS = STAFF + ["owner"] + MEMBERS + OUTSIDE + ["anonymous"]


@pytest.fixture
def objects(world, group, gp_member, nav_member):
    """One of everything in the world's group. The expired, withdrawn and wrong-scope partners were made members
    earlier, while it was allowed (set up directly)."""
    tp = world.trust_person
    for persona in ("partner_expired", "partner_withdrawn", "partner_wrong_scope"):
        GroupMember.objects.create(group=group, kind="person", person=world.persona(persona), role="tidligere")
    held = past_meeting(tp, group, 7)
    services.record_attendance(tp, held, {gp_member: "present"})
    minutes = services.start_minutes(tp, held)
    services.write_minutes(tp, minutes, 1, situation="Stabil.")
    services.mark_minutes_ready(tp, minutes)
    item = services.add_action_item(tp, held, what="Fornye resepter", responsible=gp_member, due_on=days(7))
    upcoming = services.schedule_meeting(tp, group, starts_at=later(3), place="office")
    record = minutes.history.order_by("history_date").first()
    return {"group": group.pk, "held": held.pk, "upcoming": upcoming.pk, "minutes": minutes.pk, "item": item.pk,
            "history": record.history_id}


# (URL name, the objects it takes)
READ_PAGES = [
    ("group_detail", ("group",)),
    ("meeting_detail", ("held",)),
    ("meeting_detail", ("upcoming",)),
    ("meeting_calendar", ("upcoming",)),
    ("minutes_timeline", ("minutes",)),
    ("minutes_pdf", ("minutes",)),
    ("minutes_comment", ("minutes",)),
    ("meeting_apologies", ("upcoming",)),
    ("agenda_propose", ("upcoming",)),
]
MANAGE_PAGES = [
    ("group_member_add", ("group",)),
    ("group_status", ("group",)),
    ("meeting_create", ("group",)),
    ("meeting_edit", ("upcoming",)),
    ("meeting_cancel", ("upcoming",)),
    ("meeting_attendance", ("held",)),
    ("minutes_edit", ("minutes",)),
    ("minutes_restore", ("minutes", "history")),
    ("action_item_create", ("held",)),
    ("action_item_edit", ("item",)),
    ("meeting_revise_plan", ("held",)),
    ("meeting_hand_over_chair", ("upcoming",)),
]


def expected_read(persona: str) -> int:
    return 404 if persona in OUTSIDE else 200


def expected_manage(persona: str) -> int:
    if persona in STAFF:
        return 200
    return 403 if persona in ["owner", *MEMBERS] else 404


def fetch(client, world, persona: str, name: str, args: tuple, objects: dict):
    user = world.persona(persona)
    if user is not None:
        access.forget(user)
    login(client, user)
    return client.get(reverse(name, args=[objects[a] for a in args]))


def check(response, persona: str, expected: int) -> None:
    if persona == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
    else:
        assert response.status_code == expected, (persona, response.status_code)


@pytest.mark.parametrize("persona", PERSONAS)
def test_read_pages(client, world, objects, persona):
    for name, args in READ_PAGES:
        check(fetch(client, world, persona, name, args, objects), persona, expected_read(persona))


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_that_change_something(client, world, objects, persona):
    for name, args in MANAGE_PAGES:
        check(fetch(client, world, persona, name, args, objects), persona, expected_manage(persona))


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_users_answer_page(client, world, objects, persona):
    expected = 200 if persona in [*STAFF, "owner"] else 403 if persona in MEMBERS else 404
    check(fetch(client, world, persona, "minutes_respond", ("minutes",), objects), persona, expected)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_action_item_status_page(client, world, objects, persona):
    # The GP is responsible; staff lead; the owner and NAV may see it but not update it.
    expected = 200 if persona in [*STAFF, "partner_valid"] else 403 if persona in ["owner", "partner_org_member"] \
        else 404
    check(fetch(client, world, persona, "action_item_status", ("item",), objects), persona, expected)


@pytest.mark.parametrize("persona", PERSONAS)
def test_posts_outside_the_gate_are_404_and_change_nothing(client, world, objects, persona):
    from meetings.models import Comment, Meeting

    if persona not in OUTSIDE:
        return
    login(client, world.persona(persona))
    assert client.post(reverse("meeting_cancel", args=[objects["upcoming"]]), {"reason": "x"}).status_code == 404
    assert client.post(reverse("minutes_comment", args=[objects["minutes"]]), {"text": "x"}).status_code == 404
    assert client.post(reverse("meeting_apologies", args=[objects["upcoming"]]), {}).status_code == 404
    assert Meeting.objects.get(pk=objects["upcoming"]).status == "planned"
    assert not Comment.objects.exists()


def test_a_member_whose_consent_is_withdrawn_gets_404_on_the_next_request(client, world, objects):
    from koordinator.services import withdraw_consent

    login(client, world.partner_valid)
    assert client.get(reverse("meeting_detail", args=[objects["held"]])).status_code == 200
    withdraw_consent(world.trust_person, world.consent_valid)
    assert client.get(reverse("meeting_detail", args=[objects["held"]])).status_code == 404
    assert client.get(reverse("minutes_pdf", args=[objects["minutes"]])).status_code == 404


def test_pages_refuse_the_wrong_method(client, world, objects):
    login(client, world.trust_person)
    assert client.post(reverse("meeting_detail", args=[objects["held"]])).status_code == 405
    assert client.get(reverse("minutes_ready", args=[objects["minutes"]])).status_code == 405
    assert client.get(reverse("meeting_held", args=[objects["held"]])).status_code == 405
    assert client.get(reverse("minutes_start", args=[objects["held"]])).status_code == 405
