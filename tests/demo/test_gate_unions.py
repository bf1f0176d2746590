"""The people, appointments, absences and crisis plans a leader (and a partner, for crisis plans) reaches are one
``IN`` over a UNION (``access.any_of``), not ``x IN (sub-query) OR ...``, which PostgreSQL answers by reading the
whole table (every person, appointment, absence or crisis plan in the country). The rows let through must be
exactly those of the plain OR of sub-queries the policies were written as before, for every demo login, for viewing
and for changing, in a request and outside one."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from demo import core as demo
from koordinator import access
from koordinator.models import (
    Absence,
    Appointment,
    Consent,
    FollowUp,
    Membership,
    Organisation,
    ServiceUser,
    User,
)
from plans.models import CrisisContact, CrisisPlan, EmergencyAccess

pytestmark = pytest.mark.django_db

LOGINS = [login.username for login in demo.all_logins()]


def _staff_cases(actor):
    return FollowUp.objects.filter(access._case_staff_q(actor)).values("pk")


def _consented(actor, scope=None):
    return access.valid_consents_to(actor, scope).values("owner_id")


def _self(actor, field):
    return Q(**{field: actor.service_user_id}) if actor.service_user_id is not None else Q(pk__in=[])


def plain_service_users(actor, action):
    q = _self(actor, "pk") | Q(pk__in=FollowUp.objects.filter(access._case_staff_q(actor)).values("service_user_id"))
    if actor.leader_municipality_ids:
        q |= Q(municipality_id__in=actor.leader_municipality_ids)
    if action == access.VIEW:
        q |= Q(pk__in=_consented(actor))
    return q


def plain_appointments(actor, action):
    q = Q(follow_up_id__in=_staff_cases(actor)) | Q(trust_person_id=actor.user_id)
    if action == access.VIEW:
        q |= _self(actor, "service_user_id")
    return q


def plain_absences(actor, action):
    q = Q(person_id=actor.user_id)
    if actor.leader_municipality_ids:
        q |= Q(person_id__in=Membership.objects.filter(
            organisation__municipality_id__in=actor.leader_municipality_ids).values("user_id"))
    if action == access.VIEW and actor.trust_person_unit_ids:
        q |= Q(person_id__in=Membership.objects.filter(organisation_id__in=actor.trust_person_unit_ids)
               .values("user_id"))
    return q


def plain_crisis_owners(actor, action, field="service_user_id"):
    q = Q(**{f"{field}__in": FollowUp.objects.open().filter(access._case_staff_q(actor)).values("service_user_id")})
    q |= _self(actor, field)
    if action == access.VIEW:
        q |= Q(**{f"{field}__in": _consented(actor, Consent.Scope.CRISIS_PLAN)})
        emergency = Membership.objects.filter(
            user_id=actor.user_id, role=Membership.Role.PARTNER, organisation__kind=Organisation.Kind.EMERGENCY,
            organisation__is_active=True).values("organisation_id")
        q |= Q(**{f"{field}__in": EmergencyAccess.objects.active().filter(
            person_id=actor.user_id, organisation_id__in=emergency).values("service_user_id")})
    return q


def plain_crisis_contacts(actor, action):
    return Q(crisis_plan_id__in=CrisisPlan.objects.filter(plain_crisis_owners(actor, action)).values("pk"))


CASES = [
    (ServiceUser, plain_service_users),
    (Appointment, plain_appointments),
    (Absence, plain_absences),
    (CrisisPlan, plain_crisis_owners),
    (CrisisContact, plain_crisis_contacts),
]


def rows(user, model, action):
    return set(model.objects.for_user(user, action).values_list("pk", flat=True))


@pytest.fixture
def emergency_grant():
    """legevakt1 has stated a reason for one person's crisis plan: the emergency arm is not empty."""
    worker = User.objects.get(username="legevakt1")
    organisation = Organisation.objects.filter(
        kind=Organisation.Kind.EMERGENCY, is_active=True, memberships__user=worker).first()
    plan = CrisisPlan.objects.filter(archived_at__isnull=True).order_by("pk").first()
    now = timezone.now()
    EmergencyAccess.objects.create(person=worker, organisation=organisation, service_user_id=plan.service_user_id,
                                   reason="Test", started_at=now, expires_at=now + datetime.timedelta(hours=1))
    return plan


@pytest.mark.parametrize("username", LOGINS)
def test_the_unions_let_through_the_rows_of_the_plain_or(username, emergency_grant):
    user = User.objects.get(username=username)
    access.forget(user)
    actor = access.actor_for(user)
    for model, plain in CASES:
        for action in access.ACTIONS:
            expected = set(model.objects.filter(plain(actor, action)).values_list("pk", flat=True))
            assert rows(user, model, action) == expected, (model.__name__, action, "outside a request")
            with access.request_scope():
                assert rows(user, model, action) == expected, (model.__name__, action, "in a request")
    if username == "legevakt1":
        assert emergency_grant.pk in rows(user, CrisisPlan, access.VIEW)


def _where(model, username, action=access.VIEW):
    user = User.objects.get(username=username)
    access.forget(user)
    with access.request_scope():
        sql = str(model.objects.for_user(user, action).order_by().query)
    return sql.split(" WHERE ", 1)[1]


@pytest.mark.parametrize(("model", "username", "column"), [
    (ServiceUser, "leder", '"koordinator_serviceuser"."id" IN ('),
    (Appointment, "leder", '"koordinator_appointment"."id" IN ('),
    (Absence, "leder", '"koordinator_absence"."person_id" IN ('),
    (Absence, "tillit1", '"koordinator_absence"."person_id" IN ('),
    (CrisisPlan, "dps1", '"plans_crisisplan"."service_user_id" IN ('),
])
def test_a_reach_with_a_sub_query_is_one_in_over_a_union(model, username, column):
    where = _where(model, username)
    assert where.startswith(column) and "UNION ALL" in where, where
    # Nothing ORed beside it: the one condition is the whole WHERE.
    depth = 0
    for position, char in enumerate(where):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and position > len(column):
            assert where[position + 1:].strip() in ("", ")"), where
            break


def test_a_leaders_crisis_plans_are_their_municipalitys_open_cases_without_an_emergency_arm():
    """Only a partner can be a member of an emergency service: for anyone else no emergency sub-query at all."""
    where = _where(CrisisPlan, "leder")
    assert "plans_emergencyaccess" not in where and "UNION" not in where
    assert where.startswith('"plans_crisisplan"."service_user_id" IN (SELECT'), where
    assert "plans_emergencyaccess" not in _where(CrisisPlan, "tillit1")
