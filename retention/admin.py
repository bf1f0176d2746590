"""Legal holds in the admin site: the administrator places and lifts them too (the leader does it on
«Oppbevaring og sletting»). By the case's or the person's number and a reason, through the same services
(``retention.services``): the same rules, the same history. Nothing else of retention is here, and a hold is never
deleted."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from koordinator.admin import RoleAdminPermissions
from koordinator.models import FollowUp, ServiceUser
from koordinator.toolkit.ids import clean_id
from retention import services
from retention.models import LegalHold, Removal


class PlaceHoldForm(forms.ModelForm):
    case = forms.CharField(label=_("Saksnummer"), required=False, max_length=20,
                           help_text=_("Stopper slettingen av saken (og personens egne opplysninger)."))
    person = forms.CharField(label=_("Personens nummer"), required=False, max_length=20,
                             help_text=_("Eller: stopper slettingen av alt om personen (tjenestemottakerens id)."))

    class Meta:
        model = LegalHold
        fields = ["reason"]

    def clean(self):
        cleaned = super().clean()
        case, person = (cleaned.get("case") or "").strip(), (cleaned.get("person") or "").strip()
        if bool(case) == bool(person):
            raise forms.ValidationError(services.MESSAGES["one_target"])
        self.follow_up = self.service_user = None
        if case:
            self.follow_up = FollowUp.objects.filter(pk=clean_id(case, FollowUp) or 0).first()
            if self.follow_up is None:
                self.add_error("case", _("Fant ingen sak med dette nummeret."))
            elif LegalHold.objects.in_force().filter(follow_up=self.follow_up).exists():
                self.add_error("case", services.MESSAGES["case_held"])
        else:
            self.service_user = ServiceUser.objects.filter(pk=clean_id(person, ServiceUser) or 0).first()
            if self.service_user is None:
                self.add_error("person", _("Fant ingen person med dette nummeret."))
            elif LegalHold.objects.in_force().filter(service_user=self.service_user).exists():
                self.add_error("person", services.MESSAGES["person_held"])
            elif Removal.objects.filter(service_user=self.service_user, follow_up__isnull=True, kind="person").exists():
                self.add_error("person", services.MESSAGES["gone"])
        if not (cleaned.get("reason") or "").strip():
            self.add_error("reason", services.MESSAGES["reason"])
        return cleaned


class LiftHoldForm(forms.ModelForm):
    lift = forms.CharField(label=_("Opphev: hvorfor"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=services.REASON_MAX,
                           help_text=_("Skriv hvorfor, så oppheves slettestoppen når du lagrer."))

    class Meta:
        model = LegalHold
        fields = []


@admin.register(LegalHold)
class LegalHoldAdmin(RoleAdminPermissions, SimpleHistoryAdmin):
    list_display = ["__str__", "municipality", "placed_at", "lifted_at"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter), "municipality"]
    readonly_fields = ["target", "municipality", "reason", "placed_by", "placed_at", "lifted_by", "lifted_at",
                       "lift_reason"]

    @admin.display(description=_("Gjelder"))
    def target(self, obj: LegalHold) -> str:
        return str(obj)

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = PlaceHoldForm if obj is None else LiftHoldForm
        kwargs["fields"] = None
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["case", "person", "reason"]
        return [*self.readonly_fields, *(["lift"] if obj.in_force else [])]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            hold = services.place_hold(request.user, reason=form.cleaned_data["reason"], follow_up=form.follow_up,
                                       service_user=form.service_user)
            obj.pk = hold.pk
            obj.__dict__.update({key: value for key, value in hold.__dict__.items() if not key.startswith("_")})
        elif obj.in_force and form.cleaned_data.get("lift", "").strip():
            services.lift_hold(request.user, obj, reason=form.cleaned_data["lift"])

    def save_related(self, request, form, formsets, change):
        pass  # nothing related; the hold itself is saved by the service
