"""Messages go in the recipient's language; records in one language (issue 12, item 10).

A staff member who reads the app in English (the footer's choice) must not send the users' SMS, e-mails and letters
in English, nor leave English history reasons and access-log lines behind. Messages are composed in the recipient's
language (bokmål: nothing records another), history reasons and the access log in settings.LANGUAGE_CODE. The last
test reads the code: the words handed to the outbox, the history and the access log are never composed eagerly with
``gettext`` in the request of whoever acts.
"""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from koordinator import continuity, followup_log, services
from koordinator.models import Absence, AccessEvent, Appointment, FollowUp, FollowUpEntry, Notification
from koordinator.timeutil import at
from meetings import services as meeting_services
from meetings.models import Meeting
from plans import services as plan_services
from plans.models import LifeArea
from tests.conftest import login

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 11, 23)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clock():
    with time_machine.travel(at(MONDAY, 7, 30), tick=False) as traveller:
        yield traveller


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def in_english(text: str) -> str:
    with translation.override("en"):
        return translation.gettext(text)


def test_the_english_catalogue_would_change_these_words():
    # Otherwise the tests below would pass whatever language the code used.
    for text in ("Fravær registrert", "Avtalen din er avlyst", "Oppfølgingssak", "Planen din er klar",
                 "Møtet er planlagt", "Tillitsperson", "Endret på grunn av fravær"):
        assert in_english(text) != text


def test_a_leader_in_english_registers_a_sick_day_the_user_hears_bokmal_and_the_records_are_bokmal(
    client, world, clock
):
    visit = Appointment.objects.create(
        follow_up=world.case, service_user=world.owner_su, trust_person=world.trust_person,
        starts_at=at(MONDAY, 14), place="home", created_by=world.trust_person,
    )
    english(login(client, world.leader))
    url = reverse("absence_register")
    data = {"person": world.trust_person.pk, "kind": "sykmelding", "starts_on": MONDAY.isoformat(),
            "ends_on": MONDAY.isoformat(), "note": ""}
    step_two = client.post(url, data)
    assert "Register absence" in step_two.content.decode()  # the leader's own pages are in English
    client.post(url, {**data, "confirm": "1", f"decision_{visit.pk}": "cancel"})

    told = Notification.objects.filter(recipient_service_user=world.owner_su)
    subjects = set(told.values_list("subject", flat=True))
    assert "Avtalen din er avlyst" in subjects
    assert f"{world.trust_person.display_name} er borte – dette er kontakten din" in subjects
    assert all("Hei Kari." in n.body for n in told)
    absence = Absence.objects.get(person=world.trust_person)
    assert absence.history.order_by("history_id").first().history_change_reason == "Fravær registrert"
    assert visit.history.order_by("history_id").last().history_change_reason == "Endret på grunn av fravær"
    visit.refresh_from_db()
    assert visit.status_note == "Avlyst på grunn av fravær"
    event = AccessEvent.objects.get(service_user=world.owner_su, actor=world.leader)
    assert event.what == "Avtaler (før registrering av fravær)"
    assert event.actor_role.startswith("Leder, ")


def test_the_access_log_is_bokmal_whoever_reads_and_a_list_is_logged_once_whatever_the_language(client, world):
    english(login(client, world.trust_person))
    client.get(reverse("followup_detail", args=[world.case.pk]))
    event = AccessEvent.objects.get(service_user=world.owner_su, actor=world.trust_person)
    assert (event.what, event.actor_role) == ("Oppfølgingssak", "Tillitsperson, Oppfølgingstjenesten Øst")
    # A list read in English and then in bokmål the same day is one line in the owner's log, not two.
    client.get(reverse("worklist"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    client.get(reverse("worklist"))
    assert AccessEvent.objects.filter(service_user=world.owner_su,
                                      what="Navnet ditt i arbeidslisten til tillitspersonen").count() == 1


def test_services_called_in_english_write_bokmal(world, clock):
    with translation.override("en"):
        draft = plan_services.create_plan(world.trust_person, world.case, own_words="Egen leilighet.")
        plan = plan_services.activate_plan(world.trust_person, draft, consent_given_how="paper")
        plan_services.add_goal(world.trust_person, plan, life_area=LifeArea.HOUSING, text="Egen leilighet")
        services.change_status(world.trust_person, world.case, FollowUp.Status.DORMANT)
        followup_log.create_entry(world.trust_person, world.case, kind=FollowUpEntry.Kind.CONVERSATION,
                                  started_at=at(MONDAY, 7), duration_minutes=30, note="Kort prat.")
        group = meeting_services.create_group(world.trust_person, world.case)
        meeting_services.schedule_meeting(world.trust_person, group, starts_at=at(MONDAY + datetime.timedelta(days=3),
                                                                                   10), place=Meeting.Place.OFFICE)
    reasons = list(plan.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert "Planen er tatt i bruk" in reasons and "Mål lagt til: Egen leilighet" in reasons
    case = FollowUp.objects.get(pk=world.case.pk)
    assert case.history.order_by("history_id").last().history_change_reason == "Status endret til Hvilende"
    assert case.user_notice.startswith("Oppfølgingen din er satt på pause.")
    entry = FollowUpEntry.objects.get(follow_up=world.case)
    assert entry.history.order_by("history_id").first().history_change_reason == "Loggført: Samtale"
    to_owner = Notification.objects.filter(recipient_service_user=world.owner_su)
    subjects = set(to_owner.values_list("subject", flat=True))
    assert {"Planen din er klar", "Du har fått en ansvarsgruppe", "Møte i ansvarsgruppen din 26.11.2026"} <= subjects
    invitation = to_owner.get(subject="Møte i ansvarsgruppen din 26.11.2026")
    assert "torsdag 26.11.2026 kl. 10.00" in invitation.body  # the weekday in bokmål too


def test_a_reminder_run_while_english_is_active_is_bokmal(world, clock):
    Appointment.objects.create(
        follow_up=world.case, service_user=world.owner_su, trust_person=world.trust_person,
        starts_at=at(MONDAY + datetime.timedelta(days=1), 10), place="home", created_by=world.trust_person,
    )
    from koordinator.reminders import appointment_reminders

    with translation.override("en"):
        appointment_reminders(at(MONDAY, 7, 30))
    reminder = Notification.objects.get(recipient_service_user=world.owner_su)
    assert reminder.subject.startswith("Påminnelse: avtale") and reminder.body.startswith("Hei Kari. Husk avtalen")


def test_an_absence_notice_is_written_out_in_the_recipients_language_not_the_actors(world, clock, monkeypatch):
    """The one place: ``outbox.language_of``. Were a language recorded for a user, their message follows it."""
    from koordinator import outbox

    Appointment.objects.create(
        follow_up=world.case, service_user=world.owner_su, trust_person=world.trust_person,
        starts_at=at(MONDAY, 14), place="home", created_by=world.trust_person,
    )
    monkeypatch.setattr(outbox, "language_of", lambda recipient: "en")
    continuity.register_absence(world.leader, world.trust_person, kind="sykmelding", starts_on=MONDAY,
                                ends_on=MONDAY)
    subjects = set(Notification.objects.filter(recipient_service_user=world.owner_su)
                   .values_list("subject", flat=True))
    assert in_english("Endring: %(deputy)s kommer i stedet") % {"deputy": world.deputy.display_name} in subjects


# --- the code: nothing composes eagerly what the outbox, the history or the access log keep -------------------------

# A call's argument that holds words kept for someone else: (function name, positions, keywords).
KEPT_WORDS = {
    "save_with_history": ({2}, {"reason"}),
    "bump": ({2}, {"reason"}),
    "record_access": ({2}, {"what", "reason"}),
    "build": ({1, 2}, {"subject", "body"}),
    "notify": ({1, 2}, {"subject", "body"}),
    "tell_owner": ({1, 2}, {"subject", "body"}),
    "tell_coordinator": ({1, 2}, {"subject", "body"}),
    "tell_case_staff": ({2, 3}, {"subject", "body"}),
    "tell_chair": ({1, 2}, {"subject", "body"}),
    "_tell_members_about_minutes": ({2, 3, 4}, set()),
    "_tell_staff_if_owner": ({2}, set()),
    "_notify_user": ({1}, set()),
    "record_read": ({2}, set()),
    "record_group_read": ({2}, set()),
    "_record": ({2}, set()),
    "compose": ({0}, set()),
    "record_text": ({0}, set()),
}
KEPT_KEYWORDS = {"default_change_reason"}
KEPT_ATTRIBUTES = {"_change_reason", "user_notice", "status_note"}
TRANSLATORS = {"gettext", "ngettext", "pgettext", "npgettext", "gettext_lazy", "ngettext_lazy", "pgettext_lazy"}
EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}


def _eager_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """The module's names for translation functions: (eager ones, all of them)."""
    eager, every = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.name in TRANSLATORS:
                    every.add(alias.asname or alias.name)
                    if alias.name in EAGER:
                        eager.add(alias.asname or alias.name)
    return eager, every


def _composed_now(node: ast.AST, eager: set[str], every: set[str]) -> bool:
    """Words composed at once in the current language: ``_("…")`` with an eager ``_``, any translation followed by
    ``%`` (even a lazy one is written out by ``%``), or ``str()`` of a translation."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id in eager:
            return True
        if node.func.id == "str" and node.args and isinstance(node.args[0], ast.Call) \
                and isinstance(node.args[0].func, ast.Name) and node.args[0].func.id in every:
            return True
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Call) \
                and isinstance(node.left.func, ast.Name) and node.left.func.id in every:
            return True
        return _composed_now(node.left, eager, every) or _composed_now(node.right, eager, every)
    if isinstance(node, ast.BoolOp):
        return any(_composed_now(v, eager, every) for v in node.values)
    if isinstance(node, ast.IfExp):
        return _composed_now(node.body, eager, every) or _composed_now(node.orelse, eager, every)
    return False


def eager_words(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    eager, every = _eager_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            positions, keywords = KEPT_WORDS.get(name, (set(), set()))
            args = [a for i, a in enumerate(node.args) if i in positions]
            args += [k.value for k in node.keywords if k.arg in keywords or k.arg in KEPT_KEYWORDS]
            found += [(a.lineno, name) for a in args if _composed_now(a, eager, every)]
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in KEPT_ATTRIBUTES \
                        and _composed_now(node.value, eager, every):
                    found.append((node.lineno, target.attr))
    return found


def test_the_guard_finds_eager_words():
    source = (
        "from django.utils.translation import gettext as _\n"
        "from django.utils.translation import gettext_lazy\n"
        "save_with_history(a, b, _('Endret'))\n"
        "bump(a, b, gettext_lazy('Endret: %(x)s') % {'x': 1})\n"
        "outbox.notify(su, _('Emne'), lambda: _('Tekst'))\n"
        "access.record_access(u, [1], str(gettext_lazy('Sak')), 'web')\n"
        "appointment.status_note = _('Avlyst')\n"
        "save_with_history(a, b, gettext_lazy('Endret'))\n"
        "save_with_history(a, b, lambda: _('Endret: %(x)s') % {'x': 1})\n"
    )
    assert sorted(line for line, _name in eager_words(source)) == [3, 4, 5, 6, 7]


@pytest.mark.parametrize("app", ["koordinator", "plans", "meetings"])
def test_no_words_kept_for_others_are_composed_in_the_actors_language(app):
    problems = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, name in eager_words(path.read_text()):
            problems.append(f"{path.relative_to(ROOT)}:{line} {name}")
    assert not problems, "composed with gettext before it reaches its recipient or the records:\n" + "\n".join(problems)
