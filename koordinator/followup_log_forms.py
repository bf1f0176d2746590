"""Forms for the follow-up log: the quick entry (four fields, one hand, a phone) and the full entry.

They collect input; the rules live in ``koordinator.followup_log``. The services the full form offers come
from ``partner_organisations_for`` and what an entry may point at (the plan's steps) from the registered links
(``followup_log.links``, through the gate), never from ``.objects.all()``.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koordinator import followup_log
from koordinator.continuity_forms import TimeInput
from koordinator.form_fields import DayField, MomentField
from koordinator.forms import DateInput, StaffForm, partner_organisations_for
from koordinator.models import Appointment, FollowUp, FollowUpEntry, LifeArea, Organisation, User
from koordinator.timeutil import at
from koordinator.toolkit.ids import ModelMultipleIdField

Kind = FollowUpEntry.Kind
# What the user typed on the quick form, carried to the full form by «Flere detaljer».
QUICK_FIELDS = ("kind", "started_at", "duration_minutes", "note")

# A few words under the kinds that are easy to mix up.
KIND_DESCRIPTIONS = {
    Kind.OUTREACH: _("Dere traff hverandre ute, uten avtale."),
    Kind.ACCOMPANIED: _("Til NAV, legen, banken … Skriv hvilken tjeneste under «Flere detaljer»."),
    Kind.NOT_MET: _("Telles ikke som kontakt."),
}


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's own date-and-time picker; works without JavaScript and on phones."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H.%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M"]


def now_rounded() -> datetime.datetime:
    """Now, to the minute below (a log entry is written just after the contact)."""
    return timezone.localtime().replace(second=0, microsecond=0)


class QuickEntryForm(StaffForm):
    """Four fields: what kind, when (now), how long, a short note."""

    kind = forms.ChoiceField(
        label=_("Hva slags kontakt?"), choices=Kind.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Velg hva slags kontakt det var.")},
    )
    started_at = MomentField(
        label=_("Når"), widget=DateTimeLocalInput, input_formats=DATETIME_FORMATS,
        error_messages={"required": _("Skriv når kontakten var."),
                        "invalid": _("Skriv når kontakten var, for eksempel 23.11.2026 kl. 14.00.")},
    )
    duration_minutes = forms.IntegerField(
        label=_("Hvor lenge (minutter)"), min_value=0, max_value=followup_log.MAX_DURATION_MINUTES, initial=30,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": _("Skriv hvor mange minutter."),
                        "invalid": _("Skriv et helt antall minutter, for eksempel 45."),
                        "min_value": _("Skriv et helt antall minutter, for eksempel 45."),
                        "max_value": _("Høyst 720 minutter (12 timer).")},
    )
    note = forms.CharField(
        label=_("Notat"), required=False, max_length=followup_log.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kort: hva dere snakket om. Brukeren kan lese det."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_at"].initial = now_rounded
        self.fields["kind"].choice_descriptions = KIND_DESCRIPTIONS

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in QUICK_FIELDS}


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class LinkField(ModelMultipleIdField):
    """A registered link's choices (``followup_log.links``), as checkboxes. An id too large for the database is
    «not a valid choice», not a 500."""

    def __init__(self, link, queryset, **kwargs):
        self.link = link
        super().__init__(queryset=queryset, label=link.form_label, required=False, widget=forms.CheckboxSelectMultiple,
                         **kwargs)

    def label_from_instance(self, obj) -> str:
        return self.link.choice_label(obj)


class EntryForm(QuickEntryForm):
    """Every field of an entry. On a new entry, also the next appointment (optional)."""

    place = forms.CharField(label=_("Hvor"), required=False, max_length=200,
                            help_text=_("For eksempel «hjemme», «Dromedar kaffebar» eller «NAV Lerkendal»."))
    service = OrganisationChoiceField(
        label=_("Hvilken tjeneste"), required=False, queryset=Organisation.objects.none(),
        empty_label=_("Ingen / ikke i listen"),
        help_text=_("Når du fulgte brukeren til en avtale, eller møtte en annen tjeneste."),
    )
    service_text = forms.CharField(label=_("Tjenesten, hvis den ikke står i listen"), required=False,
                                   max_length=200)
    life_areas = forms.MultipleChoiceField(label=_("Livsområder"), required=False, choices=LifeArea.choices,
                                           widget=forms.CheckboxSelectMultiple)
    agreed_next = forms.CharField(label=_("Hva ble avtalt videre"), required=False,
                                  max_length=followup_log.NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))
    next_day = DayField(label=_("Neste avtale: dato"), required=False, widget=DateInput,
                               help_text=_("Fyll ut dato og klokkeslett for å lage avtalen. Brukeren får en "
                                           "påminnelse kvelden før."))
    next_time = forms.TimeField(label=_("Neste avtale: klokkeslett"), required=False, widget=TimeInput)
    next_place = forms.ChoiceField(label=_("Neste avtale: hvor"), required=False, choices=Appointment.Place.choices,
                                   initial=Appointment.Place.HOME, widget=forms.RadioSelect)
    next_place_detail = forms.CharField(label=_("Neste avtale: stedet nærmere"), required=False, max_length=200)

    NEXT_FIELDS = ("next_day", "next_time", "next_place", "next_place_detail")
    FIELDS = ("kind", "started_at", "duration_minutes", "place", "service", "service_text", "life_areas", "note",
              "agreed_next")

    def __init__(self, *args, actor: User, case: FollowUp, with_next: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = partner_organisations_for(actor).order_by("name")
        # One checkbox list per registered link (the plan's steps), shown only when there is something to choose.
        self.link_names = []
        for link in followup_log.entry_links():
            choices = link.choices(actor, case)
            if choices.exists():
                self.fields[link.name] = LinkField(link, choices)
                self.link_names.append(link.name)
        self.with_next = with_next
        if not with_next:
            for name in self.NEXT_FIELDS:
                del self.fields[name]

    @classmethod
    def initial_for(cls, entry: FollowUpEntry) -> dict:
        initial = {name: getattr(entry, name) for name in cls.FIELDS if name != "life_areas"}
        initial["started_at"] = timezone.localtime(entry.started_at)
        initial["life_areas"] = entry.life_areas
        for link in followup_log.entry_links():
            initial[link.name] = [item.pk for item in link.current(entry)]
        return initial

    def clean(self):
        data = super().clean()
        if self.with_next:
            day, time = data.get("next_day"), data.get("next_time")
            if day and not time:
                self.add_error("next_time", _("Skriv klokkeslettet for neste avtale."))
            elif time and not day:
                self.add_error("next_day", _("Skriv datoen for neste avtale."))
            elif day and time and not data.get("next_place"):
                self.add_error("next_place", _("Velg hvor dere skal møtes."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {name: data.get(name) for name in self.FIELDS if name in self.fields}
        kwargs["life_areas"] = list(data.get("life_areas") or [])
        for name in self.link_names:
            kwargs[name] = list(data.get(name) or [])
        kwargs["service_text"] = data.get("service_text") or ""
        return kwargs

    @property
    def link_fields(self) -> list:
        """The bound checkbox lists of the registered links, for the template."""
        return [self[name] for name in self.link_names]

    def next_appointment(self) -> dict | None:
        if not self.with_next or not self.cleaned_data.get("next_day"):
            return None
        day, time = self.cleaned_data["next_day"], self.cleaned_data["next_time"]
        return {
            "starts_at": at(day, time.hour, time.minute),
            "place": self.cleaned_data["next_place"],
            "place_detail": self.cleaned_data.get("next_place_detail") or "",
            "about": (self.cleaned_data.get("agreed_next") or "")[:300],
        }

    # Where a service's error goes on this form.
    FIELD_MAP = {"next_appointment": "next_day", "reason": None}


class ArchiveEntryForm(StaffForm):
    reason = forms.CharField(label=_("Hvorfor tas loggføringen ut?"), required=False, max_length=300,
                             help_text=_("For eksempel «skrevet på feil person». Loggføringen slettes ikke, men "
                                         "brukeren ser den ikke lenger."))
