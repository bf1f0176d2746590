"""``manage.py seed_demo``: the demo world, idempotent, refused in production, isolated between municipalities."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from koordinator import demo
from koordinator.models import Consent, FollowUp, Membership, NextOfKin, ServiceUser, User

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Every table Django knows, history tables included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_running_it_twice_adds_no_row_to_any_table_history_included():
    seed()
    first = row_counts()
    assert first["koordinator.HistoricalFollowUp"] > 0
    output = seed()
    assert row_counts() == first
    assert "ingenting ble endret" in output


def test_it_refuses_to_run_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()


def test_it_runs_without_force_when_debug_is_on(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert User.objects.filter(username="leder").exists()


def test_every_login_in_the_readme_exists_and_authenticates_with_the_demo_password():
    output = seed()
    request = RequestFactory().post("/logg-inn/")
    expected = {"leder", "nav1", "dps1", "lege1", "admin", "leder_malvik"}
    expected |= {f"tillit{i}" for i in range(1, 7)} | {f"bruker{i}" for i in range(1, 6)}
    assert expected <= {login.username for login in demo.all_logins()}
    for username in expected:
        user = authenticate(request, username=username, password=demo.PASSWORD)
        assert user is not None, username
        assert username in output
        # A wrong password fails (checked directly: repeated failures through authenticate() trip axes).
        assert not user.check_password("feil-passord")


def test_the_system_user_cannot_log_in():
    seed()
    system = User.objects.get(username=demo.SYSTEM_USERNAME)
    assert not system.has_usable_password()
    assert not system.is_active


def test_each_login_has_the_role_it_is_listed_with():
    seed()

    def roles(username):
        return set(
            Membership.objects.filter(user__username=username).values_list("role", "organisation__name")
        )

    assert roles("leder") == {(Membership.Role.LEADER, "Oppfølgingstjenesten Øst")}
    assert roles("tillit6") == {(Membership.Role.TRUST_PERSON, "Oppfølgingstjenesten Øst")}
    assert roles("nav1") == {(Membership.Role.PARTNER, "NAV Lerkendal")}
    assert roles("dps1") == {(Membership.Role.PARTNER, "DPS Nidaros")}
    assert roles("lege1") == {(Membership.Role.PARTNER, "Lerkendal legesenter")}
    assert roles("leder_malvik") == {(Membership.Role.LEADER, "Oppfølgingstjenesten Malvik")}
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert (Membership.Role.ADMIN, "Oppfølgingstjenesten Øst") in roles("admin")
    for i in range(1, 6):
        assert ServiceUser.objects.filter(user__username=f"bruker{i}").exists()


def test_bruker1_follows_up_with_tillit1_and_has_let_nav_lerkendal_see_her_case():
    seed()
    case = FollowUp.objects.get(service_user__user__username="bruker1")
    assert case.trust_person.username == "tillit1"
    assert case.status == FollowUp.Status.ACTIVE
    nav1 = User.objects.get(username="nav1")
    consent = Consent.objects.valid_on().get(
        owner=case.service_user, grantee_organisation__name="NAV Lerkendal"
    )
    assert consent.given_how == Consent.GivenHow.PORTAL
    assert FollowUp.objects.for_user(nav1).filter(pk=case.pk).exists()
    assert case.service_user.access_events.count() >= 3
    assert NextOfKin.objects.filter(service_user=case.service_user, kind=NextOfKin.Kind.RESTRICTED).exists()


def test_the_malvik_leader_sees_none_of_trondheims_cases():
    seed()
    leader = User.objects.get(username="leder_malvik")
    visible = FollowUp.objects.for_user(leader)
    assert visible.count() == FollowUp.objects.filter(municipality__number="5031").count() > 0
    assert not visible.filter(municipality__number="5001").exists()
    assert not ServiceUser.objects.for_user(leader).filter(municipality__number="5001").exists()
    trondheim_leader = User.objects.get(username="leder")
    assert not FollowUp.objects.for_user(trondheim_leader).filter(municipality__number="5031").exists()


def test_about_sixty_trondheim_users_spread_over_every_status_source_and_ending_reason():
    seed()
    cases = FollowUp.objects.filter(municipality__number="5001")
    assert 55 <= cases.count() <= 65
    assert set(cases.values_list("status", flat=True)) == set(FollowUp.Status.values)
    assert set(cases.values_list("referral_source", flat=True)) == set(FollowUp.ReferralSource.values)
    ended = cases.filter(status=FollowUp.Status.ENDED)
    assert set(ended.values_list("ending_reason", flat=True)) == set(FollowUp.EndingReason.values)
    for case in ended:
        assert case.ended_on and case.user_notice, case
    assert ended.filter(open_door_until__isnull=False).exists()
    assert ended.exclude(taken_over_by__isnull=True, taken_over_by_name="").exists()
    # Most cases have a deputy; every trust person has cases.
    assert cases.filter(deputy__isnull=False).count() > cases.count() / 2
    assert cases.values("trust_person").distinct().count() == 6


def test_consents_of_every_state_grantee_and_scope_exist():
    seed()
    consents = list(Consent.objects.all())
    assert {c.state for c in consents} == {"valid", "expired", "withdrawn", "future"}
    valid = [c for c in consents if c.state == "valid"]
    assert any(c.grantee_user_id for c in valid) and any(c.grantee_organisation_id for c in valid)
    for field in Consent.SCOPE_FIELDS.values():
        assert any(getattr(c, field) for c in consents), field


def test_names_are_the_same_on_every_run():
    seed()
    names = sorted(ServiceUser.objects.values_list("first_name", "last_name"))
    assert len(set(names)) == len(names)
    # A second builder draws the same names, so it finds every person and creates nobody.
    summary = demo.DemoBuilder().build()
    assert not summary.created


def test_history_says_who_made_every_row():
    seed()
    for model in (FollowUp, ServiceUser, Consent, NextOfKin, Membership):
        assert not model.history.filter(history_user__isnull=True).exists(), model
    first_case_version = FollowUp.history.filter(service_user__user__username="bruker1").earliest(
        "history_date"
    )
    assert first_case_version.history_user.username == "tillit1"
