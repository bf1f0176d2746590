"""Forms for the staff pages. They collect input; the rules live in ``koordinator.services``.

Choice fields that list people or organisations are built from the gate or the services' helpers
(``services.units_for``, ``services.trust_persons_in_unit``), never from ``.objects.all()``, so a
drop-down never shows someone the user may not see.
"""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koordinator import ending, services
from koordinator.form_fields import DayField
from koordinator.models import Consent, FollowUp, Membership, NextOfKin, Organisation, ServiceUser, User
from koordinator.signin import national_id
from koordinator.toolkit import national_id as national_id_toolkit

# Django's own messages, in plain words.
REQUIRED = _("Dette feltet må fylles ut.")
ERROR_MESSAGES = {
    "required": REQUIRED,
    "invalid": _("Skriv en gyldig verdi."),
    "invalid_choice": _("Velg et av alternativene i listen."),
}
DATE_ERRORS = {**ERROR_MESSAGES, "invalid": _("Skriv en gyldig dato, for eksempel 23.11.2026.")}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, moved back to the month's last day when it does not exist."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has 28 days


class DateInput(forms.DateInput):
    """The browser's own date picker; works without JavaScript and on phones."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


def _default_messages(field_class: type[forms.Field]) -> dict:
    messages: dict = {}
    for klass in reversed(field_class.__mro__):
        messages.update(getattr(klass, "default_error_messages", {}))
    return messages


class PartnerChoiceField(UserChoiceField):
    """«Kari Lege (Legesenteret)»: two partners may share a name; their service tells them apart."""

    def label_from_instance(self, obj: User) -> str:
        service = getattr(obj, "service_name", "")
        return f"{obj.display_name} ({service})" if service else obj.display_name


# Django's empty choice in a drop-down; never shown to anyone.
DJANGO_EMPTY_LABEL = "---------"


def choose_label(field: forms.Field) -> str:
    """The empty choice of a drop-down in words: «Velg person», «Velg tjeneste», else «Velg …»."""
    model = getattr(getattr(field, "queryset", None), "model", None)
    if model is not None and issubclass(model, User):
        return str(_("Velg person"))
    if model is not None and issubclass(model, Organisation):
        return str(_("Velg tjeneste"))
    return str(_("Velg …"))


def plain_words(fields) -> None:
    """Plain Norwegian in place of Django's own words: error messages, and «Velg …» instead of «---------» as the
    empty choice of a drop-down. A wording a field was given on purpose is kept."""
    for f in fields.values():
        plain = DATE_ERRORS if isinstance(f, forms.DateField) else ERROR_MESSAGES
        defaults = _default_messages(type(f))
        for key, message in plain.items():
            # Replace Django's generic wording, never a message a field was given on purpose.
            if key in f.error_messages and f.error_messages[key] == defaults.get(key):
                f.error_messages[key] = message
        if isinstance(f, forms.ModelChoiceField):
            if f.empty_label == DJANGO_EMPTY_LABEL:
                f.empty_label = choose_label(f)
        elif isinstance(f, forms.ChoiceField) and any(label == DJANGO_EMPTY_LABEL for _value, label in f.choices):
            f.choices = [(value, choose_label(f) if label == DJANGO_EMPTY_LABEL else label)
                         for value, label in f.choices]


class StaffForm(forms.Form):
    """Plain Norwegian error messages and empty choices (:func:`plain_words`), and service errors placed next to
    their field.

    Templates render fields with ``{% form_field %}`` and ``{% error_summary %}`` from ``koordinator_tags``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_words(self.fields)

    def add_service_error(self, error: services.ServiceError, field_map: dict[str, str] | None = None) -> None:
        """A rule the service refused, shown next to the field it belongs to (or at the top)."""
        name = (field_map or {}).get(error.field or "", error.field)
        self.add_error(name if name in self.fields else None, error.message)


# --- service users ---------------------------------------------------------------------------------------


def partner_organisations_for(actor: User) -> QuerySet:
    """Partner services a case in the actor's municipalities can name: local ones and regional ones."""
    munis = services.units_for(actor).values("municipality_id")
    return Organisation.objects.filter(is_active=True).exclude(kind=Organisation.Kind.FOLLOW_UP_SERVICE).filter(
        Q(municipality_id__in=munis) | Q(municipality__isnull=True)
    )


def partner_people_for(owner: ServiceUser) -> QuerySet:
    """The people a consent for ``owner`` may name (the consent service's rule), each with (one of) their services'
    name."""
    memberships = Membership.objects.filter(
        role=Membership.Role.PARTNER, organisation__in=services.consent_grantee_organisations(owner)
    )
    service_name = memberships.filter(user_id=OuterRef("pk")).order_by("organisation__name").values(
        "organisation__name"
    )[:1]
    return (
        User.objects.filter(is_active=True, pk__in=memberships.values("user_id"))
        .annotate(service_name=Subquery(service_name))
        .order_by("first_name", "last_name", "username")
    )


class PersonFieldsMixin(forms.Form):
    first_name = forms.CharField(label=_("Fornavn"), max_length=100,
                                 error_messages={"required": _("Skriv fornavnet.")})
    last_name = forms.CharField(label=_("Etternavn"), max_length=100,
                                error_messages={"required": _("Skriv etternavnet.")})
    birth_date = DayField(label=_("Fødselsdato"), required=False, widget=DateInput,
                                 help_text=_("Kan stå tomt."))
    phone = forms.CharField(label=_("Mobilnummer"), max_length=32, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    email = forms.EmailField(label=_("E-post"), required=False,
                             error_messages={"invalid": _("Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no.")})
    preferred_channel = forms.ChoiceField(
        label=_("Hvordan vil personen helst få beskjeder?"), choices=ServiceUser.Channel.choices,
        initial=ServiceUser.Channel.SMS,
    )
    language = forms.CharField(label=_("Språk"), max_length=60, initial="norsk")
    interpreter_needed = forms.BooleanField(label=_("Trenger tolk"), required=False)
    interpreter_language = forms.CharField(label=_("Tolkespråk"), max_length=60, required=False,
                                           help_text=_("Fyll ut hvis personen trenger tolk."))
    address = forms.CharField(label=_("Adresse"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postnummer"), max_length=4, required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    city = forms.CharField(label=_("Poststed"), max_length=80, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "interpreter_language" in self.fields:
            self.fields["interpreter_language"].sometimes_required = True  # when an interpreter is needed

    def clean_postal_code(self) -> str:
        value = self.cleaned_data["postal_code"].strip()
        if value and not (value.isdigit() and len(value) == 4):
            raise forms.ValidationError(_("Postnummeret har fire sifre."))
        return value


def national_id_field(label, help_text) -> forms.CharField:
    """Eleven digits, spaces allowed; never filled in from what is stored (the form shows the masked number beside
    it). Checked by :func:`clean_national_id`."""
    return forms.CharField(
        label=label, required=False, help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )


def clean_national_id(form: forms.Form, person: ServiceUser | None = None) -> str:
    """The typed number compacted to eleven digits (``""`` when empty): a fødselsnummer or D-number with correct
    check digits, that is nobody else's (the message never says whose), and that fits the birth date when both are
    given."""
    try:
        number = national_id.clean(form.cleaned_data.get("national_id"))
    except forms.ValidationError as error:
        raise forms.ValidationError(error.messages[0], code="invalid") from error
    if national_id.is_taken(number, by_other_than=person):
        raise forms.ValidationError(national_id.TAKEN, code="taken")
    return number


def check_birth_date(form: forms.Form, number: str, field: str = "national_id") -> None:
    """The birth date and the number must tell the same day (a D-number's day is 40 on: the toolkit knows); the
    message goes to ``field``, the one the user typed."""
    born = form.cleaned_data.get("birth_date")
    if number and born and national_id_toolkit.birth_date(number) not in (None, born):
        form.add_error(field, national_id.DOES_NOT_MATCH_BIRTH_DATE)


class ServiceUserRegisterForm(StaffForm, PersonFieldsMixin):
    """Intake: the person and their case, in one form."""

    national_id = national_id_field(
        _("Fødselsnummer (11 siffer)"),
        _("Kan stå tomt. Trengs for at personen kan logge inn med ID-porten. Fødselsdatoen fylles ut fra det."),
    )

    unit = forms.ModelChoiceField(label=_("Enhet"), queryset=Organisation.objects.none(), empty_label=None,
                                  error_messages={"required": _("Velg enhet.")})
    trust_person = UserChoiceField(label=_("Tillitsperson"), queryset=User.objects.none(),
                                   empty_label=_("Velg tillitsperson"),
                                   error_messages={"required": _("Velg tillitsperson.")})
    deputy = UserChoiceField(label=_("Stedfortreder"), queryset=User.objects.none(), required=False,
                             empty_label=_("Ingen ennå"))
    referral_source = forms.ChoiceField(
        label=_("Hvordan kom personen til oss?"), choices=FollowUp.ReferralSource.choices,
        widget=forms.RadioSelect, error_messages={"required": _("Velg hvordan personen kom til oss.")},
    )
    referral_agency = forms.ModelChoiceField(
        label=_("Hvilken tjeneste henviste?"), queryset=Organisation.objects.none(), required=False,
        empty_label=_("Velg tjeneste"), help_text=_("Bare hvis personen ble henvist fra en annen tjeneste."),
    )
    referral_agency_name = forms.CharField(
        label=_("Tjenesten står ikke i listen – skriv navnet"), max_length=200, required=False,
    )
    referral_note = forms.CharField(label=_("Merknad til henvisningen"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))

    PERSON_FIELDS = services.SERVICE_USER_FIELDS
    # Right after the birth date: the person's identity before how to reach them.
    field_order = [*services.SERVICE_USER_FIELDS[:3], "national_id"]

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        units = services.units_for(actor)
        self.fields["unit"].queryset = units
        workers = User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(role=Membership.Role.TRUST_PERSON, organisation__in=units).values(
                "user_id"
            ),
        ).order_by("first_name", "last_name", "username")
        self.fields["trust_person"].queryset = workers
        self.fields["deputy"].queryset = workers
        self.fields["referral_agency"].queryset = partner_organisations_for(actor)
        if not self.is_bound:
            unit_ids = list(units.values_list("pk", flat=True)[:2])
            if len(unit_ids) == 1:
                self.initial.setdefault("unit", unit_ids[0])
            if workers.filter(pk=actor.pk).exists():
                self.initial.setdefault("trust_person", actor.pk)

    def clean_national_id(self) -> str:
        return clean_national_id(self)

    def clean(self):
        cleaned = super().clean()
        check_birth_date(self, cleaned.get("national_id") or "")
        return cleaned

    def service_kwargs(self) -> dict:
        """What ``services.register_service_user`` takes (the number is set after it, by ``national_id``)."""
        data = self.cleaned_data
        kwargs = {name: data[name] for name in self.PERSON_FIELDS}
        if data.get("national_id") and not kwargs.get("birth_date"):
            kwargs["birth_date"] = national_id_toolkit.birth_date(data["national_id"])
        kwargs.update(
            unit=data["unit"],
            trust_person=data["trust_person"],
            deputy=data["deputy"],
            referral_source=data["referral_source"],
            referral_agency=data["referral_agency"] if data["referral_source"] == FollowUp.ReferralSource.AGENCY
            else None,
            referral_agency_name=data["referral_agency_name"].strip()
            if data["referral_source"] == FollowUp.ReferralSource.AGENCY else "",
            referral_note=data["referral_note"],
        )
        return kwargs


class ServiceUserEditForm(StaffForm, PersonFieldsMixin):
    """Staff edit all contact details; an owner who lands here may edit only what the portal lets them.

    With ``person`` (staff only) the form also takes a new national identity number: the field starts empty and its
    help text shows the registered number masked, so the edit page reads no more of it than the person page does;
    «Fjern fødselsnummeret» removes it."""

    NATIONAL_ID_FIELDS = ("national_id", "remove_national_id")

    national_id = national_id_field(_("Nytt fødselsnummer (11 siffer)"), "")
    remove_national_id = forms.BooleanField(label=_("Fjern fødselsnummeret"), required=False)

    def __init__(self, *args, fields: tuple[str, ...] = services.SERVICE_USER_FIELDS,
                 person: ServiceUser | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        keep = set(fields) | (set(self.NATIONAL_ID_FIELDS) if person is not None else set())
        if person is not None and not person.national_id:
            keep.discard("remove_national_id")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "national_id" in self.fields:
            field = self.fields["national_id"]
            if person.national_id:
                field.help_text = _("Registrert nå: %(masked)s. La feltet stå tomt for å beholde det.") % {
                    "masked": national_id.masked(person.national_id)}
            else:
                field.label = _("Fødselsnummer (11 siffer)")
                field.help_text = _("Ikke registrert. Trengs for at personen kan logge inn med ID-porten.")

    def clean_national_id(self) -> str:
        return clean_national_id(self, self.person)

    def clean(self):
        cleaned = super().clean()
        if "national_id" in self.fields:
            if cleaned.get("national_id") and cleaned.get("remove_national_id"):
                self.add_error("remove_national_id", _("Skriv et nytt fødselsnummer eller fjern det, ikke begge."))
            elif "birth_date" in self.fields and not cleaned.get("remove_national_id"):
                typed = cleaned.get("national_id")
                check_birth_date(self, typed or self.person.national_id, "national_id" if typed else "birth_date")
        return cleaned

    def changes(self) -> dict:
        """The contact details that changed (for ``services.update_service_user``)."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name not in self.NATIONAL_ID_FIELDS}

    def national_id_change(self) -> str | None:
        """The person's new number, ``""`` to remove it, or ``None`` to leave it as it is."""
        if "national_id" not in self.fields:
            return None
        if self.cleaned_data.get("remove_national_id"):
            return ""
        number = self.cleaned_data.get("national_id") or ""
        return number if number and number != self.person.national_id else None


# --- cases --------------------------------------------------------------------------------------------------


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=FollowUp.Status.choices)


class EndFollowUpForm(StaffForm):
    reason = forms.ChoiceField(
        label=_("Hvorfor avsluttes oppfølgingen?"), choices=FollowUp.EndingReason.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Velg hvorfor oppfølgingen avsluttes.")},
    )
    note = forms.CharField(
        label=_("Merknad"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Må fylles ut hvis grunnen er «Annet»."),
    )
    taken_over_by = forms.ModelChoiceField(
        label=_("Hvem tar over koordineringen?"), queryset=Organisation.objects.none(), required=False,
        empty_label=_("Ingen / ikke aktuelt"),
    )
    taken_over_by_name = forms.CharField(
        label=_("Står ikke i listen – skriv hvem"), max_length=200, required=False,
    )
    open_door_until = DayField(
        label=_("Åpen dør til"), required=False, widget=DateInput,
        help_text=_("Til denne datoen kan personen ta kontakt igjen og få oppfølging uten ny henvisning."),
    )
    ended_on = DayField(label=_("Avsluttet dato"), widget=DateInput,
                               error_messages={"required": _("Skriv datoen oppfølgingen ble avsluttet.")})

    def __init__(self, *args, actor: User, case: FollowUp | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].sometimes_required = True  # when the reason is «Annet»
        self.fields["taken_over_by"].queryset = partner_organisations_for(actor)
        today = timezone.localdate()
        self.initial.setdefault("ended_on", today)
        self.initial.setdefault("open_door_until", add_months(today, 3))
        # The apps' parts of ending (koordinator.ending: the end-of-follow-up evaluation), checked with the rest.
        self.parts = ending.parts_for(case, actor) if case is not None else []
        for part in self.parts:
            part_fields = part.fields()
            plain_words(part_fields)
            self.fields.update(part_fields)
            for name, value in part.initial().items():
                self.initial.setdefault(name, value)

    def clean(self):
        cleaned_data = super().clean()
        for part in self.parts:
            part.clean(self)
        return cleaned_data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "note": data["note"],
            "taken_over_by": data["taken_over_by"],
            "taken_over_by_name": data["taken_over_by_name"].strip(),
            "open_door_until": data["open_door_until"],
            "ended_on": data["ended_on"],
            "parts": [save for part in self.parts if (save := part.saver(data)) is not None],
        }


class AssignForm(StaffForm):
    """The case's own deputy. A new trust person is a permanent change with its own page and a handover note
    (``change_trust_person``), so this form never changes the trust person."""

    deputy = UserChoiceField(label=_("Stedfortreder for saken"), queryset=User.objects.none(), required=False)
    note = forms.CharField(label=_("Merknad"), required=False, max_length=200,
                           help_text=_("Vises i historikken, for eksempel «Permisjon fra 1. mars»."))

    def __init__(self, *args, case: FollowUp, standing_deputy: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        workers = services.trust_persons_in_unit(case.unit).exclude(pk=case.trust_person_id)
        field = self.fields["deputy"]
        field.queryset = workers.order_by("first_name", "last_name", "username")
        # Leaving it empty is not «nobody»: the trust person's standing deputy steps in. Say so.
        if standing_deputy is not None:
            field.empty_label = _("Ingen egen – den faste stedfortrederen (%(name)s) gjelder") % {
                "name": standing_deputy.display_name
            }
        else:
            field.empty_label = _("Ingen")
        field.help_text = _(
            "Velg en egen stedfortreder bare når saken trenger en annen enn den faste stedfortrederen til "
            "tillitspersonen."
        )
        self.initial.setdefault("deputy", case.deputy_id)


class LeaderFilterForm(forms.Form):
    """The overview's filters (GET). Invalid values are ignored rather than shown as errors."""

    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Alle"))] + list(FollowUp.Status.choices))
    trust_person = UserChoiceField(label=_("Tillitsperson"), queryset=User.objects.none(), required=False,
                                   empty_label=_("Alle"))

    def __init__(self, *args, trust_persons: QuerySet, listed: list[User] | None = None, **kwargs):
        """``listed``: the rows of ``trust_persons`` when the view has read them already (the overview's caseload,
        the same query with counts): the choice list is made from them instead of reading them again. A chosen
        value is still checked against ``trust_persons``."""
        super().__init__(*args, **kwargs)
        field = self.fields["trust_person"]
        field.queryset = trust_persons
        if listed is not None:
            field.choices = [("", field.empty_label), *((user.pk, field.label_from_instance(user)) for user in listed)]


# --- consent ------------------------------------------------------------------------------------------------

SCOPE_EXPLANATIONS = {
    Consent.Scope.PLAN: _("Målene, tiltakene og hvem som gjør hva."),
    Consent.Scope.CRISIS_PLAN: _(
        "Varseltegn, hva som hjelper og hvem som skal kontaktes. Gir også navn og telefon til pårørende "
        "som kan kontaktes – aldri til dem som skal holdes unna."
    ),
    Consent.Scope.MEETINGS: _("Tidspunkt for møtene, innkallinger og referater."),
    Consent.Scope.FOLLOWUP_LOG: _("Saken hos oppfølgingstjenesten, kontaktloggen og hva som er avtalt."),
}


class ConsentForm(StaffForm):
    """Staff record a consent the owner gave on paper or orally."""

    given_how = forms.ChoiceField(
        label=_("Hvordan ga personen samtykket?"),
        choices=[(Consent.GivenHow.PAPER, Consent.GivenHow.PAPER.label),
                 (Consent.GivenHow.ORAL, Consent.GivenHow.ORAL.label)],
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg hvordan personen ga samtykket: på papir eller muntlig.")},
    )
    grantee_organisation = forms.ModelChoiceField(
        label=_("Tjeneste som får se"), queryset=Organisation.objects.none(), required=False,
        empty_label=_("Velg tjeneste"), help_text=_("Alle som jobber i tjenesten får se. Velg tjeneste eller person."),
    )
    grantee_user = PartnerChoiceField(
        label=_("Eller én person som får se"), queryset=User.objects.none(), required=False,
        empty_label=_("Velg person"),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Hva får de se?"),
        choices=Consent.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Velg minst én ting samtykket gjelder.")},
    )
    valid_from = DayField(label=_("Gjelder fra"), widget=DateInput,
                                 error_messages={"required": _("Skriv datoen samtykket gjelder fra.")})
    valid_until = DayField(label=_("Gjelder til"), widget=DateInput,
                                  error_messages={"required": _("Skriv datoen samtykket gjelder til.")},
                                  help_text=_("Vanligvis ett år. Samtykket kan trekkes tilbake når som helst."))
    note = forms.CharField(label=_("Merknad"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, actor: User, owner: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        # Who a consent may name is the consent service's rule, for this owner.
        self.fields["grantee_organisation"].queryset = services.consent_grantee_organisations(owner).order_by("name")
        self.fields["grantee_user"].queryset = partner_people_for(owner)
        # Read by the form_field tag: one line of plain words under each checkbox.
        self.fields["scopes"].choice_descriptions = SCOPE_EXPLANATIONS
        today = timezone.localdate()
        self.initial.setdefault("valid_from", today)
        self.initial.setdefault("valid_until", add_months(today, 12))

    def clean(self):
        data = super().clean()
        if bool(data.get("grantee_user")) == bool(data.get("grantee_organisation")) and not (
            self.has_error("grantee_user") or self.has_error("grantee_organisation")
        ):
            self.add_error("grantee_organisation", _("Velg enten én tjeneste eller én person – ikke begge."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "given_how": data["given_how"],
            "grantee_user": data["grantee_user"],
            "grantee_organisation": data["grantee_organisation"],
            "scopes": data["scopes"],
            "valid_from": data["valid_from"],
            "valid_until": data["valid_until"],
            "note": data["note"],
        }


class WithdrawConsentForm(StaffForm):
    reason = forms.CharField(label=_("Grunn"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))


# --- next of kin ------------------------------------------------------------------------------------------


class NextOfKinForm(StaffForm):
    name = forms.CharField(label=_("Navn"), max_length=200, error_messages={"required": _("Skriv navnet.")})
    relation = forms.CharField(label=_("Relasjon"), max_length=100, help_text=_("For eksempel mor, bror, verge."),
                               error_messages={"required": _("Skriv relasjonen, for eksempel mor eller bror.")})
    kind = forms.ChoiceField(label=_("Kan personen kontaktes?"), choices=NextOfKin.Kind.choices,
                             widget=forms.RadioSelect, initial=NextOfKin.Kind.SUPPORTIVE)
    is_guardian = forms.BooleanField(label=_("Er verge"), required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=32, required=False,
                            widget=forms.TextInput(attrs={"type": "tel"}))
    email = forms.EmailField(label=_("E-post"), required=False,
                             error_messages={"invalid": _("Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no.")})
    note = forms.CharField(label=_("Merknad"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.NEXT_OF_KIN_FIELDS}
