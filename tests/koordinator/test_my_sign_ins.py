"""«Mine innlogginger» (issue 13, item 4): the person's own log-ins of the last twelve months, newest first (at most
50): when, how and at what level, in plain words. On Min side for service users (``my_sign_ins``) and in the account
menu for anyone logged in (``account_sign_ins``); nobody sees another's. Who gets which page, persona by persona, is
``test_my_sign_ins_matrix.py``."""

from __future__ import annotations

import datetime

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from koordinator.models import SignIn
from koordinator.timeutil import at
from tests import query_counts as qc
from tests.conftest import login

pytestmark = pytest.mark.django_db
clock = qc.clock  # autouse: Monday 23.11.2026, 07.30 in Oslo

MY = reverse("my_sign_ins")
ACCOUNT = reverse("account_sign_ins")
SUBSTANTIAL = "Betydelig (for eksempel MinID)"
HIGH = "Høyt (for eksempel BankID)"
M = SignIn.Method


def sign_in(
    user, days_ago: int, hour: int = 9, minute: int = 0, method=M.PASSWORD, level: str = ""
) -> SignIn:
    return SignIn.objects.create(
        user=user,
        at=at(qc.MONDAY - datetime.timedelta(days=days_ago), hour, minute),
        method=method,
        level=level,
    )


def rows(response) -> list[tuple[str, str, str]]:
    return [
        (f"{timezone.localtime(row.at):%d.%m.%Y %H.%M}", row.how, row.level)
        for row in response.context["rows"]
    ]


def test_a_service_user_sees_their_own_log_ins_newest_first_in_plain_words(client, world):
    sign_in(world.owner, 30, 12, 3, M.PASSWORD)
    sign_in(world.owner, 2, 19, 42, M.CITIZEN_OIDC, "idporten-loa-substantial")
    sign_in(world.owner, 9, 8, 15, M.CITIZEN_OIDC, "idporten-loa-high")
    response = login(client, world.owner).get(MY)
    assert response.status_code == 200
    assert rows(response) == [
        ("21.11.2026 19.42", "ID-porten", SUBSTANTIAL),
        ("14.11.2026 08.15", "ID-porten", HIGH),
        ("24.10.2026 12.03", "Brukernavn og passord", "–"),
    ]
    page = response.content.decode()
    assert "21.11.2026 kl. 19.42" in page  # Norwegian date and time
    assert SUBSTANTIAL in page and HIGH in page
    assert "Kjenner du ikke igjen en innlogging? Endre passordet og ring tjenesten." in page
    assert reverse("my_page") in page  # back to Min side


def test_every_method_has_plain_words(client, world):
    for i, method in enumerate(M.values):
        sign_in(world.trust_person, i + 1, method=method)
    words = {how for _when, how, _level in rows(login(client, world.trust_person).get(ACCOUNT))}
    assert words == {
        "Brukernavn og passord",
        "Passord og engangskode fra app",
        "Passord og reservekode",
        "ID-porten",
        "Innlogging for ansatte",
    }


def test_a_level_without_words_is_shown_as_the_provider_sent_it(client, world):
    sign_in(world.trust_person, 1, method=M.STAFF_OIDC, level="urn:entra:mfa")
    sign_in(world.trust_person, 2, method=M.STAFF_OIDC, level="Level4")
    assert [level for *_rest, level in rows(login(client, world.trust_person).get(ACCOUNT))] == [
        "urn:entra:mfa",
        HIGH,
    ]


def test_only_ones_own_log_ins_are_listed(client, world):
    mine = sign_in(world.owner, 1, 10, 11)
    sign_in(world.other_owner, 1, 10, 12)
    sign_in(world.trust_person, 1, 10, 13)
    login(client, world.owner)
    for url in (
        MY,
        ACCOUNT,
        f"{MY}?user={world.other_owner.pk}",
        f"{ACCOUNT}?bruker={world.trust_person.pk}",
    ):
        response = client.get(url)
        assert [row.at for row in response.context["rows"]] == [mine.at], url
        page = response.content.decode()
        assert "kl. 10.12" not in page and "kl. 10.13" not in page


def test_log_ins_older_than_twelve_months_are_left_out(client, world):
    sign_in(world.owner, 364)
    sign_in(world.owner, 366)
    assert len(login(client, world.owner).get(MY).context["rows"]) == 1


def test_at_most_fifty_are_shown_and_the_page_says_so(client, world):
    SignIn.objects.bulk_create(
        [
            SignIn(user=world.owner, at=at(qc.MONDAY - datetime.timedelta(days=1 + i), 9), method=M.PASSWORD)
            for i in range(55)
        ]
    )
    response = login(client, world.owner).get(MY)
    shown = response.context["rows"]
    assert len(shown) == 50
    assert shown[0].at == at(qc.MONDAY - datetime.timedelta(days=1), 9)
    assert "Bare de 50 nyeste innloggingene vises." in response.content.decode()


def test_no_log_ins_yet_says_so(client, world):
    page = login(client, world.owner).get(MY).content.decode()
    assert "Ingen innlogginger er registrert det siste året." in page


def test_staff_get_the_account_page_with_their_own_words(client, world):
    sign_in(world.trust_person, 1, method=M.PASSWORD_TOTP)
    page = login(client, world.trust_person).get(ACCOUNT).content.decode()
    assert "Kjenner du ikke igjen en innlogging? Endre passordet og kontakt systemansvarlig." in page
    assert reverse("password_change") in page
    assert "Passord og engangskode fra app" in page


@pytest.mark.parametrize("persona", ["trust_person", "leader", "partner_valid", "admin"])
def test_min_side_s_page_does_not_exist_for_others_than_service_users(client, world, persona):
    assert login(client, world.persona(persona)).get(MY).status_code == 404
    assert client.get(ACCOUNT).status_code == 200


def test_anonymous_is_sent_to_log_in(client):
    for url in (MY, ACCOUNT):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_is_read_only(client, world):
    login(client, world.owner)
    assert client.post(MY).status_code == 405
    assert client.post(ACCOUNT).status_code == 405


def test_min_side_links_to_it_next_to_who_has_seen_my_data(client, world):
    page = login(client, world.owner).get(reverse("my_page")).content.decode()
    seen, sign_ins = page.index('id="innsyn-tittel"'), page.index(f'href="{MY}"')
    assert "Mine innlogginger" in page and 0 < sign_ins - seen < 1500


@pytest.mark.parametrize("persona", ["owner", "trust_person", "partner_valid", "admin"])
def test_the_account_menu_links_to_it_next_to_the_password(client, world, persona):
    page = login(client, world.persona(persona)).get(reverse("password_change")).content.decode()
    account = page.split('class="site-nav__account"', 1)[1].split("</div>", 1)[0]
    assert reverse("password_change") in account and f'href="{ACCOUNT}"' in account
    assert "Mine innlogginger" in account


def test_it_links_to_the_security_page_when_there_is_one(client, world):
    try:
        security = reverse("second_factor_manage")
    except NoReverseMatch:
        security = None
    page = login(client, world.trust_person).get(ACCOUNT).content.decode()
    if security is None:
        assert "Innlogging og sikkerhet" not in page
    else:
        assert f'href="{security}"' in page


def test_the_table_reflows_on_a_phone(client, world):
    """No JavaScript; at 375 px each row is a card with its labels (``table-reflow``, as the access log)."""
    sign_in(world.owner, 1)
    page = login(client, world.owner).get(MY).content.decode()
    assert "<script" not in page.split("<main", 1)[1]
    assert 'class="ds-table table-reflow"' in page
    assert (
        'data-label="Når"' in page
        and 'data-label="Hvordan"' in page
        and 'data-label="Sikkerhetsnivå"' in page
    )


@pytest.mark.parametrize("url", [MY, ACCOUNT], ids=["min-side", "konto"])
def test_the_query_count_does_not_grow_with_the_log_ins(client, world, url):
    login(client, world.owner)
    sign_in(world.owner, 1)
    one = qc.get(client, url)
    SignIn.objects.bulk_create(
        [
            SignIn(
                user=world.owner,
                at=at(qc.MONDAY - datetime.timedelta(days=2 + i), 9),
                method=M.CITIZEN_OIDC,
                level="idporten-loa-substantial",
            )
            for i in range(59)
        ]
    )
    sixty = qc.get(client, url)
    assert len(sixty.context["rows"]) == 50
    qc.assert_same(one, sixty, url, ("1 log-in", "60 log-ins"))
