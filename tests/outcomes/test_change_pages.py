"""«Slik har det gått» on Min side and per case (issue 14, point 2): what the pages say with no, one, two and three
rounds, the section on Min side and the link on the case page, the gate, the access log, the print stylesheet."""

from __future__ import annotations

from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from koordinator.models import AccessEvent
from koordinator.timeutil import at
from tests.conftest import login
from tests.outcomes.change_helpers import AUGUST, MAY, NOVEMBER, TODAY, every_item, make_round

pytestmark = pytest.mark.django_db
MINE = reverse("my_qol_change")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(TODAY, 10), tick=False) as traveller:
        yield traveller


def case_url(case) -> str:
    return reverse("qol_change", args=[case.pk])


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- Min side ------------------------------------------------------------------------------------------------


def test_with_no_round_the_user_gets_a_kind_word_about_what_comes(client, world):
    html = page(login(client, world.owner).get(MINE))
    assert "Slik har det gått" in html
    assert "Du har ikke svart ennå. Det er helt i orden" in html
    assert "<svg" not in html


def test_with_one_round_the_user_sees_the_answers_and_when_the_next_comes(client, world):
    round_ = make_round(world.case, AUGUST, s1=3, s8=2)
    html = page(login(client, world.owner).get(MINE))
    assert "Du har svart én gang, i august." in html
    assert "Kontaktpersonen din spør deg igjen rundt februar 2027. Da ser du her hva som har endret seg siden " \
        "august." in html
    assert "Dette svarte du i august" in html and "Sånn passe fornøyd" in html and "Sjelden" in html
    assert "<svg" not in html
    # Six months have passed (QOL_ROUND_MONTHS): the next round is due.
    round_.taken_on = MAY
    round_.save()
    html = page(client.get(MINE))
    assert "Snart spør kontaktpersonen din deg igjen. Da ser du her hva som har endret seg siden mai." in html


def test_with_two_rounds_the_user_reads_the_change_in_words_and_a_chart(client, world):
    make_round(world.case, MAY, **every_item(3, s6=4, s8=4, s11=1, s5=None))
    make_round(world.case, NOVEMBER, **every_item(3, s1=5, s6=2, s8=2, s11=1))
    html = page(login(client, world.owner).get(MINE))
    assert "Du er mer fornøyd med boligen enn i mai." in html
    assert "Du er mindre fornøyd med økonomien enn i mai." in html
    assert "Du er like fornøyd med helsa som i mai." in html
    assert "Rusen styrer hverdagen din sjeldnere enn i mai." in html
    assert "Du svarte det samme som i mai: aldri." in html
    assert "Du svarte ikke på dette i mai." in html
    # A chart per question, with a text alternative, and the answers in words beside it.
    assert html.count('role="img"') == 14
    assert "Hvor fornøyd er du med boligen din nå? Mai: Sånn passe fornøyd; November: Veldig fornøyd</title>" \
        in html
    assert ">Mai: Sånn passe fornøyd</text>" in html and ">November: Veldig fornøyd</text>" in html
    assert "Neste gang du svarer blir rundt mai 2027." in html


def test_with_three_rounds_the_user_also_reads_the_change_since_the_one_before(client, world):
    make_round(world.case, MAY, s1=2)
    make_round(world.case, AUGUST, s1=5)
    make_round(world.case, NOVEMBER, s1=4)
    html = page(login(client, world.owner).get(MINE))
    assert "Her ser du svarene dine fra mai, august og november" in html
    assert "Du er mer fornøyd med boligen enn i mai." in html
    assert "Du er mindre fornøyd med boligen enn i august." in html


def test_a_round_with_only_the_trust_persons_part_is_not_the_users(client, world):
    make_round(world.case, MAY, s1=2)
    make_round(world.case, NOVEMBER, o1="ja")  # the user has not answered her part yet
    html = page(login(client, world.owner).get(MINE))
    assert "Du har svart én gang, i mai." in html


def test_the_newest_case_with_an_answered_round_is_the_one_shown(client, world):
    from koordinator.models import FollowUp
    from tests import factories as f

    old = f.FollowUpFactory(service_user=world.owner_su, unit=world.unit, trust_person=world.trust_person,
                            status=FollowUp.Status.ENDED, ended_on=MAY)
    make_round(old, MAY.replace(year=2025), s1=1)
    make_round(old, MAY.replace(day=1), s1=2)
    make_round(world.case, AUGUST, s1=4)
    html = page(login(client, world.owner).get(MINE))
    assert "Du har svart én gang, i august." in html


def test_someone_who_is_not_a_service_user_has_no_such_page(client, world):
    assert login(client, world.trust_person).get(MINE).status_code == 404


def test_min_side_links_to_it_once_the_user_has_answered_a_round(client, world):
    login(client, world.owner)
    assert reverse("my_qol_change") not in page(client.get(reverse("my_page")))
    make_round(world.case, MAY, o1="ja")  # the trust person's part only
    assert reverse("my_qol_change") not in page(client.get(reverse("my_page")))
    make_round(world.case, NOVEMBER, s13=4)
    html = page(client.get(reverse("my_page")))
    assert 'id="slik-har-det-gatt-tittel"' in html and f'href="{reverse("my_qol_change")}"' in html


# --- the case -------------------------------------------------------------------------------------------------


def test_staff_see_the_users_part_and_the_objective_part_then_and_now(client, world):
    make_round(world.case, MAY, by=world.trust_person, s1=2, s8=4, o1="nei", o3="ja", o5="ja", o10="vet_ikke")
    make_round(world.case, NOVEMBER, by=world.trust_person, s1=4, s8=4, o1="ja", o3="nei", o5="nei", o10="ja")
    html = page(login(client, world.trust_person).get(case_url(world.case)))
    assert "Slik har det gått" in html and "Kari Nordmann" in html
    assert "Bedre enn i mai" in html and "Som i mai" in html
    assert "bedre på 1, som før på 1, dårligere på 0 av 14 spørsmål; 12 kan ikke sammenlignes" in html
    assert html.count('role="img"') == 14
    assert "Tillitspersonens vurdering (O1–O18)" in html
    assert "<caption" in html and "12.05.2026" in html and "10.11.2026" in html
    assert ">Bedre</span>" in html and ">Dårligere</span>" in html
    assert "Kan ikke sammenlignes" in html and "Beskriver situasjonen" in html
    assert ">Vet ikke<" in html


def test_a_case_with_no_round_says_so_to_its_staff(client, world):
    html = page(login(client, world.leader).get(case_url(world.case)))
    assert "Saken har ingen livskvalitetsrunde ennå." in html


def test_a_case_with_one_round_shows_its_answers(client, world):
    make_round(world.case, MAY, s1=3, o1="ja")
    html = page(login(client, world.deputy).get(case_url(world.case)))
    assert "Brukeren har svart én gang, i mai." in html
    assert "Én runde er fylt ut. Endringen vises når det finnes to." in html
    assert "Sånn passe fornøyd" in html


@pytest.mark.parametrize("persona", ["other_owner", "partner_valid", "partner_org_member", "other_leader",
                                     "other_trust_person", "admin"])
def test_the_gate_answers_404_to_everyone_else(client, world, persona):
    make_round(world.case, MAY, s1=3, o1="ja")
    make_round(world.case, NOVEMBER, s1=4, o1="ja")
    response = login(client, world.persona(persona)).get(case_url(world.case))
    assert response.status_code == 404
    assert not AccessEvent.objects.filter(actor=world.persona(persona)).exists()


def test_a_partner_who_sees_the_case_gets_404_even_with_no_round(client, world):
    # partner_valid's consent covers the follow-up log, so the case page opens; the rounds do not.
    login(client, world.partner_valid)
    assert client.get(reverse("followup_detail", args=[world.case.pk])).status_code == 200
    assert client.get(case_url(world.case)).status_code == 404


def test_a_staff_read_is_written_to_the_owners_access_log_and_the_owners_own_is_not(client, world):
    make_round(world.case, MAY, s1=3)
    login(client, world.leader)
    page(client.get(case_url(world.case)))
    event = AccessEvent.objects.get(actor=world.leader)
    assert event.service_user_id == world.owner_su.pk
    assert event.what == "Livskvalitet: slik har det gått"
    assert event.channel == AccessEvent.Channel.WEB
    before = AccessEvent.objects.count()
    page(login(client, world.owner).get(case_url(world.case)))
    page(client.get(MINE))
    assert AccessEvent.objects.count() == before


def test_the_case_page_links_to_it_when_the_reader_may_see_a_round(client, world):
    detail = reverse("followup_detail", args=[world.case.pk])
    link = f'href="{case_url(world.case)}"'
    assert link not in page(login(client, world.trust_person).get(detail))  # no round yet
    make_round(world.case, MAY, s1=3)
    assert link in page(client.get(detail))
    assert ">Slik har det gått</a>" in page(client.get(detail))
    assert link not in page(login(client, world.partner_valid).get(detail))  # sees the case, not the rounds


# --- print ----------------------------------------------------------------------------------------------------


def test_the_pages_have_a_print_stylesheet_black_on_white_without_navigation(client, world):
    make_round(world.case, MAY, s1=3)
    make_round(world.case, NOVEMBER, s1=4)
    for html in (page(login(client, world.owner).get(MINE)),
                 page(login(client, world.trust_person).get(case_url(world.case)))):
        assert "css/qol_change.css" in html and "css/charts.css" in html
    css = (Path(settings.BASE_DIR) / "static" / "css" / "qol_change.css").read_text()
    printed = css[css.index("@media print"):]
    assert ".site-nav" in printed and ".site-header" in printed and "display: none" in printed
    assert "background: #fff" in printed and "color: #000" in printed
    charts_css = (Path(settings.BASE_DIR) / "static" / "css" / "charts.css").read_text()
    assert ".chart__bar { fill: #000; }" in charts_css[charts_css.index("@media print"):]
