"""The crisis plan API: create, read with the always-current call list and the ETag, PATCH with a version or
If-Match (412 with both texts on a stale one), contacts as an ordered list, sign-offs, history, restore, archive,
emergency access, and a list that does not grow in queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from koordinator import continuity
from koordinator.models import Absence, AccessEvent
from plans.crisis import services
from plans.models import CrisisContact, CrisisPlan, CrisisSignOff
from tests import factories as f
from tests.conftest import login
from tests.plans.helpers import fresh

pytestmark = pytest.mark.django_db

URL = "/api/v1/crisis-plans/"


def api(user) -> APIClient:
    return login(APIClient(), user)


def test_staff_create_a_crisis_plan_with_contacts_and_get_201_with_the_etag(world):
    response = api(world.trust_person).post(URL, {
        "service_user": world.owner_su.pk, "warning_signs": "Sover dårlig.",
        "contacts": [{"name": "Eva", "role": "søster", "phone": "900 00 001", "reachable": ["evening"]}],
    }, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    plan = CrisisPlan.objects.get()
    assert response["ETag"] == data["etag"] == plan.etag
    assert [c["name"] for c in data["contacts"]] == ["Eva"] and data["contacts"][0]["phone"] == "+4790000001"
    assert [e["kind"] for e in data["call_list"]] == ["contact_now", "contact", "legevakt", "emergency"]


def test_a_bad_contact_is_a_400_and_nothing_is_made(world):
    response = api(world.trust_person).post(URL, {
        "service_user": world.owner_su.pk,
        "contacts": [{"name": "Eva", "phone": "12", "reachable": ["evening"]}],
    }, format="json")
    assert response.status_code == 400
    assert "gyldig telefonnummer" in response.json()["detail"]
    assert not CrisisPlan.objects.exists()


def test_a_partner_cannot_create_one(world):
    response = api(world.partner_valid).post(URL, {"service_user": world.owner_su.pk}, format="json")
    assert response.status_code == 403


def test_retrieve_has_the_call_list_as_it_is_now(world, crisis_plan):
    continuity.register_absence(world.leader, world.trust_person, kind=Absence.Kind.SICK_LEAVE,
                                starts_on=timezone.localdate(),
                                ends_on=timezone.localdate() + datetime.timedelta(days=1))
    response = api(world.owner).get(f"{URL}{crisis_plan.pk}/")
    assert response.status_code == 200
    now = response.json()["call_list"][0]
    assert now["kind"] == "contact_now" and now["name"] == world.deputy.display_name
    assert [e["phone_display"] for e in response.json()["call_list"][-2:]] == ["116 117", "113"]


def test_patch_needs_a_version(world, crisis_plan):
    response = api(world.trust_person).patch(f"{URL}{crisis_plan.pk}/", {"triggers": "x"}, format="json")
    assert response.status_code == 400 and "version" in response.json()["errors"]


def test_patch_with_if_match_saves_and_a_stale_one_is_412_with_both_texts(world, crisis_plan):
    client = api(world.trust_person)
    etag = client.get(f"{URL}{crisis_plan.pk}/")["ETag"]
    ok = client.patch(f"{URL}{crisis_plan.pk}/", {"what_helps": "Først."}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200 and ok.json()["version"] == crisis_plan.version + 1
    stale = api(world.deputy).patch(f"{URL}{crisis_plan.pk}/", {"what_helps": "Andre."}, format="json",
                                    HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    body = stale.json()
    assert body["submitted"] == {"what_helps": "Andre."} and body["current"] == {"what_helps": "Først."}
    assert body["current_version"] == crisis_plan.version + 1
    assert body["crisis_plan"]["what_helps"] == "Først."
    assert fresh(crisis_plan).what_helps == "Først."
    wrong = client.patch(f"{URL}{crisis_plan.pk}/", {"what_helps": "x"}, format="json", HTTP_IF_MATCH='"plan-1-v1"')
    assert wrong.status_code == 400


def test_patch_replaces_the_contact_list_in_order(world, crisis_plan):
    version = fresh(crisis_plan).version
    response = api(world.owner).patch(f"{URL}{crisis_plan.pk}/", {"version": version, "contacts": [
        {"name": "B", "phone": "91111111", "reachable": ["night"]},
        {"name": "A", "phone": "92222222", "reachable": ["office", "weekend"]},
    ]}, format="json")
    assert response.status_code == 200
    assert [(c["name"], c["reachable"]) for c in response.json()["contacts"]] == [
        ("B", ["night"]), ("A", ["office", "weekend"])]
    assert CrisisContact.objects.filter(crisis_plan=crisis_plan, archived_at__isnull=False).count() == 2


def test_a_stale_patch_of_the_contact_list_keeps_the_list_that_was_sent(world, crisis_plan):
    # Issue 12: «Det du skrev er tatt vare på» was not true for contacts: the 412 said ``submitted: {}``.
    client = api(world.trust_person)
    etag = client.get(f"{URL}{crisis_plan.pk}/")["ETag"]
    assert client.patch(f"{URL}{crisis_plan.pk}/", {"what_helps": "Først."}, format="json",
                        HTTP_IF_MATCH=etag).status_code == 200
    typed = [{"name": "Eva", "role": "søster", "phone": "900 00 001", "reachable": ["evening", "night"],
              "note": "Ring to ganger."}]
    stale = api(world.deputy).patch(f"{URL}{crisis_plan.pk}/", {"contacts": typed, "triggers": "Brev fra NAV."},
                                    format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    body = stale.json()
    assert body["submitted"] == {"contacts": typed, "triggers": "Brev fra NAV."}
    # What is stored now, in the same shape, so a client can show both lists.
    stored = [{"name": c.name, "role": c.role, "phone": c.phone, "reachable": c.reachable, "note": c.note}
              for c in CrisisContact.objects.filter(crisis_plan=crisis_plan).live().order_by("order", "pk")]
    assert body["current"] == {"contacts": stored, "triggers": fresh(crisis_plan).triggers}
    assert not CrisisContact.objects.filter(crisis_plan=crisis_plan, name="Eva").exists()


def test_a_stale_sign_off_keeps_what_was_sent(world, crisis_plan):
    version = fresh(crisis_plan).version
    stale = api(world.trust_person).post(f"{URL}{crisis_plan.pk}/sign-off/",
                                         {"version": version - 1, "on_paper": True, "signed_on": "2026-01-05"},
                                         format="json")
    assert stale.status_code == 412
    assert stale.json()["submitted"] == {"on_paper": True, "signed_on": "2026-01-05"}
    assert not CrisisSignOff.objects.filter(crisis_plan=crisis_plan).exists()


def test_sign_off_in_the_app_and_on_paper(world, crisis_plan):
    response = api(world.partner_valid).post(f"{URL}{crisis_plan.pk}/sign-off/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["sign_offs"][0]["how"] == "app"
    paper = api(world.trust_person).post(f"{URL}{crisis_plan.pk}/sign-off/", {"on_paper": True}, format="json")
    assert paper.status_code == 200 and paper.json()["status"] == "active"
    assert CrisisSignOff.objects.filter(how=CrisisSignOff.How.PAPER, by_owner=True).exists()
    again = api(world.partner_valid).post(f"{URL}{crisis_plan.pk}/sign-off/", {}, format="json")
    assert again.status_code == 400


def test_history_restore_and_archive(world, crisis_plan):
    client = api(world.trust_person)
    first = crisis_plan.history.earliest("history_date")
    client.patch(f"{URL}{crisis_plan.pk}/", {"warning_signs": "Endret.", "version": crisis_plan.version},
                 format="json")
    history = client.get(f"{URL}{crisis_plan.pk}/history/").json()["results"]  # paginated, like every list
    assert history[0]["what"] == "Kriseplanen er endret: varseltegn: slik merker jeg og andre at det går mot en krise"
    version = fresh(crisis_plan).version
    restored = client.post(f"{URL}{crisis_plan.pk}/restore/", {"history_id": first.history_id, "version": version},
                           format="json")
    assert restored.status_code == 200 and restored.json()["warning_signs"] == first.warning_signs
    archived = client.post(f"{URL}{crisis_plan.pk}/archive/", {"version": version + 1}, format="json")
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    assert api(world.owner).post(f"{URL}{crisis_plan.pk}/restore/", {"history_id": first.history_id},
                                 format="json").status_code == 403


def test_emergency_access_gives_the_plan_and_logs_the_reason(world, crisis_plan, emergency_member):
    reason = "Kom inn i natt, trenger å vite hvem vi skal ringe."
    response = api(emergency_member).post(f"{URL}emergency-access/", {
        "full_name": "Kari Nordmann", "birth_date": "1985-03-14", "reason": reason}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["crisis_plan"]["id"] == crisis_plan.pk and body["reason"] == reason
    assert body["organisation_name"] == "Trondheim legevakt"
    event = AccessEvent.objects.get(service_user=world.owner_su)
    assert (event.reason, event.channel) == (reason, AccessEvent.Channel.API)
    # Reads under the grant carry the reason too.
    api(emergency_member).get(f"{URL}{crisis_plan.pk}/")
    assert AccessEvent.objects.filter(reason=reason, what="Kriseplan (nødtilgang)").count() == 2


def test_emergency_access_without_a_reason_is_a_400_json_and_an_unknown_person_a_404(world, crisis_plan,
                                                                                    emergency_member):
    client = api(emergency_member)
    refused = client.post(f"{URL}emergency-access/", {"full_name": "Kari Nordmann", "birth_date": "1985-03-14"},
                          format="json")
    assert refused.status_code == 400
    assert "reason" in refused.json()["errors"]
    unknown = client.post(f"{URL}emergency-access/", {"full_name": "Kari Nordmann", "birth_date": "1985-03-15",
                                                      "reason": "Trenger kriseplanen nå i natt."}, format="json")
    assert unknown.status_code == 404
    assert not AccessEvent.objects.exists()


def test_the_list_takes_the_same_number_of_queries_for_1_or_30_plans(world):
    client = api(world.leader)

    def make(n: int) -> None:
        for _ in range(n):
            su = f.ServiceUserFactory(municipality=world.municipality)
            f.FollowUpFactory(service_user=su, unit=world.unit, trust_person=world.trust_person)
            plan = services.create_crisis_plan(world.trust_person, su)
            services.add_contact(world.trust_person, plan, name="X", phone="90000001", reachable=["office"])
            services.sign_off(world.trust_person, plan)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL)
        assert response.status_code == 200
        return len(ctx)

    make(1)
    one = count()
    make(29)
    assert count() == one
