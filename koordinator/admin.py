"""The administrator's pages: user accounts, municipalities and organisations, and nothing else.

An administrator manages who can log in and in which role, but does not read plans, cases, consents
or the access log, so no personal-data model is registered here (a test keeps it that way).

Who may use the admin: Django superusers and staff as usual, and anyone with the administrator role
(``Membership.Role.ADMIN``), which is how the service hands out the job without Django's permission
tables. Only a superuser may make someone a superuser or hand out Django permissions, and only a superuser changes a
superuser's account, its password, roles or log-ins (the administrator role sees it, without the password's hash).

Left out of the admin on purpose (issue 12): Django's groups (the service's roles are memberships; nothing reads a
group) and the API tokens (the token list shows every key, which would let whoever sees it use another person's API
access; a token is made or renewed with ``manage.py drf_create_token [-r] <username>``, and stops working when the
account is made inactive). django-axes stays: its access attempts are how a locked-out account is let in again
(or ``manage.py axes_reset_username <username>``), its logs show who logged in. django-otp's devices are left out
too (issue 13): their pages show each person's TOTP key and QR code, with which anyone could make that person's
codes; someone who has lost both phone and recovery codes is reset with ``manage.py reset_second_factor <username>``.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import ReadOnlyPasswordHashWidget
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from koordinator import access
from koordinator.models import Membership, Municipality, Organisation, SignInIdentity, User
from koordinator.signin.second_factor import admin_login
from koordinator.toolkit.national_id import masked as national_id_masked


def _is_role_admin(request) -> bool:
    user = request.user
    return user.is_active and access.actor_for(user).is_admin


def _protected(request, obj) -> bool:
    """A superuser's account, seen by someone who is not a superuser: they may see it, not change it (nor its
    password, roles or log-ins). As only a superuser may make someone a superuser, only a superuser changes one."""
    return isinstance(obj, User) and obj.is_superuser and not request.user.is_superuser


_default_has_permission = admin.site.has_permission


def _has_permission(request) -> bool:
    return _default_has_permission(request) or _is_role_admin(request)


# The default site is used by the URL map; widening its door to the administrator role is the one change.
admin.site.has_permission = _has_permission
# The admin's own log-in page would log in with a password alone: it sends people to the service's log-in, with
# its second factor (koordinator.signin.second_factor).
admin.site.login = admin_login
admin.site.site_header = _("Koordinator – administrasjon")
admin.site.site_title = _("Koordinator – administrasjon")
admin.site.index_title = _("Brukerkontoer og organisasjoner")

# Noise for the administrator, and the token list a risk (see the module's docstring). Registered by apps listed before
# ``koordinator`` in INSTALLED_APPS, so already there when this runs.
for _model in (Group, TokenProxy, TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class RoleAdminPermissions:
    """Lets the administrator role view, add and change; deleting stays with superusers, and so does changing a
    superuser's account (``_protected``; for an inline, ``obj`` is the account it belongs to)."""

    def has_module_permission(self, request):
        return _is_role_admin(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _is_role_admin(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        if args and _protected(request, args[0]):
            return False
        return _is_role_admin(request) or super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        if _protected(request, obj):
            return False
        return _is_role_admin(request) or super().has_change_permission(request, obj)


class PasswordHashWidget(ReadOnlyPasswordHashWidget):
    """The password summary, with its «Reset password» button pointing at the account's own password page.

    Django's widget links to ``../password/``, right from the account page only: from an earlier version of the
    account (``…/history/<id>/``) it led to ``…/history/password/``, a server error (issue 12: every link shown to
    someone works for them)."""

    def __init__(self, password_url: str | None, attrs=None):
        super().__init__(attrs)
        self.password_url = password_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["password_url"] = self.password_url
        return context

    def render(self, name, value, attrs=None, renderer=None):
        if self.password_url:
            return super().render(name, value, attrs, renderer)
        # Without a password page to go to (a superuser's account, seen by the administrator role): the summary,
        # no button (Django's template always has one).
        summary = self.get_context(name, value, attrs)["summary"]
        return format_html(
            "<div><p>{}</p></div>",
            format_html_join(
                " ",
                "<strong>{}</strong>{}",
                ((entry["label"], format_html(": <bdi>{}</bdi>", entry["value"]) if entry.get("value") else "")
                 for entry in summary),
            ),
        )


class MembershipForm(forms.ModelForm):
    """A role in an organisation, each field with its Norwegian label and «Velg …» as the empty choice."""

    class Meta:
        model = Membership
        # The position's size: the half-year report counts caseload per full-time equivalent (issue 14).
        fields = ["organisation", "role", "fte_percent"]
        labels = {"organisation": _("Organisasjon"), "role": _("Rolle"), "fte_percent": _("Stillingsprosent")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].empty_label = _("Velg organisasjon")
        self.fields["role"].choices = [("", _("Velg rolle")), *Membership.Role.choices]
        # Left empty: a full position (the field's default), so a form that does not send it means 100 %.
        self.fields["fte_percent"].required = False

    def clean_fte_percent(self):
        return self.cleaned_data.get("fte_percent") or 100

    def has_changed(self) -> bool:
        # An empty extra box is still empty when only the position's size was left out of the post.
        changed = set(self.changed_data)
        if not self.data.get(self.add_prefix("fte_percent")):
            changed.discard("fte_percent")
        return bool(changed)


class MembershipInline(RoleAdminPermissions, admin.StackedInline):
    """The account's roles, one box each with a label on every field (and on «Slett»), which fits a phone.

    Not a table (its fields had only the column heading for a name) and no autocomplete box for the organisation
    (select2's box has no accessible name): a plain drop-down, which also works without JavaScript (issue 12)."""

    model = Membership
    form = MembershipForm
    extra = 1

    def has_delete_permission(self, request, obj=None):
        # Removing a role is part of managing an account.
        if _protected(request, obj):
            return False
        return _is_role_admin(request) or super().has_delete_permission(request, obj)


class SignInIdentityInline(RoleAdminPermissions, admin.StackedInline):
    """The account's log-ins through an OpenID provider, as they are: which provider, the identity there (masked
    when it is a national identity number: an employee's ``pid`` from Ansattporten) and since when. Removed with
    «Slett»; added in «Koble til innlogging for ansatte» below (``NewSignInIdentityInline``)."""

    model = SignInIdentity
    fields = ["provider", "identity", "created_at"]
    readonly_fields = fields
    extra = 0
    verbose_name = _("innlogging koblet til kontoen")
    verbose_name_plural = _("innlogginger koblet til kontoen")

    @admin.display(description=_("identitet hos innloggingstjenesten"))
    def identity(self, obj: SignInIdentity) -> str:
        subject = obj.subject or ""
        # Eleven digits are a national identity number (real or a test person's): masked, as everywhere.
        return national_id_masked(subject) if len(subject) == 11 and subject.isdigit() else subject

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if _protected(request, obj):
            return False
        return _is_role_admin(request) or super().has_delete_permission(request, obj)


class NewSignInIdentityForm(forms.ModelForm):
    """A staff log-in to provision: the value the staff provider sends for this person (its ``OIDC_STAFF_SUBJECT_CLAIM``,
    e.g. ``pid``, or Entra ID's ``oid``). Digits typed with spaces are kept as digits only."""

    class Meta:
        model = SignInIdentity
        fields = ["provider", "subject"]
        labels = {"provider": _("Innloggingstjeneste"), "subject": _("Identitet hos innloggingstjenesten")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Citizens are linked by their own first log-in through ID-porten, never by hand.
        self.fields["provider"].choices = [(SignInIdentity.Provider.STAFF, SignInIdentity.Provider.STAFF.label)]
        self.fields["provider"].initial = SignInIdentity.Provider.STAFF
        self.fields["subject"].widget.attrs.update(autocomplete="off", spellcheck="false")

    def clean_subject(self) -> str:
        value = (self.cleaned_data.get("subject") or "").strip()
        if re.fullmatch(r"[\d\s.-]+", value):
            value = re.sub(r"\D", "", value)
        return value


class NewSignInIdentityInline(RoleAdminPermissions, admin.StackedInline):
    """«Koble til innlogging for ansatte»: one empty box; what is already linked is listed above, masked."""

    model = SignInIdentity
    form = NewSignInIdentityForm
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name = _("koble til innlogging for ansatte")
    verbose_name_plural = _("koble til innlogging for ansatte")

    def get_queryset(self, request):
        return super().get_queryset(request).none()


@admin.register(User)
class UserAdmin(RoleAdminPermissions, SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "title", "phone", "is_active"]
    list_filter = ["is_active", "memberships__role", "memberships__organisation"]
    search_fields = ["username", "first_name", "last_name", "email"]
    inlines = [MembershipInline, SignInIdentityInline, NewSignInIdentityInline]
    # Plain lists, not Django's two-list picker: its search icons carry ARIA a <span> may not have (issue 12).
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "phone", "title", "sms_alerts")}),
        (_("Tilgang"), {"fields": ("is_active", "is_staff", "is_superuser", "user_permissions")}),
        (_("Datoer"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "phone",
                    "title",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def get_inlines(self, request, obj):
        # The log-ins are linked on the account's own page, once it exists (the new account's page has its roles).
        if obj is None:
            return [MembershipInline]
        # A log-in linked to a superuser's account lets whoever holds it in as that superuser (past the account's own
        # second factor): only a superuser links one, as only a superuser may make someone one.
        if obj.is_superuser and not request.user.is_superuser:
            return [MembershipInline, SignInIdentityInline]
        return self.inlines

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)  # a class made for this request
        password = form.base_fields.get("password")
        if obj is not None and password is not None:
            url = reverse(f"{self.admin_site.name}:auth_user_password_change", args=[obj.pk])
            password.widget = PasswordHashWidget(url if self.has_change_permission(request, obj) else None)
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not _protected(request, obj):
            return fieldsets
        # Seen, not changed: the page shows every field as text, and the password's would be its hash.
        return tuple(
            (name, {**options, "fields": tuple("password_summary" if field == "password" else field
                                               for field in options["fields"])})
            for name, options in fieldsets
        )

    @admin.display(description=_("Passord"))
    def password_summary(self, obj: User):
        return PasswordHashWidget(None).render("password", obj.password)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["last_login", "date_joined"]
        if _protected(request, obj):
            readonly.append("password_summary")
        if not request.user.is_superuser:
            # «groups» is not on the form (see the module's docstring); read-only anyway, should it come back.
            readonly += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return readonly

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history saves a POST here (a revert) for anyone who may view the account: only for those who may
        # change it (not the administrator role, for a superuser's account).
        if request.method == "POST":
            if not self.has_change_permission(request, self.get_object(request, unquote(object_id))):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Municipality)
class MunicipalityAdmin(RoleAdminPermissions, SimpleHistoryAdmin):
    list_display = ["name", "number"]
    search_fields = ["name", "number"]


@admin.register(Organisation)
class OrganisationAdmin(RoleAdminPermissions, SimpleHistoryAdmin):
    list_display = ["name", "kind", "municipality", "phone", "is_active"]
    list_filter = ["kind", "is_active", "municipality"]
    search_fields = ["name"]
