"""Progress notes (staff, and the responsible partner with the plan scope) and comments (owner and staff)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans import services
from plans.models import Comment, ProgressNote, Step
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def gp_step(world, goal, gp):
    step, _ = services.add_step(world.trust_person, goal, what="Blodprøver", who_kind=Step.Who.ORGANISATION,
                                who_organisation=gp)
    return step


@pytest.fixture
def gp_measure(world, plan, gp):
    return services.add_measure(world.trust_person, plan, service="Oppfølging hos fastlegen",
                                responsible_organisation=gp)


def test_the_responsible_partner_adds_a_progress_note_to_a_step(client, world, plan, gp_step):
    login(client, world.partner_valid)
    page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert reverse("step_note", args=[gp_step.pk]) in page
    response = client.post(reverse("step_note", args=[gp_step.pk]), {"text": "Prøvene er tatt."})
    assert response.status_code == 302
    note = ProgressNote.objects.get()
    assert note.step == gp_step and note.author == world.partner_valid
    assert "Prøvene er tatt." in client.get(reverse("plan_detail", args=[plan.pk])).content.decode()


def test_the_responsible_partner_adds_a_progress_note_to_a_measure(client, world, plan, gp_measure):
    login(client, world.partner_valid)
    client.post(reverse("measure_note", args=[gp_measure.pk]), {"text": "Time hver fjerde uke."})
    assert ProgressNote.objects.get().measure == gp_measure


def test_a_partner_who_is_not_responsible_gets_403_and_no_link(client, world, plan, gp_step, users_step):
    login(client, world.partner_org_member)  # NAV: sees the plan, but is not responsible for these
    page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert reverse("step_note", args=[gp_step.pk]) not in page
    assert client.get(reverse("step_note", args=[gp_step.pk])).status_code == 403
    assert client.post(reverse("step_note", args=[users_step.pk]), {"text": "x"}).status_code == 403
    assert not ProgressNote.objects.exists()


def test_a_partner_without_the_plan_scope_gets_404(client, world, gp_step):
    for persona in ("partner_expired", "partner_withdrawn", "partner_none"):
        assert login(client, world.persona(persona)).post(reverse("step_note", args=[gp_step.pk]),
                                                          {"text": "x"}).status_code == 404
    assert not ProgressNote.objects.exists()


def test_an_empty_note_is_a_clear_error(client, world, gp_step):
    response = login(client, world.trust_person).post(reverse("step_note", args=[gp_step.pk]), {"text": " "})
    assert "Skriv notatet." in response.content.decode()
    assert not ProgressNote.objects.exists()


def test_the_note_page_refuses_the_wrong_method(client, world, gp_step):
    assert login(client, world.trust_person).put(reverse("step_note", args=[gp_step.pk])).status_code == 405


def test_the_owner_comments_on_a_goal_and_a_step(client, world, plan, goal, users_step):
    login(client, world.owner)
    client.post(reverse("goal_comment", args=[goal.pk]), {"text": "Dette er viktigst for meg."})
    client.post(reverse("step_comment", args=[users_step.pk]), {"text": "Jeg gruer meg litt."})
    comments = list(Comment.objects.order_by("pk"))
    assert [c.by_owner for c in comments] == [True, True]
    page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "Dette er viktigst for meg." in page and "Jeg gruer meg litt." in page


def test_staff_comment_too(client, world, goal):
    login(client, world.deputy)
    client.post(reverse("goal_comment", args=[goal.pk]), {"text": "Vi ser på dette sammen."})
    assert Comment.objects.get().by_owner is False


def test_a_partner_may_not_comment(client, world, goal):
    login(client, world.partner_valid)
    assert client.get(reverse("goal_comment", args=[goal.pk])).status_code == 403
    assert client.post(reverse("goal_comment", args=[goal.pk]), {"text": "x"}).status_code == 403
    assert not Comment.objects.exists()


def test_an_outsider_gets_404_for_comments(client, world, goal):
    assert login(client, world.other_owner).post(reverse("goal_comment", args=[goal.pk]),
                                                 {"text": "x"}).status_code == 404


def test_an_empty_comment_is_a_clear_error(client, world, goal):
    response = login(client, world.owner).post(reverse("goal_comment", args=[goal.pk]), {"text": ""})
    assert "Skriv kommentaren." in response.content.decode()
    assert not Comment.objects.exists()
