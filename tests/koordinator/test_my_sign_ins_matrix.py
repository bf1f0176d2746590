"""«Mine innlogginger», persona by persona, through the matrix driver (``tests/matrix.py``).

Kari (the owner) has logged in through ID-porten at level high; nobody else has that row. Min side's page is hers
and other service users' (each sees their own: «no» is a 200 without Kari's row) and does not exist for anyone else;
the account menu's page is everyone's who is logged in, and only Kari's shows her log-in. Neither writes anything
to the access log: a person reading their own log-ins is not a read of anyone's data."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from koordinator.models import SignIn
from tests.conftest import World
from tests.matrix import Action, Scene, Table, check_table, tables

pytestmark = pytest.mark.django_db

HIGH = "Høyt (for eksempel BankID)"


@pytest.fixture
def scene(world: World) -> Scene:
    SignIn.objects.create(
        user=world.owner,
        at=timezone.now() - datetime.timedelta(days=2),
        method=SignIn.Method.CITIZEN_OIDC,
        level="idporten-loa-high",
    )
    for user in (world.other_owner, world.trust_person, world.partner_valid):
        SignIn.objects.create(
            user=user, at=timezone.now() - datetime.timedelta(days=1), method=SignIn.Method.PASSWORD
        )
    return Scene(world)


SIGN_INS = Table(
    "sign_ins",
    """
    persona              my     account
    trust_person         404    no
    other_trust_person   404    no
    deputy               404    no
    leader               404    no
    other_leader         404    no
    partner_valid        404    no
    partner_org_member   404    no
    partner_none         404    no
    partner_expired      404    no
    partner_withdrawn    404    no
    partner_wrong_scope  404    no
    owner                yes    yes
    other_owner          no     no
    admin                404    no
    anonymous            login  login
""",
    {
        "my": Action("my_sign_ins", marker=HIGH, logs_read=False),
        "account": Action("account_sign_ins", marker=HIGH, logs_read=False),
    },
)


@pytest.mark.parametrize("table", tables(SIGN_INS))
def test_my_sign_ins_matrix(scene, table):
    check_table(scene, table)
