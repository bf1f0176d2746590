"""The crisis-plan demo data: Trondheim legevakt with ``legevakt1``, crisis plans for about half the users with
signed versions, bruker1's and bruker4's (whose trust person is sick today, so the deputy is the contact now)."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from demo import core as demo
from koordinator.models import Membership, Organisation, ServiceUser, User
from plans.crisis import selectors, services
from plans.models import CrisisPlan, CrisisSignOff

pytestmark = pytest.mark.django_db


def test_about_half_the_users_have_a_signed_crisis_plan():
    users = ServiceUser.objects.count()
    plans = CrisisPlan.objects.current()
    assert abs(plans.count() - users // 2) <= 2
    assert not plans.filter(sign_offs__isnull=True).exists()
    assert CrisisSignOff.objects.filter(how=CrisisSignOff.How.PAPER).exists()
    assert CrisisSignOff.objects.filter(how=CrisisSignOff.How.PORTAL).exists()
    # Some were changed after they were signed.
    changed = [p for p in plans if not p.sign_offs.filter(plan_version=p.version).exists()]
    assert changed
    assert not CrisisPlan.history.filter(history_user__isnull=True).exists()


def test_bruker1_has_signed_her_plan_with_tillit1_and_lege1():
    plan = CrisisPlan.objects.current().get(service_user__user__username="bruker1")
    signers = set(plan.sign_offs.values_list("person__username", flat=True))
    assert {"tillit1", "bruker1", "lege1"} <= signers
    assert plan.status == CrisisPlan.Status.ACTIVE and plan.contacts.live().count() >= 2


def test_bruker4s_plan_shows_the_deputy_while_tillit3_is_sick():
    bruker4 = User.objects.get(username="bruker4")
    plan = CrisisPlan.objects.current().get(service_user__user=bruker4)
    now = selectors.crisis_plan_page(bruker4, plan.pk).contact_now
    assert now.name == User.objects.get(username="tillit4").display_name


def test_legevakt1_works_at_trondheim_legevakt_and_can_log_in():
    user = authenticate(RequestFactory().post("/logg-inn/"), username="legevakt1", password=demo.PASSWORD)
    assert user is not None
    membership = Membership.objects.get(user=user)
    assert (membership.organisation.name, membership.organisation.kind, membership.role) == (
        "Trondheim legevakt", Organisation.Kind.EMERGENCY, Membership.Role.PARTNER)
    assert services.is_emergency_member(user)
    assert not CrisisPlan.objects.for_user(user).exists()


def test_lege1_reaches_karis_crisis_plan_from_her_page_and_sees_no_contact_details(client):
    """Issue 12: lege1 has Kari's crisis-plan consent only. Her page linked to nothing, showed her phone and address,
    and the seeded access log said he had read «Personopplysninger og kontaktinformasjon»."""
    from django.urls import reverse

    from koordinator.models import AccessEvent
    from tests.conftest import login
    from tests.demo.world import user

    kari = ServiceUser.objects.get(user__username="bruker1")
    lege1 = user("lege1")
    assert not AccessEvent.objects.filter(actor=lege1, service_user=kari, what__startswith="Personopplysninger").exists()
    html = login(client, lege1).get(reverse("service_user_detail", args=[kari.pk])).content.decode()
    crisis = reverse("crisis_plan_for_user", args=[kari.pk])
    assert f'href="{crisis}"' in html
    assert client.get(crisis, follow=True).status_code == 200
    assert kari.address and kari.address not in html
    assert "Mobilnummer" not in html


def test_the_demo_reads_of_karis_data_are_in_working_hours():
    """The access log the demo shows bruker1 (H8, issue 12): reads at 02.18 or 05.18 would alarm her for nothing."""
    from django.utils import timezone

    from koordinator.models import AccessEvent

    kari = ServiceUser.objects.get(user__username="bruker1")
    hours = {timezone.localtime(at).hour for at in AccessEvent.objects.filter(service_user=kari)
             .exclude(actor__username="legevakt1").values_list("at", flat=True)}
    assert hours and all(8 <= hour < 16 for hour in hours), sorted(hours)
