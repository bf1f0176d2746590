"""The leader's «Oppbevaring og sletting»: what expires in the next month (with the date and which kinds), the holds in
force, the last runs with the municipality's own counts; placing and lifting a hold, with clear messages for bad
input; a constant number of queries; the link on the leader's overview.

On Monday 23 November 2026 (``tests.query_counts.MONDAY``), with the default periods (ten years)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from koordinator.models import AccessEvent, FollowUp, ServiceUser
from retention import services
from retention.models import LegalHold, Removal, RetentionRun
from tests import factories as f
from tests import query_counts as qc
from tests.conftest import login
from tests.query_counts import clock  # noqa: F401 - the autouse Monday

pytestmark = pytest.mark.django_db

TODAY = qc.MONDAY
URL = "/leder/oppbevaring/"


def _ended(world, ended_on: datetime.date, *, unit=None, door: datetime.date | None = None, name: str = "Ended",
           person=None) -> FollowUp:
    unit = unit or world.unit
    person = person or f.ServiceUserFactory(municipality=unit.municipality, first_name=name, last_name="Avsluttet")
    return f.FollowUpFactory(service_user=person, unit=unit, trust_person=world.trust_person, started_on=ended_on,
                             status=FollowUp.Status.ENDED, ended_on=ended_on, open_door_until=door,
                             ending_reason=FollowUp.EndingReason.MOVED)


def _years_ago(days_after: int) -> datetime.date:
    """The end of a case whose ten years are over ``days_after`` days from today (negative: already over)."""
    return datetime.date(TODAY.year - 10, TODAY.month, TODAY.day) + datetime.timedelta(days=days_after)


def _page(client, user, **params) -> str:
    login(client, user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_leaders_overview_links_to_the_page(client, world):
    login(client, world.leader)
    assert URL in client.get(reverse("leader_overview")).content.decode()
    login(client, world.trust_person)
    assert URL not in client.get(reverse("worklist")).content.decode()


def test_the_page_lists_what_expires_within_30_days_with_the_kinds_and_the_date(client, world):
    soon = _ended(world, _years_ago(10), name="Snart")  # ten years over on 3 December: goes from 4 December
    overdue = _ended(world, _years_ago(-3), name="Forfalt")
    later = _ended(world, _years_ago(40), name="Senere")
    door = _ended(world, _years_ago(-20), name="Dør", door=TODAY + datetime.timedelta(days=60))
    busy = _ended(world, _years_ago(-20), name="Travel")
    f.FollowUpFactory(service_user=busy.service_user, unit=world.unit, trust_person=world.trust_person)
    bergen = _ended(world, _years_ago(5), unit=world.other_unit, name="Bergensk")

    html = _page(client, world.leader)

    assert f"Sak {soon.pk}: Snart Avsluttet" in html
    part = html[html.index(f'id="sak-{soon.pk}"'):]
    part = part[:part.index("</li>\n    </ul>") if "</li>\n    </ul>" in part else None]
    # Only what the case has: the case's own row (its notes), and the person's own record.
    assert "<strong>Slettes fra 04.12.2026:</strong> logg og avtaler (1); om personen: personopplysninger og " \
           "innlogging (1)</li>" in part
    assert f"Sak {overdue.pk}: Forfalt" in html and "Slettes ved neste kjøring:" in html
    for case in (later, door, busy, bergen):
        assert f"Sak {case.pk}:" not in html, case.service_user.first_name
    assert "Bergensk" not in html
    # The names shown are in those persons' access logs, once a day.
    logged = set(AccessEvent.objects.filter(actor=world.leader).values_list("service_user_id", flat=True))
    assert logged == {soon.service_user_id, overdue.service_user_id}
    _page(client, world.leader)
    assert AccessEvent.objects.filter(actor=world.leader).count() == 2


def test_each_case_shows_only_the_kinds_that_have_something_with_how_many_rows(client, world):
    """Not every kind on every case (a trial found eight kinds repeated on each of seven cases, most of them empty:
    7,800 px at 375 px)."""
    from koordinator.models import FollowUpEntry
    from retention import kinds

    case = _ended(world, _years_ago(10), name="Snart")
    for hour in (9, 10):
        FollowUpEntry.objects.create(follow_up=case, written_by=world.trust_person, kind=FollowUpEntry.Kind.PHONE,
                                     started_at=datetime.datetime(2016, 11, 1, hour, tzinfo=datetime.UTC),
                                     note="Ringte")
    f.NextOfKinFactory(service_user=case.service_user)
    empty = _ended(world, _years_ago(12), name="Tom")

    html = _page(client, world.leader)

    card = html[html.index(f'id="sak-{case.pk}"'):]
    line = card[card.index("<strong>Slettes fra 04.12.2026:</strong> "):card.index("</li>")]
    assert line == "<strong>Slettes fra 04.12.2026:</strong> logg og avtaler (3); om personen: personopplysninger " \
                   "og innlogging (2)"
    assert "Slettes fra" not in card[card.index("</li>"):card.index("</ul>")], "one line per date"
    other = html[html.index(f'id="sak-{empty.pk}"'):]
    assert "<strong>Slettes fra 06.12.2026:</strong> logg og avtaler (1); om personen: personopplysninger og " \
           "innlogging (1)</li>" in other
    for kind in ("plan", "kriseplan", "varsler", "tilgangslogg", "meldinger"):
        assert f" {kind} (" not in html and f": {kind} (" not in html
    assert "(0)" not in html
    # What each kind is, in full, once at the end of the page.
    assert str(kinds.get("plan").label) in html[html.index('id="hva"'):]


def test_the_pages_numbers_are_the_rows_each_kind_has_counted_for_many_cases_at_once(world):
    """``engine.amounts`` counts a kind for all the page's cases in one query per step; the numbers are the same as
    counting case by case (the delivery attempts are left out: their notifications are counted)."""
    from retention import engine, kinds
    from tests.retention.helpers import rich_case

    rich = rich_case(world, started_on=_years_ago(-200), ended_on=_years_ago(-100)).case
    plain = [_ended(world, _years_ago(i), name=f"Enkel{i}") for i in range(3)]
    rows = engine.rows_for([rich, *plain], TODAY)
    found = engine.amounts(rows)
    assert found[("plan", rich.pk, rich.service_user_id)] > 0
    assert found[("plan", plain[0].pk, plain[0].service_user_id)] == 0
    for row in rows:
        for item in row.items:
            target = kinds.Target(row.case.service_user_id, item.follow_up_id, row.case.service_user.user_id)
            expected = sum(step.rows(target).count() for step in item.kind.steps()
                           if step.batch is not kinds.not_counted)
            assert found[(item.kind.key, item.follow_up_id, row.case.service_user_id)] == expected, item.kind.key


def test_the_case_page_shows_the_number_the_hold_form_asks_for(client, world):
    login(client, world.leader)
    page = client.get(reverse("followup_detail", args=[world.case.pk])).content.decode()
    assert f'<p class="ds-paragraph muted" id="saksnummer">Saksnummer {world.case.pk}</p>' in page
    form = client.get(reverse("legal_hold_create")).content.decode()
    assert "Nummeret står øverst på sakens side («Saksnummer 123»)" in form


def test_held_cases_are_marked_and_the_holds_listed_without_other_municipalities_names(client, world):
    held = _ended(world, _years_ago(5), name="Holdt")
    person = _ended(world, _years_ago(-400), name="Personhold")
    services.place_hold(world.leader, follow_up=held, reason="Klagesak hos Statsforvalteren")
    services.place_hold(world.admin, service_user=person.service_user, reason="Rettssak i tingretten")

    html = _page(client, world.leader)

    card = html[html.index(f'id="sak-{held.pk}"'):]
    card = card[:card.index("</li>")]
    assert "Slettestopp" in card and "<strong>Slettestopp: slettes ikke:</strong>" in card
    assert "Sett slettestopp" not in card
    assert "Klagesak hos Statsforvalteren" in html and "Rettssak i tingretten" in html
    assert f"Sak {held.pk}: Holdt Avsluttet" in html and "Alt om personen: Personhold Avsluttet" in html
    assert f"Satt av {world.leader.display_name}" in html
    assert "Satt av Administrator" in html and world.admin.display_name not in html
    bergen = _page(client, world.other_leader)
    assert "Klagesak" not in bergen and "Holdt" not in bergen and "Ingen saker eller personer har slettestopp" in bergen


def test_the_last_runs_show_the_municipalitys_own_counts(client, world):
    RetentionRun.objects.create(dry_run=False, counts={
        "total": {"plan": {"rows": 70, "history": 90}},
        "municipalities": {str(world.municipality.pk): {"plan": {"rows": 12, "history": 30}},
                           str(world.other_municipality.pk): {"plan": {"rows": 58, "history": 60}}},
        "cases": 3, "persons": 3})
    RetentionRun.objects.create(dry_run=True, counts={"total": {}, "municipalities": {}, "cases": 0, "persons": 0})

    html = _page(client, world.leader)

    assert "12 rader og 30 historikkrader slettet eller anonymisert." in html
    # (Not a bare «58» or «70»: the page's random CSRF tokens may hold one.)
    assert "Individuell plan: 12" in html and "Individuell plan: 58" not in html and "Individuell plan: 70" not in html
    assert "58 rader" not in html and "70 rader" not in html
    assert "Prøvekjøring" in html and "Ingenting i kommunen." in html
    assert "60 historikkrader" in _page(client, world.other_leader)


def _post(client, user, data, url: str | None = None):
    login(client, user)
    return client.post(url or reverse("legal_hold_create"), data)


def test_placing_a_hold_on_the_case_or_the_person(client, world):
    case = _ended(world, _years_ago(5))
    response = _post(client, world.leader, {"case": f" #{case.pk} ", "target": "sak", "reason": "Klagesak"})
    assert response.status_code == 302 and response["Location"] == URL
    hold = LegalHold.objects.get()
    assert (hold.follow_up, hold.service_user, hold.reason, hold.placed_by) == (case, None, "Klagesak", world.leader)
    assert hold.history.get().history_user == world.leader
    response = _post(client, world.leader, {"case": case.pk, "target": "person", "reason": "Rettssak"})
    assert response.status_code == 302
    assert LegalHold.objects.filter(service_user=case.service_user, follow_up=None).exists()
    login(client, world.leader)
    assert f"Slettestopp er satt for alt om personen i sak {case.pk}" in client.get(URL).content.decode()


def test_a_leader_may_hold_everything_about_a_person_registered_in_another_municipality(client, world):
    # The person is registered in Bergen but followed up in Trondheim: Trondheim's leader keeps everything about them.
    person = f.ServiceUserFactory(municipality=world.other_municipality, first_name="Flyttet", last_name="Person")
    case = _ended(world, _years_ago(5), person=person)
    response = _post(client, world.leader, {"case": case.pk, "target": "person", "reason": "Rettssak"})
    assert response.status_code == 302 and response["Location"] == URL
    hold = LegalHold.objects.get(service_user=person, follow_up=None)
    assert hold.municipality_id == world.municipality.pk and hold.placed_by == world.leader


@pytest.mark.parametrize(("data", "message"), [
    ({"case": "", "target": "sak", "reason": "Klage"}, "Skriv saksnummeret."),
    ({"case": "tolv", "target": "sak", "reason": "Klage"}, "Skriv saksnummeret med bare siffer, for eksempel 123."),
    ({"case": "9" * 19, "target": "sak", "reason": "Klage"}, "Skriv saksnummeret med bare siffer"),
    ({"case": "999999", "target": "sak", "reason": "Klage"}, "Fant ingen sak med nummer 999999 i Trondheim."),
    ({"case": "{case}", "target": "sak", "reason": "  "}, "Skriv hvorfor ingenting skal slettes"),
    ({"case": "{case}", "target": "alt", "reason": "Klage"}, "Velg saken eller hele personen."),
    ({"case": "{bergen}", "target": "sak", "reason": "Klage"}, "Fant ingen sak med nummer {bergen} i Trondheim."),
    ({"case": "{held}", "target": "sak", "reason": "Klage"}, "Saken har allerede slettestopp."),
    ({"case": "{gone}", "target": "person", "reason": "Klage"}, "Opplysningene om personen er allerede slettet"),
])
def test_bad_input_when_placing_a_hold_gets_a_clear_message_and_changes_nothing(client, world, data, message):
    numbers = {
        "case": _ended(world, _years_ago(5)).pk,
        "bergen": _ended(world, _years_ago(5), unit=world.other_unit).pk,
        "held": _ended(world, _years_ago(5)).pk,
        "gone": _ended(world, _years_ago(-4000)).pk,
    }
    services.place_hold(world.leader, follow_up=FollowUp.objects.get(pk=numbers["held"]), reason="Tilsyn")
    gone = FollowUp.objects.get(pk=numbers["gone"])
    run = RetentionRun.objects.create()
    Removal.objects.create(run=run, kind="person", service_user=gone.service_user,
                           municipality=world.municipality)
    holds = LegalHold.objects.count(), LegalHold.history.count()
    data = {key: value.format(**numbers) for key, value in data.items()}

    response = _post(client, world.leader, data)

    assert response.status_code == 200
    assert message.format(**numbers) in response.content.decode()
    assert (LegalHold.objects.count(), LegalHold.history.count()) == holds


def test_lifting_a_hold_needs_a_reason_and_happens_once(client, world):
    case = _ended(world, _years_ago(5), name="Løftet")
    hold = services.place_hold(world.leader, follow_up=case, reason="Klagesak")
    url = reverse("legal_hold_lift", args=[hold.pk])
    login(client, world.leader)
    page = client.get(url).content.decode()
    assert "Sak" in page and "Løftet Avsluttet" in page and "Klagesak" in page
    response = _post(client, world.leader, {"reason": " "}, url)
    assert response.status_code == 200 and "Skriv hvorfor slettestoppen oppheves." in response.content.decode()
    hold.refresh_from_db()
    assert hold.in_force
    response = _post(client, world.leader, {"reason": "Klagen er avgjort"}, url)
    assert response.status_code == 302
    hold.refresh_from_db()
    assert (hold.lifted_by, hold.lift_reason) == (world.leader, "Klagen er avgjort")
    response = _post(client, world.leader, {"reason": "Igjen"}, url)
    assert response.status_code == 200 and "Slettestoppen ble opphevet" in response.content.decode()
    hold.refresh_from_db()
    assert hold.lift_reason == "Klagen er avgjort" and hold.history.count() == 2


def test_holds_are_placed_and_lifted_by_the_leader_and_the_administrator_only(world):
    from django.core.exceptions import PermissionDenied

    case = _ended(world, _years_ago(5))
    for user in (world.trust_person, world.deputy, world.partner_valid, world.owner, world.other_leader):
        with pytest.raises(PermissionDenied):
            services.place_hold(user, follow_up=case, reason="Klage")
    hold = services.place_hold(world.admin, follow_up=case, reason="Klage")
    for user in (world.trust_person, world.partner_valid, world.owner, world.other_leader):
        with pytest.raises(PermissionDenied):
            services.lift_hold(user, hold, reason="Ferdig")
    services.lift_hold(world.leader, hold, reason="Ferdig")


def test_the_page_runs_the_same_number_of_queries_for_one_case_as_for_many(client, world):
    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            case = _ended(world, _years_ago(3 + i % 20), name=f"Person{i}")
            if i % 3 == 0:
                services.place_hold(world.leader, follow_up=case, reason=f"Klage {i}")
            if i % 4 == 0:  # a second, older case of the same person
                _ended(world, _years_ago(-30), person=case.service_user)

    login(client, world.leader)
    add(1, 0)
    RetentionRun.objects.create(counts={"municipalities": {str(world.municipality.pk): {"plan": {"rows": 1,
                                                                                               "history": 1}}}})
    small = qc.get(client, URL)
    add(24, 1)
    large = qc.get(client, URL)
    assert large.response.content.decode().count('class="ds-card card-list__item" id="sak-') == 25
    qc.assert_same(small, large, URL, ("1 case", "25 cases"))
    assert len(ServiceUser.objects.all()) > 25
