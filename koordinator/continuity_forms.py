"""Forms for continuity: appointments, absences, standing deputies and change of trust person.

They collect input; the rules live in ``koordinator.continuity``. Choices that list people come from the
actor's own unit or municipality, never from ``.objects.all()``.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koordinator import access, continuity
from koordinator.form_fields import DayField
from koordinator.forms import DateInput, StaffForm, UserChoiceField
from koordinator.models import Absence, Appointment, FollowUp, Membership, User
from koordinator.services import trust_persons_in_unit
from koordinator.timeutil import at


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def staff_of_leader(actor: User):
    """Trust persons in the leader's municipalities."""
    munis = access.actor_for(actor).leader_municipality_ids
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(
            role=Membership.Role.TRUST_PERSON, organisation__municipality_id__in=munis
        ).values("user_id"),
    ).order_by("first_name", "last_name", "username")


class AppointmentForm(StaffForm):
    day = DayField(label=_("Dato"), widget=DateInput)
    time = forms.TimeField(label=_("Klokkeslett"), widget=TimeInput)
    duration_minutes = forms.IntegerField(label=_("Varighet i minutter"), initial=60, min_value=5, max_value=480)
    place = forms.ChoiceField(label=_("Hvor"), choices=Appointment.Place.choices, initial=Appointment.Place.HOME,
                              widget=forms.RadioSelect)
    place_detail = forms.CharField(label=_("Stedet nærmere"), max_length=200, required=False,
                                   help_text=_("For eksempel navnet på kafeen."))
    about = forms.CharField(label=_("Hva skal dere snakke om?"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = timezone.localdate() + datetime.timedelta(days=1)
        self.fields["time"].initial = datetime.time(10, 0)

    def starts_at(self) -> datetime.datetime:
        day, time = self.cleaned_data["day"], self.cleaned_data["time"]
        return at(day, time.hour, time.minute)


class MoveAppointmentForm(StaffForm):
    day = DayField(label=_("Ny dato"), widget=DateInput)
    time = forms.TimeField(label=_("Nytt klokkeslett"), widget=TimeInput)
    note = forms.CharField(label=_("Hvorfor flyttes avtalen?"), max_length=300, required=False)

    def starts_at(self) -> datetime.datetime:
        day, time = self.cleaned_data["day"], self.cleaned_data["time"]
        return at(day, time.hour, time.minute)


class CancelAppointmentForm(StaffForm):
    note = forms.CharField(label=_("Hvorfor avlyses avtalen?"), max_length=300, required=False)


class AbsenceForm(StaffForm):
    person = UserChoiceField(label=_("Hvem er borte?"), queryset=User.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Type fravær"), choices=Absence.Kind.choices, widget=forms.RadioSelect)
    starts_on = DayField(label=_("Fra og med"), widget=DateInput)
    ends_on = DayField(label=_("Til og med"), widget=DateInput)
    note = forms.CharField(label=_("Merknad"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                           help_text=_("Vises bare for kolleger og leder, ikke for brukerne."))
    announce_return = forms.BooleanField(label=_("Si fra til brukerne når fraværet er over"), required=False)

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.is_leader = bool(access.actor_for(actor).leader_municipality_ids)
        if self.is_leader:
            self.fields["person"].queryset = staff_of_leader(actor)
            self.fields["person"].required = True
        else:
            del self.fields["person"]
        today = timezone.localdate()
        self.fields["starts_on"].initial = today
        self.fields["ends_on"].initial = today

    def chosen_person(self) -> User:
        return self.cleaned_data.get("person") or self.actor

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("«Til og med» kan ikke være før «fra og med»."))
        return data


class DecisionField(forms.ChoiceField):
    widget = forms.RadioSelect


# More choices than this (a large unit's colleagues) are a list to pick from, not a column of radio buttons.
MAX_RADIOS = 5


def add_decision_fields(form: forms.Form, covers: list[continuity.Cover], *, confirming: bool = False) -> None:
    """One choice per appointment in the period, offering only what will happen as it says (``Cover.choices``):
    the deputy takes it when they are at work that day; when they are not, the page says so and offers the
    colleagues who are, or cancelling (the user gets the duty phone).

    Pre-selected is only what happens whoever looks (``Cover.preselected``): the deputy at work, or cancelling
    when nobody can take it. Where a colleague is at work, nothing is pre-selected, so a single click never
    cancels an appointment someone could have taken; saving without choosing says «Velg …» next to it
    (``confirming``: the errors are shown only when the leader tries to save)."""
    from koordinator.timeutil import no_datetime

    if form.is_bound:
        form.data = form.data.copy()
        for cover in covers:
            if cover.preselected is not None:
                form.data.setdefault(f"decision_{cover.appointment.pk}", cover.preselected)
    for cover in covers:
        appointment = cover.appointment
        choices = cover.choices()
        field = DecisionField(
            label=_("%(when)s – %(user)s, %(place)s")
            % {"when": no_datetime(appointment.starts_at), "user": appointment.service_user.full_name,
               "place": appointment.place_text},
            choices=choices,
            initial=cover.preselected,
            help_text=cover.why_not_deputy,
            error_messages={"required": _("Velg hvem som tar avtalen, eller avlys den.")},
        )
        if len(choices) > MAX_RADIOS:
            field.widget = forms.Select(choices=[("", _("Velg hvem som tar avtalen")), *choices])
        form.fields[f"decision_{appointment.pk}"] = field
    if form.is_bound:
        form.full_clean()  # the new fields must be cleaned too, or their choices would be ignored
        if not confirming:
            for cover in covers:  # step two shown for the first time (or again): no «Velg …» before saving
                form.errors.pop(f"decision_{cover.appointment.pk}", None)


def planned_outcome(form: forms.Form, covers: list[continuity.Cover]) -> dict[str, int]:
    """What saving the page as it stands does to the appointments: how many are cancelled, taken by someone, and
    still to be chosen (for the words above the button and on it)."""
    outcome = {"cancel": 0, "taken": 0, "open": 0}
    for cover in covers:
        value = form.data.get(f"decision_{cover.appointment.pk}") if form.is_bound else cover.preselected
        valid = {v for v, _label in cover.choices()}
        if value not in valid:
            outcome["open"] += 1
        elif value == continuity.CANCEL:
            outcome["cancel"] += 1
        else:
            outcome["taken"] += 1
    return outcome


def decisions_from(form: forms.Form) -> dict[int, str]:
    return {
        int(name.removeprefix("decision_")): value
        for name, value in form.cleaned_data.items()
        if name.startswith("decision_")
    }


class StandingDeputyForm(StaffForm):
    trust_person = UserChoiceField(label=_("Tillitsperson"), queryset=User.objects.none())
    deputy = UserChoiceField(label=_("Fast stedfortreder"), queryset=User.objects.none(), required=False,
                             empty_label=_("Ingen"))

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        staff = staff_of_leader(actor)
        self.fields["trust_person"].queryset = staff
        self.fields["deputy"].queryset = staff


class ChangeTrustPersonForm(StaffForm):
    trust_person = UserChoiceField(label=_("Ny tillitsperson"), queryset=User.objects.none())
    handover_note = forms.CharField(
        label=_("Overføringsnotat"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Skriv det den nye tillitspersonen trenger å vite. Brukeren kan også lese notatet, så skriv "
                    "med respekt og i vanlige ord."),
    )

    def __init__(self, *args, case: FollowUp, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trust_person"].queryset = trust_persons_in_unit(case.unit).exclude(pk=case.trust_person_id)
