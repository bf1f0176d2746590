"""Query budgets for the pages: the meeting page (planned and held, for staff, the owner and a partner), the group
page and «Mine oppgaver» do not grow in queries with members, agenda points, action items or comments (1 vs 30).
The whole request is counted: the gate, the access log and the reading mark included."""

from __future__ import annotations

import pytest
from django.test import Client

from meetings import selectors, services
from plans import services as plan_services
from tests.conftest import login
from tests.meetings.page_helpers import queries, url
from tests.meetings.test_query_budgets import populate

pytestmark = pytest.mark.django_db


def page_budgets(world, group, gp, n: int) -> dict:
    upcoming, held = populate(world, group, gp, n)
    tp = world.trust_person
    minutes = held.minutes
    minutes.refresh_from_db()
    services.mark_minutes_ready(tp, minutes)
    services.write_minutes(tp, minutes, minutes.version, reason="Rettet", decisions="Endret etter klart")
    result = {}
    for name, user in (("staff", tp), ("owner", world.owner), ("partner", world.partner_valid)):
        client = login(Client(), user)
        for key, path in (("planned", url("meeting_detail", upcoming.pk)), ("held", url("meeting_detail", held.pk)),
                          ("group", url("group_detail", group.pk)), ("mine", url("my_action_items")),
                          ("pdf", url("minutes_pdf", minutes.pk))):
            client.get(path)  # the first visit writes the reading mark; count a visit like every later one
            result[f"{name}:{key}"] = queries(client, path, user)
    result["mine_len"] = selectors.my_action_items(world.partner_valid).count()
    return result


def test_the_pages_do_not_grow_with_members_points_and_items(world, group, gp):
    one = page_budgets(world, group, gp, 1)
    # A second world is not possible in one test: close this group and grow a new one for the same case.
    services.change_group_status(world.trust_person, group, "closed", "Ny gruppe")
    from plans.models import Plan

    for plan in Plan.objects.all():
        plan_services.end_plan(world.trust_person, plan)
    group30 = services.create_group(world.trust_person, world.case)
    thirty = page_budgets(world, group30, gp, 30)
    assert (one["mine_len"], thirty["mine_len"]) == (1, 30)  # the lists really are longer …
    for key in one:
        if ":" in key:
            assert thirty[key] == one[key], key  # … and cost the same number of queries


def test_the_meeting_page_budget_is_small(world, group, gp):
    upcoming, held = populate(world, group, gp, 3)
    client = login(Client(), world.partner_valid)
    client.get(url("meeting_detail", held.pk))
    assert queries(client, url("meeting_detail", held.pk), world.partner_valid) <= 26
