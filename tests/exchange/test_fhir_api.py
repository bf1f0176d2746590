"""The FHIR R4 read API (issue 15): what each resource carries, who sees what, the access log, and bad input."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from rest_framework.test import APIClient

from koordinator.models import AccessEvent
from tests import query_counts as qc
from tests.conftest import login
from tests.exchange.fhir_helpers import FHIR_JSON, full_case, ids, url, validate

pytestmark = pytest.mark.django_db
# Every test here runs on a Monday morning in Oslo with the clock standing still (autouse), so no date in it depends
# on the hour the suite runs at.
clock = qc.clock


@pytest.fixture
def scene(world):
    return full_case(world)


def get(user, path, **extra):
    return login(APIClient(), user).get(path, **extra)


def test_the_owner_gets_everything_of_their_own_and_every_resource_validates(world, scene):
    response = get(world.owner, url("fhir-everything", world.owner_su.pk))
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith(FHIR_JSON)
    bundle = response.json()
    validate(bundle)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds[0] == "Patient"
    assert set(kinds) == {"Patient", "CarePlan", "Goal", "CareTeam", "Consent"}
    assert ids(bundle, "CarePlan") == [f"plan-{scene.plan.pk}", f"crisis-{scene.crisis.pk}"]
    assert sorted(ids(bundle, "Goal")) == sorted(str(g.pk) for g in scene.goals)
    assert bundle["total"] == len(bundle["entry"])
    # The owner reading their own data is not in their access log.
    assert not AccessEvent.objects.filter(service_user=world.owner_su).exists()


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle.get("entry", []) if e["resource"]["resourceType"] == kind]


def test_the_care_plan_carries_the_plan_its_goals_steps_and_measures(world, scene):
    response = get(world.trust_person, url("fhir-read", "CarePlan", f"plan-{scene.plan.pk}"))
    assert response.status_code == 200, response.content
    plan = response.json()
    validate(plan)
    assert plan["status"] == "active" and plan["intent"] == "plan"
    assert plan["subject"] == {"reference": f"Patient/{world.owner_su.pk}"}
    assert plan["description"] == "Jeg vil ha min egen leilighet."
    assert {"system": "http://snomed.info/sct", "code": "734163000", "display": "Care plan"} in \
        plan["category"][0]["coding"]
    assert plan["author"]["display"] == world.trust_person.display_name
    assert [g["reference"] for g in plan["goal"]] == [f"Goal/{g.pk}" for g in scene.goals]
    assert plan["careTeam"] == [{"reference": f"CareTeam/{world.case.pk}"}]
    details = {a["detail"].get("code", {}).get("text") or a["detail"]["description"]: a for a in plan["activity"]}
    done = details["Ringe boligkontoret"]
    assert done["detail"]["status"] == "completed"
    assert done["progress"][0]["text"] == "Det gikk fint."
    assert done["detail"]["performer"] == [{"reference": f"Patient/{world.owner_su.pk}"}]
    assert details["Sende søknad"]["detail"]["performer"][0]["display"] == world.trust_person.display_name
    assert details["Sende søknad"]["detail"]["status"] == "not-started"
    gp_step = details["Snakke med fastlegen"]["detail"]
    assert [p["display"] for p in gp_step["performer"]] == [world.partner_valid.display_name, scene.gp.name]
    assert gp_step["scheduledPeriod"] == {"end": scene.steps[2].due_on.isoformat()}
    measure = details["Bolig med oppfølging"]["detail"]
    assert measure["kind"] == "ServiceRequest" and measure["description"] == "2 timer i uka"
    assert measure["performer"] == [{"type": "Organization", "display": world.nav.name}]
    notes = " ".join(n["text"] for n in plan["note"])
    assert "Mine styrker og ressurser: Jeg er flink med folk." in notes
    assert "Samtykke til planen" in notes


def test_the_crisis_plan_is_a_care_plan_of_its_own_with_the_call_list_in_order(world, scene):
    plan = get(world.owner, url("fhir-read", "CarePlan", f"crisis-{scene.crisis.pk}")).json()
    validate(plan)
    assert plan["category"][0]["coding"][0] == {"system": "http://snomed.info/sct", "code": "736253002",
                                                "display": "Mental health crisis plan"}
    assert plan["title"] == "Kriseplan"
    contacts = plan["contained"]
    assert [c["name"][0]["text"] for c in contacts] == ["Eva Nordmann", "DPS akutteam"]
    assert contacts[0]["relationship"] == [{"text": "søster"}]
    assert contacts[0]["telecom"][0]["rank"] == 1 and contacts[1]["telecom"][0]["rank"] == 2
    first = plan["activity"][0]["detail"]
    assert first["performer"][0]["reference"] == f"#{contacts[0]['id']}"
    assert first["scheduledString"] == "Kan nås: kveld, helg"
    assert any(n["text"].endswith("Jeg sover dårlig.") for n in plan["note"])


def test_goals_carry_the_users_words_the_life_area_and_the_open_steps_due_dates(world, scene):
    housing, work = scene.goals
    goal = get(world.owner, url("fhir-read", "Goal", housing.pk)).json()
    validate(goal)
    assert goal["description"] == {"text": "Egen leilighet før jul"}
    assert goal["lifecycleStatus"] == "active"
    assert goal["category"][0]["coding"][0]["code"] == "bolig"
    assert goal["expressedBy"] == {"reference": f"Patient/{world.owner_su.pk}"}
    # The done step is no target any more; the trust person's is.
    assert goal["target"] == [{"measure": {"text": "Sende søknad"}, "dueDate": scene.steps[1].due_on.isoformat()}]
    other = get(world.owner, url("fhir-read", "Goal", work.pk)).json()
    assert "expressedBy" not in other  # not in the user's own words


def test_the_care_team_has_the_coordinator_the_deputy_and_the_groups_members(world, scene):
    team = get(world.trust_person, url("fhir-read", "CareTeam", world.case.pk)).json()
    validate(team)
    assert team["status"] == "active"
    roles = [(p["role"][0]["coding"][0]["code"], p["member"].get("display", p["member"].get("reference")),
              p["role"][0].get("text")) for p in team["participant"]]
    assert roles[0][:2] == ("coordinator", world.trust_person.display_name)
    assert roles[1][:2] == ("deputy", world.deputy.display_name)
    assert ("service-user", f"Patient/{world.owner_su.pk}", "Brukeren") in roles
    assert ("group-member", world.partner_valid.display_name, "fastlege") in roles
    assert ("group-member", world.nav.name, "NAV-veileder") in roles
    assert team["category"][0]["coding"][0]["code"] == "LA28865-6"


def test_consents_say_who_may_see_what_from_when_to_when_and_their_status(world, scene):
    bundle = get(world.owner, url("fhir-search", "Consent", patient=world.owner_su.pk)).json()
    validate(bundle)
    found = {c["id"]: c for c in resources(bundle, "Consent")}
    assert found[str(world.consent_valid.pk)]["status"] == "active"
    assert found[str(world.consent_expired.pk)]["status"] == "inactive"
    assert found[str(world.consent_withdrawn.pk)]["status"] == "rejected"
    only_plan = found[str(world.consent_wrong_scope.pk)]["provision"]
    assert [c["coding"][0]["code"] for c in only_plan["code"]] == ["plan"]
    assert only_plan["period"] == {"start": world.consent_wrong_scope.valid_from.isoformat(),
                                   "end": world.consent_wrong_scope.valid_until.isoformat()}
    assert only_plan["actor"][0]["reference"]["display"] == world.partner_wrong_scope.display_name
    org = found[str(world.consent_org.pk)]["provision"]["actor"][0]["reference"]
    assert org == {"type": "Organization", "display": world.nav.name}


# --- who sees what --------------------------------------------------------------------------------------------------


def test_a_partner_with_the_plan_scope_gets_the_care_plan_and_goals_and_nothing_else(world, scene):
    partner = world.partner_wrong_scope  # a consent in force with the plan scope only
    plan = get(partner, url("fhir-read", "CarePlan", f"plan-{scene.plan.pk}"))
    assert plan.status_code == 200
    assert "careTeam" not in plan.json()  # they may not see it, so it is not linked
    assert get(partner, url("fhir-read", "Goal", scene.goals[0].pk)).status_code == 200
    assert get(partner, url("fhir-read", "CarePlan", f"crisis-{scene.crisis.pk}")).status_code == 404
    assert get(partner, url("fhir-read", "CareTeam", world.case.pk)).status_code == 404
    patient = get(partner, url("fhir-read", "Patient", world.owner_su.pk)).json()
    assert patient["name"][0]["text"] == "Kari Nordmann"
    assert "birthDate" not in patient and "identifier" not in patient
    bundle = get(partner, url("fhir-everything", world.owner_su.pk)).json()
    validate(bundle)
    kinds = sorted({e["resource"]["resourceType"] for e in bundle["entry"]})
    assert kinds == ["CarePlan", "Consent", "Goal", "Patient"]
    assert ids(bundle, "CarePlan") == [f"plan-{scene.plan.pk}"]
    assert ids(bundle, "Consent") == [str(world.consent_wrong_scope.pk)]  # their own, not the others'


@pytest.mark.parametrize("persona", ["partner_none", "partner_expired", "partner_withdrawn", "other_leader",
                                     "other_trust_person", "other_owner", "admin"])
def test_someone_elses_data_is_404_and_a_search_answers_as_for_no_one(world, scene, persona):
    user = getattr(world, persona)
    for path in (url("fhir-read", "CarePlan", f"plan-{scene.plan.pk}"), url("fhir-read", "Patient", world.owner_su.pk),
                 url("fhir-everything", world.owner_su.pk), url("fhir-read", "Goal", scene.goals[0].pk),
                 url("fhir-read", "CareTeam", world.case.pk), url("fhir-read", "Consent", world.consent_valid.pk)):
        response = get(user, path)
        assert response.status_code == 404, (persona, path)
        assert response.json()["resourceType"] == "OperationOutcome"
        assert response.json()["issue"][0]["code"] == "not-found"
    hidden = get(user, url("fhir-search", "CarePlan", patient=world.owner_su.pk)).json()
    nobody = get(user, url("fhir-search", "CarePlan", patient=999999)).json()
    for bundle in (hidden, nobody):
        del bundle["link"]
    assert hidden == nobody == {"resourceType": "Bundle", "type": "searchset", "total": 0}
    assert not AccessEvent.objects.filter(service_user=world.owner_su, actor=user).exists()


def test_a_search_shows_only_what_the_gate_shows(world, scene):
    other_plan = full_case_for_other(world)
    mine = get(world.trust_person, url("fhir-search", "CarePlan")).json()
    assert f"plan-{scene.plan.pk}" in ids(mine) and f"plan-{other_plan.pk}" not in ids(mine)
    leader = get(world.leader, url("fhir-search", "CarePlan")).json()
    assert {f"plan-{scene.plan.pk}", f"plan-{other_plan.pk}"} <= set(ids(leader))
    assert get(world.other_leader, url("fhir-search", "CarePlan")).json()["total"] == 0


def full_case_for_other(world):
    from plans import services

    return services.create_plan(world.other_trust_person, world.other_case, own_words="Annen plan")


# --- the access log -------------------------------------------------------------------------------------------------


def test_every_staff_and_partner_read_is_one_event_per_request_per_person(world, scene):
    def events(user):
        return AccessEvent.objects.filter(service_user=world.owner_su, actor=user, channel=AccessEvent.Channel.API)

    get(world.trust_person, url("fhir-everything", world.owner_su.pk))
    assert events(world.trust_person).count() == 1
    assert events(world.trust_person).get().what == "Et annet fagsystem hentet alt om deg"
    get(world.trust_person, url("fhir-search", "Goal", patient=world.owner_su.pk))  # two goals, one event
    assert events(world.trust_person).count() == 2
    get(world.partner_valid, url("fhir-read", "CarePlan", f"plan-{scene.plan.pk}"))
    assert events(world.partner_valid).get().what == "Et annet fagsystem hentet planen din"
    get(world.partner_valid, url("fhir-search", "Goal", patient=99999))  # nothing shown, nothing logged
    assert events(world.partner_valid).count() == 1


def test_the_access_log_names_each_fhir_read_in_plain_words_with_who_read_it(world, scene):
    """The person reads «Et annet fagsystem hentet målene dine», not «FHIR: søk i Goal»."""
    pk = world.owner_su.pk
    get(world.trust_person, url("fhir-search", "Goal", patient=pk))
    get(world.trust_person, url("fhir-search", "CarePlan", patient=pk))
    get(world.trust_person, url("fhir-search", "CareTeam", patient=pk))
    get(world.trust_person, url("fhir-search", "Consent", patient=pk))
    get(world.trust_person, url("fhir-search", "Patient", _id=pk))
    get(world.trust_person, url("fhir-read", "CarePlan", f"crisis-{scene.crisis.pk}"))
    get(world.trust_person, url("fhir-read", "Goal", scene.goals[0].pk))
    get(world.trust_person, url("fhir-everything", pk))
    whats = list(AccessEvent.objects.filter(service_user=world.owner_su, actor=world.trust_person)
                 .order_by("pk").values_list("what", flat=True))
    assert whats == [
        "Et annet fagsystem hentet målene dine",
        "Et annet fagsystem hentet planen og kriseplanen din",
        "Et annet fagsystem hentet hvem som er med i oppfølgingen din",
        "Et annet fagsystem hentet samtykkene dine",
        "Et annet fagsystem hentet navnet ditt og andre personopplysninger",
        "Et annet fagsystem hentet kriseplanen din",
        "Et annet fagsystem hentet et av målene dine",
        "Et annet fagsystem hentet alt om deg",
    ]
    page = login(Client(), world.owner).get("/min-side/innsyn/").content.decode()
    assert "FHIR" not in page and "Goal" not in page and "$everything" not in page
    assert "Et annet fagsystem hentet målene dine" in page and world.trust_person.display_name in page


def test_the_identity_number_is_the_owners_and_the_staffs_and_a_staff_read_of_it_is_logged(world, scene):
    number = _a_valid_number()
    world.owner_su.national_id = number
    world.owner_su.birth_date = datetime.date(1986, 4, 15)
    world.owner_su.save()
    own = get(world.owner, url("fhir-read", "Patient", world.owner_su.pk)).json()
    validate(own)
    assert own["identifier"] == [{"use": "official", "system": "urn:oid:2.16.578.1.12.4.1.4.1", "value": number}]
    staff = get(world.trust_person, url("fhir-read", "Patient", world.owner_su.pk)).json()
    assert staff["identifier"][0]["value"] == number
    whats = sorted(AccessEvent.objects.filter(actor=world.trust_person).values_list("what", flat=True))
    assert whats == ["Et annet fagsystem hentet navnet ditt og andre personopplysninger", "Fødselsnummer"]
    assert staff["birthDate"] == own["birthDate"] == "1986-04-15"
    # A partner never gets the number; the birth date only with a consent that covers the follow-up.
    partner = get(world.partner_valid, url("fhir-read", "Patient", world.owner_su.pk)).json()
    assert "identifier" not in partner and partner["birthDate"] == "1986-04-15"
    plan_only = get(world.partner_wrong_scope, url("fhir-read", "Patient", world.owner_su.pk)).json()
    assert "identifier" not in plan_only and "birthDate" not in plan_only
    assert not AccessEvent.objects.filter(actor=world.partner_valid, what="Fødselsnummer").exists()


def _a_valid_number() -> str:
    from stdnum.no import fodselsnummer

    base = "150486123"
    return base + fodselsnummer.calc_check_digit1(base) + fodselsnummer.calc_check_digit2(
        base + fodselsnummer.calc_check_digit1(base))


def test_a_d_number_has_the_d_number_system():
    from exchange.fhir.patient import identifier

    assert identifier("55018012345")["system"] == "urn:oid:2.16.578.1.12.4.1.4.2"
    assert identifier("15018012345")["system"] == "urn:oid:2.16.578.1.12.4.1.4.1"


# --- bad input: an OperationOutcome, never a 500 --------------------------------------------------------------------


def outcome_of(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content)
    assert response["Content-Type"].startswith(FHIR_JSON)
    body = response.json()
    validate(body)
    assert body["resourceType"] == "OperationOutcome" and body["issue"][0]["details"]["text"]
    return body["issue"][0]


@pytest.mark.parametrize(("path", "where"), [
    ("/fhir/Observation", "type"),
    ("/fhir/Observation/1", "type"),
    ("/fhir/careplan?patient=1", "type"),
    ("/fhir/CarePlan?subject=Patient/1", "subject"),
    ("/fhir/CarePlan?patient=1&_sort=date", "_sort"),
    ("/fhir/Patient?patient=1", "patient"),
    ("/fhir/CarePlan?_lastUpdated=yesterday", "_lastUpdated"),
    ("/fhir/CarePlan?_lastUpdated=ge2026-13-01", "_lastUpdated"),
    ("/fhir/CarePlan?_lastUpdated=ge2026-02-30", "_lastUpdated"),
    ("/fhir/CarePlan?_lastUpdated=sa2026-01-01", "_lastUpdated"),
    ("/fhir/CarePlan?_lastUpdated=ge2026-01-01T25:00:00%2B01:00", "_lastUpdated"),
    ("/fhir/CarePlan?_lastUpdated=ge2026-01-01T10:00:00%2B15:00", "_lastUpdated"),
    ("/fhir/CarePlan?patient=abc", "patient"),
    ("/fhir/CarePlan?patient=Group/1", "patient"),
    ("/fhir/CarePlan?_count=-1", "_count"),
    ("/fhir/CarePlan?_count=many", "_count"),
    ("/fhir/CarePlan?_page=0", "_page"),
    ("/fhir/CarePlan/12", "id"),
    ("/fhir/CarePlan/plan-abc", "id"),
    ("/fhir/CarePlan?_id=goal-1", "id"),
    ("/fhir/Goal/plan-1", "id"),
    ("/fhir/Patient/007", "id"),
    ("/fhir/Patient/abc/$everything", "id"),
    ("/fhir/Patient/1/$everything?_since=2026-01-01", "_since"),
    ("/fhir/Goal/1?patient=1", "patient"),
    # Digits that are not 0-9 (int() refuses «²»), and dates whose range leaves the calendar: a 400, never a 500.
    ("/fhir/Patient/²", "id"),
    ("/fhir/CarePlan/plan-²", "id"),
    ("/fhir/Patient?_id=²", "id"),
    ("/fhir/Goal?patient=²", "patient"),
    ("/fhir/Patient/²/$everything", "id"),
    ("/fhir/Patient?_count=²", "_count"),
    ("/fhir/CarePlan?_lastUpdated=ge9999-12-31", "_lastUpdated"),
    ("/fhir/CarePlan?_lastUpdated=gt9999-12-31T23:59:59.999999Z", "_lastUpdated"),
    ("/fhir/CarePlan?_lastUpdated=le9999-12-31T23:59:59-14:00", "_lastUpdated"),
    ("/fhir/CarePlan?_lastUpdated=ge0001-01-01T00:00:00%2B14:00", "_lastUpdated"),
    ("/fhir/CarePlan?_lastUpdated=lt0001", "_lastUpdated"),
])
def test_bad_input_is_a_400_operation_outcome_naming_what_is_wrong(world, path, where):
    issue = outcome_of(get(world.trust_person, path), 400)
    assert issue.get("expression") == [where], issue


@pytest.mark.parametrize("path", ["/fhir/CarePlan/plan-999999", "/fhir/Patient/99999999999999999999999",
                                  "/fhir/Goal/999999", "/fhir/Patient/999999/$everything", "/fhir/CarePlan/x/y/z",
                                  "/fhir/"])
def test_what_does_not_exist_is_a_404_operation_outcome(world, path):
    assert outcome_of(get(world.trust_person, path), 404)["code"] == "not-found"


def test_numbers_longer_than_python_reads_are_not_a_500(world, scene):
    """int() refuses more than 4,300 digits: an id that long cannot exist (404), a count that long is the most."""
    digits = "9" * 5000
    assert outcome_of(get(world.trust_person, f"/fhir/Patient/{digits}"), 404)["code"] == "not-found"
    assert outcome_of(get(world.trust_person, f"/fhir/CarePlan/plan-{digits}"), 404)["code"] == "not-found"
    for path in (f"/fhir/Goal?patient={digits}", f"/fhir/Patient?_id={digits}"):
        response = get(world.trust_person, path)
        assert response.status_code == 200 and response.json()["total"] == 0, (path, response.content[:200])
    response = get(world.trust_person, f"/fhir/Goal?_count={digits}")
    assert response.status_code == 200 and len(response.json()["entry"]) == len(scene.goals)
    response = get(world.trust_person, f"/fhir/Goal?_page={digits}")
    assert response.status_code == 200 and "entry" not in response.json()


def test_anonymous_is_401_with_the_token_challenge_and_metadata_is_public(world):
    response = APIClient().get(url("fhir-search", "CarePlan"))
    assert outcome_of(response, 401)["code"] == "login"
    assert response["WWW-Authenticate"] == "Token"
    assert APIClient().get(url("fhir-metadata")).status_code == 200


def test_a_token_works_as_in_the_api(world, scene):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.trust_person)
    response = APIClient().get(url("fhir-read", "CarePlan", f"plan-{scene.plan.pk}"),
                               HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert APIClient().get(url("fhir-search", "Goal"), HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_only_reads_and_only_json(world, scene):
    client = login(APIClient(), world.trust_person)
    path = url("fhir-read", "CarePlan", f"plan-{scene.plan.pk}")
    for method in ("post", "put", "patch", "delete"):
        assert outcome_of(getattr(client, method)(path, {}, format="json"), 405)["code"] == "not-supported"
    assert client.head(path).status_code == 200
    for fmt in ("json", "application/fhir+json", "application/json"):
        assert client.get(path, {"_format": fmt}).status_code == 200
    assert client.get(path, HTTP_ACCEPT="application/fhir+json").status_code == 200
    assert client.get(path, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8").status_code == 200
    outcome_of(client.get(path, {"_format": "xml"}), 406)
    outcome_of(client.get(path, HTTP_ACCEPT="application/fhir+xml"), 406)
    # The six reads answered are logged; the refused ones (405, 406) are not.
    assert AccessEvent.objects.filter(actor=world.trust_person, what="Et annet fagsystem hentet planen din").count() \
        == 6


# --- search: _lastUpdated, _id, paging ------------------------------------------------------------------------------


def test_last_updated_finds_what_changed_in_the_range(world):
    import time_machine

    from koordinator.timeutil import at
    from plans import services

    with time_machine.travel(at(datetime.date(2026, 3, 2), 10), tick=False):
        plan = services.create_plan(world.trust_person, world.case, own_words="Før")
    with time_machine.travel(at(datetime.date(2026, 5, 4), 10), tick=False):
        other = services.create_plan(world.other_trust_person, world.other_case, own_words="Etter")
    leader = world.leader

    def found(value) -> list[str]:
        values = value if isinstance(value, list) else [value]
        return ids(get(leader, url("fhir-search", "CarePlan", _lastUpdated=values)).json())

    first, second = f"plan-{plan.pk}", f"plan-{other.pk}"
    assert found("ge2026-04-01") == [second]
    assert found("lt2026-04-01") == [first]
    assert found("2026-03-02") == [first]
    assert found("eq2026-03") == [first]
    assert found("gt2026-03-02") == [second]
    assert found("le2026-03-02") == [first]
    assert found(["ge2026-01-01", "lt2026-12-31"]) == [first, second]
    assert found("ge2026-03-02T10:00:00+01:00") == [first, second]
    assert found("gt2026-03-02T10:00:00+01:00") == [second]
    assert found("ge2026-03-02T09:00:00Z") == [first, second]  # 10.00 in Oslo is 09.00 UTC
    assert found("gt2026-03-02T09:00:00Z") == [second]
    assert found("ge2027") == []
    # The meta says the same time.
    plan_json = get(leader, url("fhir-read", "CarePlan", first)).json()
    assert plan_json["meta"]["lastUpdated"] == "2026-03-02T10:00:00+01:00"


def test_paging_with_count_and_next_links(world, scene):
    path = url("fhir-search", "Consent", patient=f"Patient/{world.owner_su.pk}", _count=2)
    first = get(world.owner, path).json()
    assert first["total"] == 5 and len(first["entry"]) == 2
    seen = ids(first)
    nxt = next(link["url"] for link in first["link"] if link["relation"] == "next")
    while nxt:
        page = get(world.owner, nxt).json()
        validate(page)
        seen += ids(page)
        nxt = next((link["url"] for link in page["link"] if link["relation"] == "next"), None)
    assert sorted(seen, key=int) == sorted({*seen}, key=int) and len(seen) == 5
    assert get(world.owner, url("fhir-search", "Consent", _count=0)).json() == {
        "resourceType": "Bundle", "type": "searchset", "total": 5,
        "link": [{"relation": "self", "url": "http://testserver/fhir/Consent?_count=0"}]}
    both = get(world.owner, url("fhir-search", "CarePlan",
                                _id=f"plan-{scene.plan.pk},crisis-{scene.crisis.pk}")).json()
    assert ids(both) == [f"plan-{scene.plan.pk}", f"crisis-{scene.crisis.pk}"]


def test_the_capability_statement_lists_exactly_what_is_served(world):
    statement = APIClient().get(url("fhir-metadata"), {"_format": "json"}).json()
    validate(statement)
    assert statement["fhirVersion"] == "4.0.1"
    rest = statement["rest"][0]["resource"]
    assert [r["type"] for r in rest] == ["Patient", "CarePlan", "Goal", "CareTeam", "Consent"]
    params = {r["type"]: sorted(p["name"] for p in r["searchParam"]) for r in rest}
    assert params["Patient"] == ["_id", "_lastUpdated"]
    assert params["CarePlan"] == params["Goal"] == params["CareTeam"] == params["Consent"] == [
        "_id", "_lastUpdated", "patient"]
    assert rest[0]["operation"][0]["name"] == "everything"


@pytest.mark.parametrize("resource", ["Patient", "CarePlan", "Goal", "CareTeam", "Consent"])
def test_last_updated_works_for_every_type(world, scene, resource):
    """Every type's last change is one SQL expression (a column, or the newest history row): the same answers on
    SQLite and PostgreSQL."""
    import time_machine
    from django.utils import timezone

    today = timezone.localdate()
    key = "_id" if resource == "Patient" else "patient"

    def found(prefix: str, day: datetime.date) -> int:
        path = url("fhir-search", resource, **{key: world.owner_su.pk, "_lastUpdated": f"{prefix}{day.isoformat()}"})
        return get(world.owner, path).json()["total"]

    everything = get(world.owner, url("fhir-search", resource, **{key: world.owner_su.pk})).json()
    assert everything["total"] >= 1
    for entry in everything["entry"]:
        assert entry["resource"]["meta"]["lastUpdated"][:10] == today.isoformat()
    assert found("ge", today) == found("eq", today) == found("le", today) == everything["total"]
    assert found("lt", today) == found("gt", today) == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        assert found("ge", today + datetime.timedelta(days=1)) == 0
