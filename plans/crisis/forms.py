"""Forms for the crisis plan pages. They collect input; the rules live in ``plans.crisis.services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from koordinator.form_fields import DayField
from koordinator.forms import DateInput, StaffForm
from plans.crisis import services
from plans.forms import VersionedTextForm
from plans.models import CrisisContact, CrisisPlan

VERSION_ERRORS = {
    "required": _("Siden mangler versjonen. Last siden på nytt."),
    "invalid": _("Siden mangler versjonen. Last siden på nytt."),
    "min_value": _("Siden mangler versjonen. Last siden på nytt."),
}


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1, error_messages=VERSION_ERRORS)


class CrisisPlanForm(VersionedTextForm):
    """The texts (and, for staff, the review date), with the version the editor started from."""

    warning_signs = forms.CharField(
        label=_("Varseltegn: slik merker jeg og andre at det går mot en krise"), required=False, widget=_textarea(4),
        help_text=_("For eksempel: sover dårlig, slutter å svare på telefonen, trekker meg unna."))
    triggers = forms.CharField(label=_("Dette pleier å utløse en krise"), required=False, widget=_textarea(),
                               help_text=_("For eksempel: for mye på en gang, brev fra NAV, bursdager."))
    self_help = forms.CharField(label=_("Dette gjør jeg selv"), required=False, widget=_textarea())
    how_to_meet_me = forms.CharField(label=_("Slik vil jeg bli møtt"), required=False, widget=_textarea())
    what_helps = forms.CharField(label=_("Dette hjelper"), required=False, widget=_textarea())
    what_does_not_help = forms.CharField(label=_("Dette hjelper ikke"), required=False, widget=_textarea())
    admission_wishes = forms.CharField(label=_("Ønsker om innleggelse"), required=False, widget=_textarea(),
                                       help_text=_("For eksempel en kort «time-out» i stedet for en lang."))
    medication = forms.CharField(label=_("Medisiner"), required=False, widget=_textarea())
    pickup_arrangements = forms.CharField(label=_("Henteavtaler"), required=False, widget=_textarea(),
                                          help_text=_("For eksempel hvem som henter medisinene, og hvor."))
    children_pets_keys = forms.CharField(label=_("Barn, dyr og nøkler"), required=False, widget=_textarea(),
                                         help_text=_("Hvem passer på barna eller dyrene, og hvem har nøkkel?"))
    review_on = DayField(label=_("Neste gjennomgang"), required=False, widget=DateInput,
                                help_text=_("Når dere ser på planen sammen igjen."))
    version = version_field()

    all_fields = services.PLAN_FIELDS
    owner_fields = services.OWNER_FIELDS

    def __init__(self, *args, crisis_plan: CrisisPlan, staff: bool, **kwargs):
        super().__init__(*args, document=crisis_plan, staff=staff, **kwargs)


class ContactForm(StaffForm):
    name = forms.CharField(label=_("Navn"), max_length=200, error_messages={"required": _("Skriv navnet.")})
    role = forms.CharField(label=_("Rolle eller relasjon"), max_length=200, required=False,
                           help_text=_("For eksempel søster, fastlege eller DPS-akutteam."))
    phone = forms.CharField(label=_("Telefon"), max_length=32,
                            error_messages={"required": _("Skriv telefonnummeret.")})
    reachable = forms.MultipleChoiceField(
        label=_("Når kan personen nås?"), choices=CrisisContact.Reachable.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Velg minst én tid personen kan nås: kontortid, kveld, natt eller helg.")},
    )
    note = forms.CharField(label=_("Merknad"), max_length=200, required=False,
                           help_text=_("For eksempel «Ring to ganger hvis hun ikke svarer»."))
    version = version_field()

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.CONTACT_FIELDS}


class VersionForm(StaffForm):
    """A button that acts on the version the reader saw (move, remove, sign off)."""

    version = version_field()


class PaperSignOffForm(StaffForm):
    signed_on = DayField(label=_("Dato brukeren skrev under"), required=False, widget=DateInput,
                                help_text=_("Tomt betyr i dag."))
    version = version_field()


class ArchiveForm(StaffForm):
    confirm = forms.BooleanField(label=_("Ja, arkiver kriseplanen"),
                                 error_messages={"required": _("Kryss av for å bekrefte.")})
    version = version_field()


class EmergencySearchForm(StaffForm):
    full_name = forms.CharField(label=_("Fullt navn"), max_length=200,
                                help_text=_("Fornavn og etternavn, slik personen oppgir det."),
                                error_messages={"required": _("Skriv hele navnet.")})
    birth_date = DayField(label=_("Fødselsdato"), widget=DateInput,
                                 error_messages={"required": _("Skriv fødselsdatoen.")})


class EmergencyReasonForm(StaffForm):
    reason = forms.CharField(
        label=_("Hvorfor må du se kriseplanen nå?"), widget=_textarea(3), required=False,
        help_text=_("Grunnen blir skrevet i personens tilgangslogg. Personen og kontaktpersonen får beskjed."),
    )
