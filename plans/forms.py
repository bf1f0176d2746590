"""Forms for the plan pages. They collect input; the rules live in ``plans.services``.

Choice fields that name people come from the plan's participants (``selectors.responsible_choices``: the
owner's consents with the plan scope), never from ``.objects.all()``, so a drop-down never lists someone the
owner has not let in. Services' errors are placed next to their field with ``add_service_error``.
"""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koordinator.form_fields import DayField
from koordinator.forms import DateInput, PartnerChoiceField, StaffForm, partner_organisations_for
from koordinator.models import Consent, Organisation, User
from plans import selectors, services
from plans.models import LifeArea, Measure, Plan, Step, default_due_on


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


# --- the plan's texts -------------------------------------------------------------------------------------------


class VersionedTextForm(StaffForm):
    """The text parts of a living document (the plan, the crisis plan) with the version the editor started from.

    Subclasses declare the fields and set ``all_fields`` (what staff edit) and ``owner_fields`` (what the owner
    edits); the others are left out of the owner's form. ``text_names`` and ``changes()`` feed the service and the
    conflict page.
    """

    all_fields: tuple[str, ...] = ()
    owner_fields: tuple[str, ...] = ()
    owner_help: dict = {}  # help texts that differ in the owner's form (staff's speak about the user, not to them)

    def __init__(self, *args, document, staff: bool, **kwargs):
        kwargs.setdefault("initial", {name: getattr(document, name) for name in self.all_fields})
        kwargs["initial"].setdefault("version", document.version)
        super().__init__(*args, **kwargs)
        allowed = self.all_fields if staff else self.owner_fields
        for name in self.all_fields:
            if name not in allowed:
                del self.fields[name]
        self.text_names = [name for name in self.all_fields if name in self.fields]
        if not staff:
            # The owner's form speaks to them: the help meant for staff («Skrevet slik brukeren selv sier det»)
            # would speak about them.
            for name, text in self.owner_help.items():
                if name in self.fields:
                    self.fields[name].help_text = text

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.text_names}


class PlanTextForm(VersionedTextForm):
    """The plan's text parts, period and revision date, with the version the editor started from.

    The owner gets only the parts written in their own words (``services.OWNER_PLAN_FIELDS``).
    """

    all_fields = services.PLAN_FIELDS
    owner_fields = services.OWNER_PLAN_FIELDS
    owner_help = {"own_words": _("Skriv det slik du selv vil si det.")}

    own_words = forms.CharField(label=_("Med mine ord: hva er viktig for meg"), required=False,
                                widget=_textarea(), help_text=_("Skrevet slik brukeren selv sier det."))
    resources = forms.CharField(label=_("Mine styrker og ressurser"), required=False, widget=_textarea())
    needs = forms.CharField(label=_("Hva jeg trenger hjelp til"), required=False, widget=_textarea())
    contributions = forms.CharField(label=_("Hva hver enkelt bidrar med"), required=False, widget=_textarea(),
                                    help_text=_("Brukeren, tjenestene og pårørende."))
    how_carried_out = forms.CharField(label=_("Hvordan tiltakene gjennomføres"), required=False,
                                      widget=_textarea())
    cooperation = forms.CharField(label=_("Nødvendig samarbeid med andre tjenester"), required=False,
                                  widget=_textarea())
    period_from = DayField(label=_("Planen gjelder fra"), required=False, widget=DateInput)
    period_until = DayField(label=_("Planen gjelder til"), required=False, widget=DateInput)
    next_revision_on = DayField(label=_("Neste revisjon"), required=False, widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1,
                                 error_messages={"required": _("Siden mangler versjonen. Last siden på nytt."),
                                                 "invalid": _("Siden mangler versjonen. Last siden på nytt."),
                                                 "min_value": _("Siden mangler versjonen. Last siden på nytt.")})

    def __init__(self, *args, plan: Plan, staff: bool, **kwargs):
        super().__init__(*args, document=plan, staff=staff, **kwargs)


# --- status: consent, activate, decline, end, revise ---------------------------------------------------------------


CONSENT_HOW_CHOICES = [(Consent.GivenHow.PAPER, Consent.GivenHow.PAPER.label),
                       (Consent.GivenHow.ORAL, Consent.GivenHow.ORAL.label)]


class PlanConsentForm(StaffForm):
    given_how = forms.ChoiceField(
        label=_("Hvordan samtykket brukeren til planen?"), choices=CONSENT_HOW_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": _("Velg hvordan brukeren samtykket.")},
    )
    given_on = DayField(label=_("Dato for samtykket"), required=False, widget=DateInput,
                               help_text=_("Tomt betyr i dag."))


class ActivateForm(StaffForm):
    period_from = DayField(label=_("Planen gjelder fra"), required=False, widget=DateInput,
                                  help_text=_("Tomt betyr i dag."))
    period_until = DayField(label=_("Planen gjelder til"), required=False, widget=DateInput)
    next_revision_on = DayField(label=_("Neste revisjon"), required=False, widget=DateInput,
                                       help_text=_("Tomt betyr om tolv uker."))


class DeclineForm(StaffForm):
    reason = forms.CharField(label=_("Hva sa brukeren? (grunn)"), required=False, widget=_textarea(3))
    declined_on = DayField(label=_("Dato"), required=False, widget=DateInput, help_text=_("Tomt betyr i dag."))


class EndPlanForm(StaffForm):
    note = forms.CharField(label=_("Merknad til avslutningen"), required=False, widget=_textarea(3),
                           help_text=_("Brukeren får se merknaden hvis planen var i bruk."))
    ended_on = DayField(label=_("Avsluttet dato"), required=False, widget=DateInput,
                               help_text=_("Tomt betyr i dag."))


class RevisionForm(StaffForm):
    revised_on = DayField(label=_("Revidert dato"), required=False, widget=DateInput,
                                 help_text=_("Tomt betyr i dag."))
    participants = forms.CharField(label=_("Hvem var med"), required=False, widget=_textarea(2))
    what_changed = forms.CharField(label=_("Hva ble endret"), widget=_textarea(3),
                                   error_messages={"required": _("Skriv kort hva som ble endret.")})
    next_revision_on = DayField(label=_("Neste revisjon"), widget=DateInput,
                                       error_messages={"required": _("Velg når planen skal revideres neste gang.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault(
            "next_revision_on", timezone.localdate() + datetime.timedelta(weeks=services.revision_interval_weeks())
        )


# --- goals ----------------------------------------------------------------------------------------------------------


class GoalForm(StaffForm):
    life_area = forms.ChoiceField(label=_("Livsområde"), choices=[("", _("Velg livsområde"))] + LifeArea.choices,
                                  error_messages={"required": _("Velg et livsområde.")})
    text = forms.CharField(label=_("Målet"), widget=_textarea(3),
                           help_text=_("Skriv gjerne slik brukeren selv sier det."),
                           error_messages={"required": _("Skriv målet, gjerne med brukerens egne ord.")})
    in_users_words = forms.BooleanField(label=_("Skrevet med brukerens egne ord"), required=False, initial=True)


# --- steps ----------------------------------------------------------------------------------------------------------


class StepForm(StaffForm):
    what = forms.CharField(label=_("Hva skal gjøres?"), widget=_textarea(3),
                           help_text=_("Et lite, konkret steg."),
                           error_messages={"required": _("Skriv hva som skal gjøres.")})
    who_kind = forms.ChoiceField(label=_("Hvem gjør det?"), choices=Step.Who.choices, widget=forms.RadioSelect,
                                 initial=Step.Who.USER, error_messages={"required": _("Velg hvem som gjør det.")})
    who_organisation = OrganisationChoiceField(
        label=_("Hvilken tjeneste?"), queryset=Organisation.objects.none(), required=False,
        empty_label=_("Velg tjeneste"), help_text=_("Når en samarbeidstjeneste gjør det."),
    )
    who_person = PartnerChoiceField(
        label=_("Hvilken person?"), queryset=User.objects.none(), required=False, empty_label=_("Velg person"),
        help_text=_("Når en bestemt person gjør det. Bare de brukeren har gitt samtykke til, står i listen."),
    )
    due_on = DayField(label=_("Frist"), widget=DateInput, help_text=_("Korte frister gjør det lettere."),
                             error_messages={"required": _("Velg en frist.")})

    def __init__(self, *args, plan: Plan, step: Step | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        organisations, people = selectors.responsible_choices(plan)
        org_ids = {o.pk for o in organisations}
        person_ids = {p.pk for p in people}
        # A step keeps the one it names even if the consent has ended since.
        if step is not None:
            if step.who_organisation_id:
                org_ids.add(step.who_organisation_id)
            if step.who_person_id:
                person_ids.add(step.who_person_id)
        self.fields["who_organisation"].queryset = Organisation.objects.filter(pk__in=org_ids).order_by("name")
        self.fields["who_person"].queryset = User.objects.filter(pk__in=person_ids).order_by(
            "first_name", "last_name", "username")
        if step is None:
            self.initial.setdefault("due_on", default_due_on())

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.STEP_FIELDS}


class StepEditForm(StepForm):
    """Editing a step: also move it between planned and in progress (or open a closed one again)."""

    status = forms.ChoiceField(label=_("Status"), widget=forms.RadioSelect,
                               choices=[(s, Step.Status(s).label) for s in Step.OPEN_STATUSES])

    def __init__(self, *args, plan: Plan, step: Step, **kwargs):
        kwargs.setdefault("initial", {name: getattr(step, name) for name in services.STEP_FIELDS})
        kwargs["initial"].setdefault("status", step.status if step.is_open else Step.Status.PLANNED)
        super().__init__(*args, plan=plan, step=step, **kwargs)
        if not step.is_open:
            self.fields["status"].help_text = _("Delmålet er avsluttet. Velg en status for å åpne det igjen.")
            self.fields["status"].required = False


class SuggestStepForm(StaffForm):
    what = forms.CharField(label=_("Hva vil du gjøre?"), widget=_textarea(3),
                           help_text=_("Et lite steg du vil ta. Kontaktpersonen din ser forslaget og svarer deg."),
                           error_messages={"required": _("Skriv hva du vil gjøre.")})
    due_on = DayField(label=_("Når vil du ha gjort det?"), widget=DateInput,
                             error_messages={"required": _("Velg en dato.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("due_on", default_due_on())


class CloseStepForm(StaffForm):
    status = forms.ChoiceField(label=_("Hvordan endte det?"), widget=forms.RadioSelect,
                               error_messages={"required": _("Velg om det ble gjort.")})
    how_it_went = forms.CharField(label=_("Hvordan gikk det?"), required=False, widget=_textarea(3))

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(Step.Status.DONE, _("Gjort")), (Step.Status.NOT_DONE, _("Ikke gjort"))]
        if staff:
            choices.append((Step.Status.DROPPED, _("Lagt bort")))
        self.fields["status"].choices = choices
        self.initial.setdefault("status", Step.Status.DONE)


class RejectSuggestionForm(StaffForm):
    reply = forms.CharField(label=_("Svar til brukeren"), required=False, widget=_textarea(3),
                            help_text=_("Brukeren får svaret sammen med beskjeden om at forslaget ikke er tatt med."))


# --- measures -------------------------------------------------------------------------------------------------------


DECISION_DESCRIPTIONS = {
    Measure.Decision.NOT_NEEDED: _("Det er ikke søkt om vedtak."),
    Measure.Decision.APPLIED: _("Det er søkt, men ikke avgjort ennå."),
    Measure.Decision.GRANTED: _("Brukeren har fått ja."),
    Measure.Decision.REFUSED: _("Brukeren har fått nei."),
    Measure.Decision.APPEALED: _("Brukeren har klaget på vedtaket."),
}


class MeasureForm(StaffForm):
    service = forms.CharField(label=_("Tjeneste eller tiltak"), max_length=200,
                              help_text=_("For eksempel «Støttekontakt» eller «Hjelp med økonomi»."),
                              error_messages={"required": _("Skriv hvilken tjeneste eller hvilket tiltak.")})
    responsible_organisation = OrganisationChoiceField(
        label=_("Ansvarlig tjeneste"), queryset=Organisation.objects.none(), empty_label=_("Velg tjeneste"),
        error_messages={"required": _("Velg hvilken tjeneste som har ansvaret.")},
    )
    responsible_person = PartnerChoiceField(
        label=_("Ansvarlig person"), queryset=User.objects.none(), required=False, empty_label=_("Ingen bestemt"),
        help_text=_("Bare de brukeren har gitt samtykke til, står i listen."),
    )
    extent = forms.CharField(label=_("Omfang"), max_length=200, required=False,
                             help_text=_("For eksempel «2 timer i uka»."))
    period_from = DayField(label=_("Fra"), required=False, widget=DateInput)
    period_until = DayField(label=_("Til"), required=False, widget=DateInput)
    needs_decision = forms.BooleanField(
        label=_("Tiltaket trenger vedtak"), required=False,
        help_text=_("Et vedtak er en skriftlig avgjørelse. Uten vedtak kan brukeren ikke klage."),
    )
    decision_status = forms.ChoiceField(label=_("Status for vedtaket"), choices=Measure.Decision.choices,
                                        widget=forms.RadioSelect, initial=Measure.Decision.NOT_NEEDED)
    applied_on = DayField(label=_("Søkt dato"), required=False, widget=DateInput)
    decided_on = DayField(label=_("Vedtak fattet dato"), required=False, widget=DateInput)
    appealed_on = DayField(label=_("Klaget dato"), required=False, widget=DateInput)
    decided_by = forms.CharField(label=_("Hvem fatter vedtaket"), max_length=200, required=False)

    def __init__(self, *args, plan: Plan, actor: User, measure: Measure | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision_status"].choice_descriptions = DECISION_DESCRIPTIONS
        organisations, people = selectors.responsible_choices(plan)
        org_q = Q(pk__in=[o.pk for o in organisations]) | Q(pk=plan.follow_up.unit_id)
        org_q |= Q(pk__in=partner_organisations_for(actor).values("pk"))
        person_ids = {p.pk for p in people}
        if measure is not None:
            org_q |= Q(pk=measure.responsible_organisation_id)
            if measure.responsible_person_id:
                person_ids.add(measure.responsible_person_id)
        self.fields["responsible_organisation"].queryset = Organisation.objects.filter(org_q).order_by("name")
        self.fields["responsible_person"].queryset = User.objects.filter(pk__in=person_ids).order_by(
            "first_name", "last_name", "username")

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.MEASURE_FIELDS}


# --- notes and comments ---------------------------------------------------------------------------------------------


class NoteForm(StaffForm):
    text = forms.CharField(label=_("Notat"), widget=_textarea(4), help_text=_("Hvordan går det med dette?"),
                           error_messages={"required": _("Skriv notatet.")})


class CommentForm(StaffForm):
    text = forms.CharField(label=_("Kommentar"), widget=_textarea(4),
                           error_messages={"required": _("Skriv kommentaren.")})


class RestoreForm(StaffForm):
    confirm = forms.BooleanField(label=_("Ja, gjenopprett denne versjonen"),
                                 error_messages={"required": _("Kryss av for å bekrefte.")})
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
