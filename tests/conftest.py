"""Shared fixtures: a small world with every persona the permission matrix needs."""

from __future__ import annotations

import datetime
import os
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone, translation
from rest_framework.test import APIClient

from koordinator.models import Consent, FollowUp, Membership, Organisation, ServiceUser, User
from tests import factories as f

TESTS_DIR = Path(__file__).resolve().parent


# --- the test clock: ``--clock=ISO`` / KOORDINATOR_TEST_CLOCK ---------------------------------------------------------

CLOCK_ENV = "KOORDINATOR_TEST_CLOCK"
_CLOCK = pytest.StashKey[datetime.datetime | None]()
_TRAVEL = pytest.StashKey[tuple[time_machine.travel, time_machine.Traveller]]()
# The project's fixtures broader than a test (a demo load, a live server) and how far the clock had got when the
# last test using them ended.
_SHARED = pytest.StashKey[dict]()


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        metavar="ISO",
        default=None,
        help=f"start every test (and the fixtures it sets up) at this instant, e.g. 2026-12-06T23:55:00+01:00; "
        f"the clock ticks on from there (tests sharing module- or package-scoped data go on where the last of "
        f"them left off). Without an offset the time is Oslo time. Default: ${CLOCK_ENV}, else the real clock.",
    )


def parse_clock(value: str) -> datetime.datetime:
    """An ISO 8601 instant; a naive one is Oslo time (``settings.TIME_ZONE``)."""
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise pytest.UsageError(f"--clock / {CLOCK_ENV}: {value!r} is not an ISO 8601 date and time") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))
    return moment


def configured_clock(config) -> datetime.datetime | None:
    """The instant every test starts at (``--clock``, else ``$KOORDINATOR_TEST_CLOCK``), or ``None``."""
    return config.stash.get(_CLOCK, None)


def clock_from(option: str | None, environ) -> datetime.datetime | None:
    """``--clock`` wins over ``$KOORDINATOR_TEST_CLOCK``; neither (or empty) means the real clock."""
    value = (option or "").strip() or environ.get(CLOCK_ENV, "").strip()
    return parse_clock(value) if value else None


def pytest_configure(config):
    config.stash[_CLOCK] = clock_from(config.getoption("clock", None), os.environ)
    config.stash[_SHARED] = {}


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _shared_in_use(item) -> list:
    """The project's broader-than-a-test fixtures that are set up and that ``item`` uses."""
    return [fixturedef for fixturedef in item.config.stash[_SHARED]
            if fixturedef.cached_result is not None and fixturedef.argname in item.fixturenames]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item):
    """With a test clock, travel to it before any fixture is set up, whatever its scope.

    So ``world``, the factories, the demo loads (package- and module-scoped) and the live server all see the
    instant too. time-machine patches the clock for the whole process, the live server's threads included, and
    a test's own ``time_machine.travel`` nests inside this one. It ticks (``tick=True``) and is stopped after
    the test's teardown (below).

    A test that shares committed data with the tests before it (the demo in ``tests/demo``, a browser module's
    live server: the project's module-, package- or session-scoped fixtures) starts where the last of them left
    off instead, if that is later: the data was written then, and nothing a test finds should be from its future
    (a message due a second after the instant would not be in the inbox yet).
    """
    clock = configured_clock(item.config)
    if clock is not None:
        shared = item.config.stash[_SHARED]
        start = max([clock, *(shared[fixturedef] for fixturedef in _shared_in_use(item))])
        travel = time_machine.travel(start, tick=True)
        item.stash[_TRAVEL] = (travel, travel.start())
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    result = yield
    # Fixtures from plugins (pytest-django's database set-up, its live_server) have an empty baseid: no data.
    if request.config.stash.get(_CLOCK, None) is not None and fixturedef.scope != "function" and fixturedef.baseid:
        request.config.stash[_SHARED][fixturedef] = _now()
    return result


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        started = item.stash.get(_TRAVEL, None)
        if started is not None:
            del item.stash[_TRAVEL]
            shared = item.config.stash[_SHARED]
            for fixturedef in _shared_in_use(item):
                shared[fixturedef] = max(shared[fixturedef], _now())
            started[0].stop()


def clock_traveller(item) -> time_machine.Traveller | None:
    """The test clock's traveller for a running test (``None`` without ``--clock``): for the option's own tests."""
    started = item.stash.get(_TRAVEL, None)
    return started[1] if started else None


# Which tests share a worker under pytest-xdist, and which go first: tests/scheduling.py.
from tests.scheduling import pytest_collection_modifyitems, pytest_xdist_make_scheduler  # noqa: E402, F401


@dataclass
class World:
    municipality: object
    other_municipality: object
    unit: Organisation
    other_unit: Organisation
    nav: Organisation
    leader: User
    other_leader: User
    trust_person: User
    other_trust_person: User
    deputy: User
    owner: User
    other_owner: User
    owner_su: ServiceUser
    other_su: ServiceUser
    case: FollowUp
    other_case: FollowUp
    partner_valid: User
    partner_org_member: User
    partner_none: User
    partner_expired: User
    partner_withdrawn: User
    partner_wrong_scope: User
    admin: User
    consent_valid: Consent
    consent_org: Consent
    consent_expired: Consent
    consent_withdrawn: Consent
    consent_wrong_scope: Consent
    next_of_kin: object
    restricted_next_of_kin: object

    def persona(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in bokmål and leaves no language behind.

    A request in English (the footer's choice) leaves English active in the thread after the response; without
    this, what a later test in the same process writes (the demo's messages, say) would depend on the test order.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.2 s a user; tests create dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings):
    # No SMS is held for the quiet hours (21.00–08.00, issue 16) unless a test sets them: a test that sends an SMS
    # must pass at any hour (CI runs under --clock at 23.55). tests/koordinator/test_quiet_hours.py sets them.
    settings.SMS_QUIET_FROM = settings.SMS_QUIET_UNTIL = ""


@pytest.fixture
def world(db) -> World:
    today = timezone.localdate()
    trondheim = f.MunicipalityFactory(name="Trondheim", number="5001")
    bergen = f.MunicipalityFactory(name="Bergen", number="4601")
    unit = f.OrganisationFactory(name="Oppfølgingstjenesten Øst", municipality=trondheim)
    other_unit = f.OrganisationFactory(name="Oppfølgingstjenesten Bergenhus", municipality=bergen)
    nav = f.OrganisationFactory(name="NAV Lerkendal", kind=Organisation.Kind.NAV, municipality=trondheim)

    def member(username, org, role):
        user = f.UserFactory(username=username)
        f.MembershipFactory(user=user, organisation=org, role=role)
        return user

    leader = member("leder", unit, Membership.Role.LEADER)
    other_leader = member("leder_bergen", other_unit, Membership.Role.LEADER)
    trust_person = member("tillit", unit, Membership.Role.TRUST_PERSON)
    other_trust_person = member("tillit_annen", unit, Membership.Role.TRUST_PERSON)
    deputy = member("stedfortreder", unit, Membership.Role.TRUST_PERSON)
    admin = member("admin", unit, Membership.Role.ADMIN)

    owner = f.UserFactory(username="eier")
    other_owner = f.UserFactory(username="annen_bruker")
    owner_su = f.ServiceUserFactory(user=owner, municipality=trondheim, first_name="Kari", last_name="Nordmann")
    other_su = f.ServiceUserFactory(user=other_owner, municipality=trondheim, first_name="Ola", last_name="Hansen")
    case = f.FollowUpFactory(service_user=owner_su, unit=unit, trust_person=trust_person, deputy=deputy)
    other_case = f.FollowUpFactory(service_user=other_su, unit=unit, trust_person=other_trust_person)

    # Partners. Personal consents go to members of the GP office; NAV gets an organisation consent,
    # so every NAV member is let in by it; DPS has no consent at all.
    gp = f.OrganisationFactory(name="Legesenteret", kind=Organisation.Kind.GP, municipality=trondheim)
    dps = f.OrganisationFactory(name="DPS Nidaros", kind=Organisation.Kind.SPECIALIST, municipality=None)
    partner_valid = member("partner_gyldig", gp, Membership.Role.PARTNER)
    partner_expired = member("partner_utlopt", gp, Membership.Role.PARTNER)
    partner_withdrawn = member("partner_trukket", gp, Membership.Role.PARTNER)
    partner_wrong_scope = member("partner_feil_omfang", gp, Membership.Role.PARTNER)
    partner_org_member = member("nav_ansatt", nav, Membership.Role.PARTNER)
    partner_none = member("partner_uten", dps, Membership.Role.PARTNER)

    consent_valid = f.ConsentFactory(owner=owner_su, grantee_user=partner_valid, recorded_by=trust_person)
    consent_org = f.ConsentFactory(owner=owner_su, grantee_organisation=nav, recorded_by=trust_person)
    consent_expired = f.ConsentFactory(
        owner=owner_su,
        grantee_user=partner_expired,
        recorded_by=trust_person,
        valid_from=today - datetime.timedelta(days=400),
        valid_until=today - datetime.timedelta(days=1),
    )
    consent_withdrawn = f.ConsentFactory(
        owner=owner_su, grantee_user=partner_withdrawn, recorded_by=trust_person, withdrawn_at=timezone.now()
    )
    consent_wrong_scope = f.ConsentFactory(
        owner=owner_su,
        grantee_user=partner_wrong_scope,
        recorded_by=trust_person,
        scope_crisis_plan=False,
        scope_followup_log=False,
        scope_plan=True,
        scope_meetings=False,
    )
    kin = f.NextOfKinFactory(service_user=owner_su, name="Eva Nordmann", relation="søster")
    restricted = f.NextOfKinFactory(
        service_user=owner_su, name="Per Farlig", relation="tidligere samboer", kind="restricted"
    )
    return World(
        municipality=trondheim,
        other_municipality=bergen,
        unit=unit,
        other_unit=other_unit,
        nav=nav,
        leader=leader,
        other_leader=other_leader,
        trust_person=trust_person,
        other_trust_person=other_trust_person,
        deputy=deputy,
        owner=owner,
        other_owner=other_owner,
        owner_su=owner_su,
        other_su=other_su,
        case=case,
        other_case=other_case,
        partner_valid=partner_valid,
        partner_org_member=partner_org_member,
        partner_none=partner_none,
        partner_expired=partner_expired,
        partner_withdrawn=partner_withdrawn,
        partner_wrong_scope=partner_wrong_scope,
        admin=admin,
        consent_valid=consent_valid,
        consent_org=consent_org,
        consent_expired=consent_expired,
        consent_withdrawn=consent_withdrawn,
        consent_wrong_scope=consent_wrong_scope,
        next_of_kin=kin,
        restricted_next_of_kin=restricted,
    )


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def login(client, user: User | None):
    """Log a Django test client or DRF APIClient in as ``user`` (``None`` stays anonymous)."""
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
