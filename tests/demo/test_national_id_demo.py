"""The demo's sign-in data (issue 13, ``demo/sign_in.py``): the test persons of ``demo/sign_in_persons.json`` are the
demo's people, Nina Ås is followed up without an account, everyone else has a synthetic number from their birth date,
staff are linked to the staff provider, and bruker1 and tillit1 have log-ins for «Mine innlogginger». A second run
changes nothing, also after Nina's first log-in has given her an account."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from demo import sign_in
from koordinator.models import FollowUp, ServiceUser, SignIn, SignInIdentity, User
from koordinator.toolkit import national_id
from tests.demo.world import row_counts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["bruker1", "bruker2", "bruker3", "bruker4", "bruker5"])
def test_the_users_with_an_account_have_the_files_number_and_birth_date(username):
    person = sign_in.citizen(username=username)
    su = ServiceUser.objects.get(user__username=username)
    assert su.national_id == person["pid"]
    assert su.birth_date.isoformat() == person["birth_date"]
    assert su.full_name == person["name"]


def test_nina_aas_is_followed_up_by_tillit1_in_trondheim_without_an_account():
    nina = ServiceUser.objects.get(first_name="Nina", last_name="Ås")
    assert nina.user_id is None
    assert nina.national_id == sign_in.citizen(name="Nina Ås")["pid"] == "05859022172"
    assert nina.birth_date.isoformat() == "1990-05-05"
    case = FollowUp.objects.get(service_user=nina)
    assert case.status == FollowUp.Status.ACTIVE
    assert case.trust_person.username == "tillit1"
    assert case.municipality.name == "Trondheim kommune"


def test_the_unknown_test_persons_are_nobody_here():
    for group in sign_in.persons().values():
        for person in group:
            if not person["username"] and person["name"] != "Nina Ås":
                assert not ServiceUser.objects.filter(national_id=person["pid"]).exists(), person["name"]
                assert not SignInIdentity.objects.filter(subject=person["pid"]).exists(), person["name"]


def test_everyone_followed_up_has_a_synthetic_number_of_their_own_that_fits_their_birth_date(settings):
    settings.NATIONAL_ID_ACCEPT_SYNTHETIC = True
    people = list(ServiceUser.objects.values_list("national_id", "birth_date"))
    assert len(people) > 60
    numbers = [number for number, _born in people]
    assert "" not in numbers and len(set(numbers)) == len(numbers)
    for number, born in people:
        assert national_id.is_synthetic(number), number
        assert national_id.is_valid(number), number
        assert national_id.birth_date(number) == born, number
    settings.NATIONAL_ID_ACCEPT_SYNTHETIC = False
    assert not any(national_id.is_valid(number) for number in numbers)  # none could be a real person's


def test_the_synthetic_numbers_are_made_the_same_way_every_time():
    import datetime

    taken: set[str] = set()
    first = sign_in.synthetic_number(datetime.date(1971, 1, 9), taken)
    assert first == sign_in.synthetic_number(datetime.date(1971, 1, 9), set())
    assert sign_in.synthetic_number(datetime.date(1971, 1, 9), {first}) not in (None, first)
    assert sign_in.synthetic_number(datetime.date(2003, 6, 1), set())[6:9] >= "500"  # born 2000 or later


def test_staff_in_the_file_are_linked_to_the_staff_provider():
    for person in sign_in.persons()["staff"]:
        if person["username"]:
            identity = SignInIdentity.objects.get(
                provider=SignInIdentity.Provider.STAFF, subject=person["pid"]
            )
            assert identity.user.username == person["username"]
            assert identity.user.get_full_name() == person["name"]
    assert not SignInIdentity.objects.filter(provider=SignInIdentity.Provider.CITIZEN).exists()


def test_bruker1_and_tillit1_have_log_ins_to_see():
    bruker1 = SignIn.objects.filter(user__username="bruker1")
    assert set(bruker1.values_list("method", flat=True)) == {
        SignIn.Method.CITIZEN_OIDC,
        SignIn.Method.PASSWORD,
    }
    assert set(bruker1.values_list("level", flat=True)) == {
        "idporten-loa-substantial",
        "idporten-loa-high",
        "",
    }
    tillit1 = SignIn.objects.filter(user__username="tillit1")
    assert set(tillit1.values_list("method", flat=True)) == {
        SignIn.Method.PASSWORD_TOTP,
        SignIn.Method.STAFF_OIDC,
    }
    from django.utils import timezone

    assert not SignIn.objects.filter(at__gt=timezone.now()).exists()


def test_a_second_run_after_ninas_first_log_in_changes_nothing(settings):
    """Her first log-in through ID-porten makes her account and links it (koordinator.signin.oidc); the plans' and
    meetings' sections must draw as before, or a rerun would give other people plans and groups."""
    nina = ServiceUser.objects.get(first_name="Nina", last_name="Ås")
    user = User.objects.create(username="nina-aas", first_name="Nina", last_name="Ås")
    nina.user = user
    nina.save()
    before = row_counts()
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert row_counts() == before
