"""The end-of-follow-up evaluation (*sluttevaluering*, issue 14 point 3): written on the ending page and saved in the
ending's own transaction; read by the owner on Min side and by the case's staff on its own page; changed by the staff
while the case is ended, with history; never seen by partners or another municipality."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from koordinator import services
from koordinator.models import AccessEvent, FollowUp
from koordinator.timeutil import at
from koordinator.toolkit import ServiceError
from outcomes import end_evaluation
from outcomes.models import EndEvaluation
from tests.conftest import login

pytestmark = pytest.mark.django_db

ACHIEVED = "Kari har fått en fast leilighet på Lade og betaler husleia selv."
HELPED = "At noen svarte på telefonen, også når det var vanskelig."
NEEDS = "Fastlegen hver måned og NAV-veilederen hun kjenner."
DAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(at(DAY, 10), tick=False) as traveller:
        yield traveller


def end_url(world) -> str:
    return reverse("followup_end", args=[world.case.pk])


def page_url(world, name: str = "end_evaluation") -> str:
    return reverse(name, args=[world.case.pk])


def ending(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "reason": FollowUp.EndingReason.NO_LONGER_NEEDED,
        "note": "",
        "taken_over_by": "",
        "taken_over_by_name": "",
        "open_door_until": (today + datetime.timedelta(days=90)).isoformat(),
        "ended_on": today.isoformat(),
        "evaluation_achieved": ACHIEVED,
        "evaluation_what_helped": HELPED,
        "evaluation_needs_to_manage": NEEDS,
        "evaluation_user_part": EndEvaluation.UserPart.TOGETHER,
    }
    data.update(overrides)
    return data


def end_with_evaluation(world, **values) -> EndEvaluation:
    """End the case as the trust person does on the page, through the ending service with the evaluation part."""
    part = end_evaluation.EvaluationPart(world.case, world.trust_person)
    cleaned = {
        part.name(name): value
        for name, value in {
            "achieved": ACHIEVED,
            "what_helped": HELPED,
            "needs_to_manage": NEEDS,
            "user_part": EndEvaluation.UserPart.TOGETHER,
            **values,
        }.items()
    }
    services.end_follow_up(
        world.trust_person,
        world.case,
        reason=FollowUp.EndingReason.NO_LONGER_NEEDED,
        open_door_until=timezone.localdate() + datetime.timedelta(days=90),
        parts=[part.saver(cleaned)],
    )
    return EndEvaluation.objects.get(follow_up=world.case)


def assert_nothing_saved(world) -> None:
    case = FollowUp.objects.get(pk=world.case.pk)
    assert case.status == FollowUp.Status.ACTIVE
    assert case.ended_on is None and case.user_notice == ""
    assert case.history.count() == 1  # made by the factory, nothing since
    assert not EndEvaluation.objects.exists()
    assert not EndEvaluation.history.model.objects.exists()


# --- the ending page ----------------------------------------------------------------------------------------


def test_the_ending_page_asks_for_the_evaluation(client, world):
    page = login(client, world.trust_person).get(end_url(world)).content.decode()
    assert ">Sluttevaluering</h2>" in page
    for label in (
        "Hva har vi fått til?",
        "Hva mener brukeren har hjulpet?",
        "Hva trenger brukeren for å klare seg uten tjenesten?",
        "Brukerens del",
        "Skrevet sammen med brukeren",
        "Brukeren ville ikke være med",
        "Fikk ikke tak i brukeren",
        "Ikke aktuelt – brukeren er død",
        "Må velges, unntatt når brukeren er død.",
    ):
        assert label in page, label
    achieved = page[page.index('for="id_evaluation_achieved"') :]
    assert "(valgfritt)" not in achieved[: achieved.index("</label>")]
    helped = page[page.index('for="id_evaluation_what_helped"') :]
    assert "(valgfritt)" in helped[: helped.index("</label>")]
    assert 'name="evaluation_user_part"' in page and "checked" not in page  # nothing chosen for them


def test_ending_with_an_evaluation_saves_both_with_history(client, world):
    response = login(client, world.trust_person).post(end_url(world), ending())
    assert response.status_code == 302 and response["Location"] == world.case.get_absolute_url()
    case = FollowUp.objects.get(pk=world.case.pk)
    assert case.status == FollowUp.Status.ENDED
    evaluation = EndEvaluation.objects.get(follow_up=case)
    assert (
        evaluation.achieved,
        evaluation.what_helped,
        evaluation.needs_to_manage,
        evaluation.user_part,
    ) == (ACHIEVED, HELPED, NEEDS, EndEvaluation.UserPart.TOGETHER)
    assert evaluation.written_by == world.trust_person
    [record] = evaluation.history.all()
    assert (record.history_user, record.history_change_reason) == (
        world.trust_person,
        "Sluttevaluering skrevet",
    )
    assert case.history.latest("history_id").history_change_reason.startswith("Oppfølgingen avsluttet")


def test_an_empty_achieved_is_an_error_on_the_field_and_nothing_is_saved(client, world):
    response = login(client, world.trust_person).post(end_url(world), ending(evaluation_achieved="   "))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Skriv hva dere har fått til." in page
    assert '<a class="ds-link" href="#id_evaluation_achieved">Skriv hva dere har fått til.</a>' in page
    assert 'id="id_evaluation_achieved-feil"' in page
    assert "<title>Feil: " in page
    assert HELPED in page
    assert_nothing_saved(world)


@pytest.mark.parametrize(
    ("reason", "user_part", "message"),
    [
        (
            FollowUp.EndingReason.NO_LONGER_NEEDED,
            "",
            "Velg om brukeren var med på å skrive sluttevalueringen.",
        ),
        (
            FollowUp.EndingReason.MOVED,
            end_evaluation.NOT_APPLICABLE,
            "«Ikke aktuelt» kan bare velges når brukeren er død.",
        ),
        (FollowUp.EndingReason.NO_LONGER_NEEDED, "kanskje", "Velg et av alternativene i listen."),
    ],
)
def test_the_users_part_is_asked_for_and_nothing_is_saved_without_it(
    client, world, reason, user_part, message
):
    response = login(client, world.trust_person).post(
        end_url(world), ending(reason=reason, evaluation_user_part=user_part)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'href="#id_evaluation_user_part_0"' in response.content.decode()
    assert_nothing_saved(world)


@pytest.mark.parametrize("user_part", ["", end_evaluation.NOT_APPLICABLE])
def test_a_death_does_not_demand_the_users_part(client, world, user_part):
    response = login(client, world.trust_person).post(
        end_url(world),
        ending(
            reason=FollowUp.EndingReason.DEATH,
            open_door_until="",
            evaluation_what_helped="",
            evaluation_needs_to_manage="",
            evaluation_user_part=user_part,
        ),
    )
    assert response.status_code == 302
    evaluation = EndEvaluation.objects.get(follow_up=world.case)
    assert (evaluation.achieved, evaluation.user_part) == (ACHIEVED, "")
    page = login(client, world.leader).get(page_url(world)).content.decode()
    assert "Ikke aktuelt – brukeren er død." in page


def test_a_refusal_inside_the_ending_transaction_undoes_the_ending(client, world, monkeypatch):
    """The evaluation is refused after the case was saved as ended (in the same transaction): the form shows the
    error at the field, and neither the ending, the user's notice nor the evaluation is saved."""

    def refuse(*args, **kwargs):
        raise ServiceError("Teksten kan ikke lagres nå.", "achieved")

    monkeypatch.setattr(end_evaluation, "clean_evaluation", refuse)
    response = login(client, world.trust_person).post(end_url(world), ending())
    assert response.status_code == 200
    assert 'href="#id_evaluation_achieved">Teksten kan ikke lagres nå.</a>' in response.content.decode()
    assert_nothing_saved(world)


def test_the_ending_service_undoes_the_ending_when_a_part_is_refused(world):
    def bad_evaluation(actor, case):
        end_evaluation.save_end_evaluation(
            actor, case, achieved="", user_part=EndEvaluation.UserPart.TOGETHER
        )

    with pytest.raises(ServiceError) as error:
        services.end_follow_up(
            world.trust_person, world.case, reason=FollowUp.EndingReason.MOVED, parts=[bad_evaluation]
        )
    assert (error.value.field, error.value.message) == ("achieved", "Skriv hva dere har fått til.")
    assert_nothing_saved(world)


def test_ending_without_parts_still_works_as_before(world):
    """The API's ending and the older callers take no parts: the case ends, and no evaluation is made."""
    case = services.end_follow_up(world.trust_person, world.case, reason=FollowUp.EndingReason.MOVED)
    assert case.status == FollowUp.Status.ENDED
    assert not EndEvaluation.objects.exists()


def test_the_evaluation_cannot_be_written_on_an_open_case(world):
    with pytest.raises(ServiceError) as error:
        end_evaluation.save_end_evaluation(
            world.trust_person, world.case, achieved=ACHIEVED, user_part=EndEvaluation.UserPart.TOGETHER
        )
    assert error.value.message == "Sluttevalueringen skrives når oppfølgingen avsluttes."
    assert not EndEvaluation.objects.exists()


# --- the owner: Min side ------------------------------------------------------------------------------------


def test_min_side_has_no_evaluation_while_the_case_is_open(client, world):
    page = login(client, world.owner).get(reverse("my_page")).content.decode()
    assert "Sluttevaluering" not in page


@pytest.mark.parametrize("days_later", [0, 30, 200])  # the day it ended, in the open-door period, after it
def test_the_owner_reads_it_on_min_side_in_plain_words(client, world, clock, days_later):
    end_with_evaluation(world)
    clock.move_to(at(DAY + datetime.timedelta(days=days_later), 10))
    page = login(client, world.owner).get(reverse("my_page")).content.decode()
    section = page[page.index(">Sluttevaluering</h2>") :]
    for words in (
        "Dette har vi fått til",
        ACHIEVED,
        "Dette har hjulpet deg",
        HELPED,
        "Dette trenger du for å klare deg videre",
        NEEDS,
        "Da oppfølgingen ble avsluttet 23.11.2026, skrev vi dette sammen med deg.",
    ):
        assert words in section, words
    assert not AccessEvent.objects.exists()  # the owner's own read is not in her access log


def test_min_side_leaves_out_what_was_not_written(client, world):
    end_with_evaluation(
        world, what_helped="", needs_to_manage="", user_part=EndEvaluation.UserPart.NOT_REACHED
    )
    page = login(client, world.owner).get(reverse("my_page")).content.decode()
    assert ACHIEVED in page
    assert "Dette har hjulpet deg" not in page and "Dette trenger du for å klare deg videre" not in page
    assert "Vi fikk ikke snakket med deg om dette" in page


def test_min_side_shows_it_no_more_once_the_case_is_open_again(client, world):
    end_with_evaluation(world)
    services.change_status(world.trust_person, world.case, FollowUp.Status.ACTIVE)
    page = login(client, world.owner).get(reverse("my_page")).content.decode()
    assert ACHIEVED not in page


# --- the staff's page, and who else sees it ---------------------------------------------------------------


@pytest.mark.parametrize("persona", ["trust_person", "deputy", "leader"])
def test_the_case_staff_read_it_and_the_read_is_logged(client, world, persona):
    end_with_evaluation(world)
    reader = world.persona(persona)
    login(client, reader)
    case_page = client.get(reverse("followup_detail", args=[world.case.pk])).content.decode()
    assert f'href="{page_url(world)}">Sluttevaluering</a>' in case_page
    AccessEvent.objects.all().delete()
    response = client.get(page_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    for words in (
        ACHIEVED,
        HELPED,
        NEEDS,
        "Skrevet sammen med brukeren",
        "Sluttevaluering skrevet",
        f'href="{page_url(world, "end_evaluation_edit")}"',
    ):
        assert words in page, words
    event = AccessEvent.objects.get()
    assert (event.actor, event.service_user, event.what) == (reader, world.owner_su, "Sluttevaluering")


def test_the_owner_may_open_the_page_but_not_change_it(client, world):
    end_with_evaluation(world)
    login(client, world.owner)
    page = client.get(page_url(world)).content.decode()
    assert ACHIEVED in page and "Dette har vi fått til" in page
    assert page_url(world, "end_evaluation_edit") not in page
    assert client.get(page_url(world, "end_evaluation_edit")).status_code == 403
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize(
    "persona",
    ["partner_valid", "partner_org_member", "other_leader", "other_trust_person", "other_owner", "admin"],
)
def test_partners_and_others_do_not_see_it(client, world, persona):
    end_with_evaluation(world)
    login(client, world.persona(persona))
    assert client.get(page_url(world)).status_code == 404
    assert client.get(page_url(world, "end_evaluation_edit")).status_code == 404
    assert client.post(page_url(world, "end_evaluation_edit"), {"achieved": "Endret"}).status_code == 404
    assert EndEvaluation.objects.get().achieved == ACHIEVED
    assert not AccessEvent.objects.exists()
    assert ACHIEVED not in client.get(reverse("my_page")).content.decode()


def test_a_partner_who_sees_the_case_gets_no_link_to_it(client, world):
    end_with_evaluation(world)
    response = login(client, world.partner_valid).get(reverse("followup_detail", args=[world.case.pk]))
    assert response.status_code == 200  # the follow-up consent shows the case …
    assert page_url(world) not in response.content.decode()  # … but not its evaluation


def test_an_open_case_has_no_link_and_no_page(client, world):
    login(client, world.trust_person)
    assert (
        page_url(world) not in client.get(reverse("followup_detail", args=[world.case.pk])).content.decode()
    )
    assert client.get(page_url(world)).status_code == 404


# --- changing it ----------------------------------------------------------------------------------------------


def test_the_staff_change_it_with_history(client, world):
    evaluation = end_with_evaluation(world)
    login(client, world.leader)
    form = client.get(page_url(world, "end_evaluation_edit")).content.decode()
    assert ACHIEVED in form and 'value="together"' in form
    new = "Kari har fått fast bolig og en jobb på Lade gård to dager i uka."
    response = client.post(
        page_url(world, "end_evaluation_edit"),
        {"achieved": new, "what_helped": HELPED, "needs_to_manage": "", "user_part": "declined"},
    )
    assert response.status_code == 302 and response["Location"] == page_url(world)
    evaluation.refresh_from_db()
    assert (evaluation.achieved, evaluation.needs_to_manage, evaluation.user_part) == (new, "", "declined")
    assert evaluation.written_by == world.leader
    latest, first = evaluation.history.order_by("-history_date", "-history_id")
    assert (latest.history_user, latest.history_change_reason) == (world.leader, "Sluttevaluering endret")
    assert first.achieved == ACHIEVED  # what it said before is in the history
    owner_page = login(client, world.owner).get(reverse("my_page")).content.decode()
    assert new in owner_page and ACHIEVED not in owner_page


def test_a_change_that_changes_nothing_writes_no_history(world):
    evaluation = end_with_evaluation(world)
    end_evaluation.save_end_evaluation(
        world.trust_person,
        world.case,
        achieved=ACHIEVED,
        what_helped=HELPED,
        needs_to_manage=NEEDS,
        user_part=EndEvaluation.UserPart.TOGETHER,
    )
    assert evaluation.history.count() == 1


def test_a_bad_change_is_an_error_and_changes_nothing(client, world):
    evaluation = end_with_evaluation(world)
    response = login(client, world.trust_person).post(
        page_url(world, "end_evaluation_edit"),
        {"achieved": "", "what_helped": "", "needs_to_manage": "", "user_part": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Skriv hva dere har fått til." in page
    assert "Velg om brukeren var med på å skrive sluttevalueringen." in page
    assert EndEvaluation.objects.get().achieved == ACHIEVED
    assert evaluation.history.count() == 1


def test_it_is_not_changed_once_the_case_is_open_again(client, world):
    end_with_evaluation(world)
    services.change_status(world.trust_person, world.case, FollowUp.Status.ACTIVE)
    login(client, world.trust_person)
    page = client.get(page_url(world)).content.decode()
    assert ACHIEVED in page and "er startet igjen" in page
    assert page_url(world, "end_evaluation_edit") not in page
    response = client.post(
        page_url(world, "end_evaluation_edit"),
        {"achieved": "Endret", "what_helped": "", "needs_to_manage": "", "user_part": "together"},
    )
    assert response.status_code == 302 and response["Location"] == page_url(world)
    assert EndEvaluation.objects.get().achieved == ACHIEVED


def test_a_case_ended_without_one_gets_one_afterwards(client, world):
    """A case ended through the API (no parts) or before the evaluation existed: its staff write it later."""
    services.end_follow_up(world.trust_person, world.case, reason=FollowUp.EndingReason.MOVED)
    # The owner has no page for an evaluation that does not exist (nor a section on Min side).
    assert login(client, world.owner).get(page_url(world)).status_code == 404
    assert "Sluttevaluering" not in client.get(reverse("my_page")).content.decode()
    login(client, world.trust_person)
    case_page = client.get(reverse("followup_detail", args=[world.case.pk])).content.decode()
    assert "Sluttevaluering (ikke skrevet ennå)" in case_page
    page = client.get(page_url(world)).content.decode()
    assert "Sluttevalueringen er ikke skrevet ennå." in page
    response = client.post(
        page_url(world, "end_evaluation_edit"),
        {"achieved": ACHIEVED, "what_helped": "", "needs_to_manage": "", "user_part": "not_reached"},
    )
    assert response.status_code == 302
    evaluation = EndEvaluation.objects.get(follow_up=world.case)
    assert evaluation.history.get().history_change_reason == "Sluttevaluering skrevet"
    assert login(client, world.owner).get(page_url(world)).status_code == 200


def test_ending_a_case_again_replaces_the_evaluation_and_keeps_the_old_in_history(client, world):
    end_with_evaluation(world)
    services.change_status(world.trust_person, world.case, FollowUp.Status.ACTIVE)
    login(client, world.trust_person)
    assert "Saken har en sluttevaluering fra før" in client.get(end_url(world)).content.decode()
    response = client.post(
        end_url(world),
        ending(
            reason=FollowUp.EndingReason.MOVED,
            evaluation_achieved="Ny tekst",
            evaluation_user_part="not_reached",
        ),
    )
    assert response.status_code == 302
    evaluation = EndEvaluation.objects.get(follow_up=world.case)
    assert (evaluation.achieved, evaluation.history.count()) == ("Ny tekst", 2)


# --- the end round ----------------------------------------------------------------------------------------------


def test_after_ending_the_case_page_offers_a_last_quality_of_life_round(client, world):
    from outcomes import rounds
    from outcomes.models import QualityOfLifeRound

    create = reverse("qol_round_create", args=[world.case.pk])
    login(client, world.trust_person)
    response = client.post(end_url(world), ending(), follow=True)
    page = response.content.decode()
    assert f'href="{create}">Ta en siste livskvalitetsrunde</a>' in page
    assert client.get(create).status_code == 200  # the link opens
    assert f'href="{create}"' in client.get(page_url(world)).content.decode()
    # Not for the owner (she answers her part on Min side), nor once the end round is taken.
    owner_page = login(client, world.owner).get(reverse("followup_detail", args=[world.case.pk]))
    assert create not in owner_page.content.decode()
    rounds.start_round(FollowUp.objects.get(pk=world.case.pk), world.trust_person, objective={"o1": "ja"})
    assert QualityOfLifeRound.objects.get().kind == QualityOfLifeRound.Kind.END
    case_page = login(client, world.trust_person).get(reverse("followup_detail", args=[world.case.pk]))
    assert create not in case_page.content.decode()


def test_no_last_round_is_offered_when_the_user_has_died(client, world):
    login(client, world.trust_person)
    data = ending(reason=FollowUp.EndingReason.DEATH, open_door_until="", evaluation_user_part="")
    page = client.post(end_url(world), data, follow=True).content.decode()
    assert "Oppfølgingen er avsluttet" in page
    assert "Ta en siste livskvalitetsrunde" not in page
