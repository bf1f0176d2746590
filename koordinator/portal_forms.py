"""The forms of the service user's own pages (``koordinator/views/portal.py``): giving consent and my contact details.

Who a consent may name is the consent service's rule (``services.consent_grantee_organisations``); the form only
offers what it allows, and ``services.give_consent`` checks it again.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koordinator import services
from koordinator.form_fields import DayField
from koordinator.models import Consent, Membership, Organisation, ServiceUser, User
from koordinator.phone import display_phone

SCOPE_DESCRIPTIONS = {
    Consent.Scope.PLAN: _("Målene dine, delmålene og hvem som gjør hva i planen din."),
    Consent.Scope.CRISIS_PLAN: _(
        "Hva som er varseltegn for deg, hva som hjelper, hvem som skal kontaktes, "
        "og pårørende du har sagt at vi kan kontakte."
    ),
    Consent.Scope.MEETINGS: _("Når ansvarsgruppen din møtes, hva som skal tas opp, og referatene."),
    Consent.Scope.FOLLOWUP_LOG: _("Hvem som følger deg opp, og notater fra samtaler, besøk og avtaler."),
}


class PortalConsentForm(forms.Form):
    grantee_organisation = forms.TypedChoiceField(
        label=_("En tjeneste"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Alle som jobber med deg i tjenesten, får se det du velger under."),
    )
    grantee_user = forms.TypedChoiceField(
        label=_("Eller én bestemt person"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Bare denne personen får se det du velger under."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Hva får de se?"),
        choices=Consent.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Alle du gir samtykke til, ser også navnet ditt og hvordan de kan nå deg."),
        error_messages={"required": _("Velg minst én ting de får se.")},
    )
    valid_until = DayField(
        label=_("Gjelder til og med"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Skriv datoen som dd.mm.åååå. Du kan trekke samtykket tilbake før, når du vil."),
        error_messages={
            "required": _("Skriv hvor lenge samtykket skal gjelde."),
            "invalid": _("Skriv datoen som dd.mm.åååå, for eksempel 23.11.2026."),
        },
    )

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["scopes"].choice_descriptions = SCOPE_DESCRIPTIONS
        self.fields["valid_until"].widget.attrs["min"] = today.isoformat()
        self.fields["valid_until"].initial = today + datetime.timedelta(days=365)
        self._organisations = {
            pk: name for pk, name in services.consent_grantee_organisations(service_user).order_by("name").values_list("pk", "name")
        }
        self.fields["grantee_organisation"].choices = [
            ("", _("Ingen tjeneste valgt")),
            *self._organisations.items(),
        ]
        # One query for every partner person and their services, labelled «Navn (Tjeneste)».
        people: dict[int, dict] = defaultdict(lambda: {"name": "", "orgs": []})
        rows = (
            Membership.objects.filter(
                role=Membership.Role.PARTNER,
                organisation_id__in=list(self._organisations),
                user__is_active=True,
            )
            .order_by("user__first_name", "user__last_name", "user_id", "organisation__name")
            .values_list(
                "user_id", "user__first_name", "user__last_name", "user__username", "organisation__name"
            )
        )
        for user_id, first, last, username, org_name in rows:
            people[user_id]["name"] = f"{first} {last}".strip() or username
            people[user_id]["orgs"].append(org_name)
        self._people = {pk: f"{p['name']} ({', '.join(p['orgs'])})" for pk, p in people.items()}
        self.fields["grantee_user"].choices = [("", _("Ingen person valgt")), *self._people.items()]

    def clean(self):
        data = super().clean()
        organisation, person = data.get("grantee_organisation"), data.get("grantee_user")
        if "grantee_organisation" in self.errors or "grantee_user" in self.errors:
            return data
        if organisation and person:
            self.add_error("grantee_organisation", _("Velg enten en tjeneste eller en person, ikke begge."))
        elif not organisation and not person:
            self.add_error("grantee_organisation", _("Velg hvem som skal få se opplysningene."))
        return data

    def grantee_kwargs(self) -> dict:
        organisation, person = (
            self.cleaned_data.get("grantee_organisation"),
            self.cleaned_data.get("grantee_user"),
        )
        return {
            "grantee_organisation": Organisation.objects.get(pk=organisation) if organisation else None,
            "grantee_user": User.objects.get(pk=person) if person else None,
        }


CHANNEL_DESCRIPTIONS = {
    ServiceUser.Channel.SMS: _("Vi sender en tekstmelding til mobilen din."),
    ServiceUser.Channel.EMAIL: _("Vi sender en e-post."),
    ServiceUser.Channel.LETTER: _("Vi sender et brev i posten."),
    ServiceUser.Channel.IN_APP: _("Du ser beskjeden her når du logger inn."),
}


class ContactForm(forms.ModelForm):
    postal_code = forms.CharField(
        label=_("Postnummer"),
        required=False,
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", _("Postnummeret har fire sifre, for eksempel 7010."))],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )

    class Meta:
        model = ServiceUser
        fields = services.OWNER_EDITABLE_FIELDS
        labels = {
            "phone": _("Mobilnummer"),
            "email": _("E-post"),
            "preferred_channel": _("Hvordan vil du helst få beskjeder?"),
            "language": _("Språket du helst snakker"),
            "interpreter_needed": _("Jeg trenger tolk"),
            "interpreter_language": _("Hvilket språk skal tolken snakke?"),
            "address": _("Adresse"),
            "city": _("Poststed"),
        }
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "preferred_channel": forms.RadioSelect,
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }
        error_messages = {
            "email": {"invalid": _("Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_channel"].choice_descriptions = CHANNEL_DESCRIPTIONS
        self.fields["language"].required = False
        if self.instance.phone and not self.is_bound:
            self.initial["phone"] = display_phone(self.instance.phone)
