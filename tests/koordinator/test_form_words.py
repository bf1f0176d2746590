"""The forms speak plain Norwegian everywhere: no «---------» as the empty choice of a drop-down, and the
«(valgfritt)» the form_field tag adds to a field that is not required is said once, and never about a field that
must be filled in."""

from __future__ import annotations

import copy
import importlib
import inspect

import pytest
from django import forms
from django.urls import reverse

from koordinator.forms import StaffForm
from tests.conftest import login

DJANGO_EMPTY_LABEL = "---------"

# Every module with the forms of the pages (the admin's are Django's own).
FORM_MODULES = [
    "koordinator.forms", "koordinator.continuity_forms", "koordinator.followup_log_forms", "koordinator.portal_forms",
    "koordinator.views.auth", "plans.forms", "plans.crisis.forms", "meetings.forms",
]


def form_classes():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield cls


def fields_as_shown(cls) -> dict:
    """The form's declared fields as a page gets them: a StaffForm puts its plain words in when it is made (here a
    StaffForm with the same fields, made without the form's own arguments)."""
    if issubclass(cls, StaffForm):
        return type(cls.__name__, (StaffForm,), copy.deepcopy(cls.base_fields))().fields
    return copy.deepcopy(cls.base_fields)


def empty_choices(field) -> list[str]:
    if isinstance(field, forms.ModelChoiceField):
        return [str(field.empty_label)] if field.empty_label is not None else []
    if isinstance(field, forms.ChoiceField):
        return [str(label) for value, label in field.choices if value in ("", None)]
    return []


def test_no_drop_down_offers_dashes_and_no_label_says_valgfritt_itself():
    problems, checked = [], 0
    for cls in form_classes():
        for name, field in fields_as_shown(cls).items():
            checked += 1
            where = f"{cls.__module__}.{cls.__name__}.{name}"
            if DJANGO_EMPTY_LABEL in empty_choices(field):
                problems.append(f"{where}: «---------» as the empty choice")
            label = str(field.label or "")
            if "valgfritt" in label.lower():
                # The tag adds «(valgfritt)» to a field that is not required; a required one is not optional.
                problems.append(f"{where}: the label says «{label}»")
    assert checked > 100, checked
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_empty_choice_says_what_to_choose(world):
    from koordinator.continuity_forms import AbsenceForm, ChangeTrustPersonForm, StandingDeputyForm

    assert AbsenceForm(actor=world.leader).fields["person"].empty_label == "Velg person"
    assert StandingDeputyForm(actor=world.leader).fields["trust_person"].empty_label == "Velg person"
    assert ChangeTrustPersonForm(case=world.case).fields["trust_person"].empty_label == "Velg person"

    class Mixed(StaffForm):
        kind = forms.ChoiceField(choices=[("", DJANGO_EMPTY_LABEL), ("a", "A")])
        chosen = forms.ChoiceField(choices=[("", "Ingen"), ("a", "A")])

    form = Mixed()
    assert form.fields["kind"].choices == [("", "Velg …"), ("a", "A")]
    assert form.fields["chosen"].choices == [("", "Ingen"), ("a", "A")]  # a wording given on purpose is kept


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["deputies", "absence_register", "change_trust_person"])
def test_the_leaders_pages_show_no_dashes(client, world, page):
    args = [world.case.pk] if page == "change_trust_person" else []
    response = login(client, world.leader).get(reverse(page, args=args))
    assert response.status_code == 200
    assert DJANGO_EMPTY_LABEL not in response.content.decode()


@pytest.mark.django_db
def test_withdrawing_a_consent_asks_for_a_reason_marked_optional_once(client, world):
    page = login(client, world.trust_person).get(reverse("consent_withdraw", args=[world.consent_valid.pk]))
    text = page.content.decode()
    assert "Grunn" in text and text.count("(valgfritt)") == 1


@pytest.mark.django_db
def test_a_field_required_only_sometimes_is_not_marked_optional(client, world):
    page = login(client, world.trust_person).get(reverse("followup_end", args=[world.case.pk])).content.decode()
    assert "Må fylles ut hvis grunnen er «Annet»." in page
    note = page[page.index('for="id_note"'):]
    assert "(valgfritt)" not in note[:note.index("</label>")]


@pytest.mark.django_db
def test_the_error_summary_names_the_field_of_a_message_that_does_not(client, world):
    """An empty «Registrer fravær» said «Dette feltet må fylles ut.» four times at the top; each now says which
    field, and the message next to the field stays as it was."""
    login(client, world.leader)
    response = client.post(reverse("absence_register"), {"note": ""})  # «Se hvem som blir berørt» with nothing filled in
    assert response.status_code == 200
    page = response.content.decode()
    summary = page[page.index('class="ds-error-summary'):]
    summary = summary[:summary.index("</div>")]
    assert "Fra og med: Dette feltet må fylles ut." in summary and "Til og med: Dette feltet må fylles ut." in summary
    assert "Til og med: Dette feltet må fylles ut." not in page.replace(summary, "")  # beside the field: as before
    assert page.count("Dette feltet må fylles ut.") >= 4
