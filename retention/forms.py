"""The leader's forms: place a legal hold (*slettestopp*) on a case or on the whole person, and lift one."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from koordinator.forms import StaffForm
from koordinator.models import FollowUp
from koordinator.toolkit.ids import clean_id
from retention.services import REASON_MAX

CASE = "sak"
PERSON = "person"


class HoldForm(StaffForm):
    case = forms.CharField(
        label=_("Saksnummer"), max_length=20,
        help_text=_("Nummeret står øverst på sakens side («Saksnummer 123») og i listen over det som snart slettes."),
        error_messages={"required": _("Skriv saksnummeret.")},
    )
    target = forms.ChoiceField(
        label=_("Hva skal ikke slettes?"), widget=forms.RadioSelect, initial=CASE,
        choices=[(CASE, _("Saken (og personens egne opplysninger så lenge saken finnes)")),
                 (PERSON, _("Alt om personen, alle saker"))],
        error_messages={"required": _("Velg saken eller hele personen."),
                        "invalid_choice": _("Velg saken eller hele personen.")},
    )
    reason = forms.CharField(
        label=_("Hvorfor skal ingenting slettes?"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For eksempel en klagesak, et tilsyn eller en rettssak. Brukeren ser ikke dette."),
        error_messages={"required": _("Skriv hvorfor ingenting skal slettes, for eksempel «Klagesak hos "
                                      "Statsforvalteren».")},
    )

    def clean_case(self) -> int:
        number = clean_id(self.cleaned_data["case"].strip().lstrip("#"), FollowUp)
        if number is None:
            raise forms.ValidationError(_("Skriv saksnummeret med bare siffer, for eksempel 123."))
        return number


class LiftForm(StaffForm):
    reason = forms.CharField(
        label=_("Hvorfor oppheves slettestoppen?"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Fra neste kjøring slettes det som har passert oppbevaringstiden."),
        error_messages={"required": _("Skriv hvorfor slettestoppen oppheves.")},
    )
