"""Forms for the quality-of-life rounds. They collect input; the rules live in ``outcomes.rounds``.

Every question is a group of radio buttons (a fieldset with the question as its legend, ``{% form_field %}``): the
trust person's part Ja / Nei / Vet ikke, the user's part the five steps in the item's own words
(``instrument.SubjectiveItem.plain`` and ``.steps``) and «Hopp over» (not answered: missing, never zero). They work
without JavaScript: a choice made by mistake is undone by choosing «Hopp over».
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from koordinator.form_fields import DayField
from koordinator.forms import DateInput, StaffForm, plain_words
from outcomes.instrument import OBJECTIVE, OBJECTIVE_CHOICES, SUBJECTIVE, SubjectiveItem
from outcomes.models import QualityOfLifeRound
from outcomes.rounds import OBJECTIVE_FIELDS, SUBJECTIVE_FIELDS

SKIP = _("Hopp over")
ANSWERED_BY_CHOICES = [
    (QualityOfLifeRound.AnsweredBy.WITH_TRUST_PERSON, QualityOfLifeRound.AnsweredBy.WITH_TRUST_PERSON.label),
    (QualityOfLifeRound.AnsweredBy.USER_ALONE, QualityOfLifeRound.AnsweredBy.USER_ALONE.label),
    ("", QualityOfLifeRound.AnsweredBy.NOT_ANSWERED.label),
]


def objective_field(item) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=item.text,
        choices=OBJECTIVE_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Velg «Ja», «Nei» eller «Vet ikke».")},
    )


class UnchosenRadioSelect(forms.RadioSelect):
    """Radio buttons with nothing chosen until a choice is made: a value not given (``None``: a new round, or a
    question not answered) checks no button, where Django would check the empty choice («Hopp over»). «Hopp over»
    chosen and sent back with an error elsewhere stays chosen (it comes back as ``""``)."""

    def format_value(self, value):
        if value is None:
            return []
        return super().format_value(value)


def subjective_field(
    item: SubjectiveItem, skip_label=SKIP, widget=forms.RadioSelect
) -> forms.TypedChoiceField:
    """The five steps in the item's own words (1 … 5), and «Hopp over» (``None``)."""
    return forms.TypedChoiceField(
        label=item.plain,
        choices=[(str(step), words) for step, words in enumerate(item.steps, start=1)] + [("", skip_label)],
        coerce=int,
        empty_value=None,
        widget=widget,
        required=False,
        error_messages={"invalid_choice": _("Velg et av de fem svarene, eller «Hopp over».")},
    )


class RoundForm(StaffForm):
    """The staff's round, both parts on one page: the date, O1–O18, who answered the user's part, S1–S14."""

    taken_on = DayField(
        label=_("Dato for runden"), required=False, widget=DateInput, help_text=_("Tomt betyr i dag.")
    )
    subjective_by = forms.ChoiceField(
        label=_("Brukerens del besvart av"),
        choices=ANSWERED_BY_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {"taken_on": self.fields.pop("taken_on")}
        fields.update({item.field: objective_field(item) for item in OBJECTIVE})
        fields["subjective_by"] = self.fields.pop("subjective_by")
        # The user's part starts as the trust person's does, with nothing chosen: a button already on «Hopp over»
        # read as a question gone through, and one left alone looked like one the user chose to skip. Not chosen
        # and «Hopp over» are both not answered (missing, never zero).
        fields.update({item.field: subjective_field(item, widget=UnchosenRadioSelect) for item in SUBJECTIVE})
        self.fields = fields
        plain_words(self.fields)

    @classmethod
    def initial_for(cls, qol_round: QualityOfLifeRound) -> dict:
        initial = {"taken_on": qol_round.taken_on, "subjective_by": qol_round.subjective_by}
        initial.update({name: getattr(qol_round, name) for name in OBJECTIVE_FIELDS})
        initial.update({name: getattr(qol_round, name) for name in SUBJECTIVE_FIELDS})
        return initial

    def objective_fields(self):
        return [self[name] for name in OBJECTIVE_FIELDS]

    def subjective_fields(self):
        return [self[name] for name in SUBJECTIVE_FIELDS]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "taken_on": data.get("taken_on"),
            "objective": {name: data.get(name) or "" for name in OBJECTIVE_FIELDS},
            "subjective": {name: data.get(name) for name in SUBJECTIVE_FIELDS},
            "answered_by": data.get("subjective_by") or "",
        }


class MyAnswersForm(StaffForm):
    """The user's own part on Min side: the 14 questions in plain words, each with «Hopp over»."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        skip = _("Hopp over dette spørsmålet")
        self.fields.update({item.field: subjective_field(item, skip) for item in SUBJECTIVE})
        plain_words(self.fields)

    def answers(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in SUBJECTIVE_FIELDS}
