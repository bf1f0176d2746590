"""The staff's form for «alt om personen» when the person asked on paper, in person or by phone. It collects input;
the rules live in ``exchange.archive`` (which checks the date again)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchange.archive import MESSAGES, PAPER_NOTE_MAX
from exchange.models import DataArchive
from koordinator.form_fields import DayField
from koordinator.forms import DateInput, StaffForm


class PaperRequestForm(StaffForm):
    how = forms.ChoiceField(
        label=_("Hvordan ba personen om det?"),
        choices=DataArchive.PaperHow.choices,
        widget=forms.RadioSelect,
        error_messages={"required": MESSAGES["no_how"], "invalid_choice": MESSAGES["no_how"]},
    )
    received_on = DayField(
        label=_("Når ba personen om det?"),
        widget=DateInput,
        error_messages={"required": MESSAGES["no_date"]},
    )
    note = forms.CharField(
        label=_("Merknad"),
        required=False,
        max_length=PAPER_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For eksempel hvem som tok imot forespørselen, eller hvordan personen vil ha arkivet. Personen "
                    "ser merknaden i oversikten over hvem som har sett opplysningene deres."),
    )

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(MESSAGES["future_date"])
        return day

    def service_kwargs(self) -> dict:
        return {"how": self.cleaned_data["how"], "received_on": self.cleaned_data["received_on"],
                "note": self.cleaned_data["note"]}
