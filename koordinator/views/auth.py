"""Log-in, log-out and password change: Django's views with Norwegian pages and plain messages.

Failed log-ins are throttled by django-axes (its middleware answers with
``registration/locked_out.html``); idle sessions end in ``koordinator.middleware``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    # One message for a wrong user name and a wrong password, so the page never tells which
    # user names exist.
    error_messages = {
        "invalid_login": _(
            "Brukernavnet eller passordet er feil. Sjekk at du har skrevet riktig, og prøv igjen. "
            "Store og små bokstaver i passordet teller."
        ),
        "inactive": _(
            "Brukernavnet eller passordet er feil. Sjekk at du har skrevet riktig, og prøv igjen. "
            "Store og små bokstaver i passordet teller."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Brukernavn")
        self.fields["password"].label = _("Passord")
        self.fields["username"].error_messages["required"] = _("Skriv brukernavnet ditt.")
        self.fields["password"].error_messages["required"] = _("Skriv passordet ditt.")
        # The skip link stays the first thing a keyboard or screen reader user meets.
        self.fields["username"].widget.attrs.pop("autofocus", None)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_redirect_url(self):
        # ``?next=/logg-inn/`` would send a logged-in user back here; Django calls that a redirect loop
        # and raises (a 500). Going home instead is what the user wanted anyway.
        url = super().get_redirect_url()
        return "" if url.split("?")[0] == self.request.path else url


class LogoutView(auth_views.LogoutView):
    """Log-out is a POST (Django 5). A GET, for example from an old bookmark, shows a small page with
    the button instead of logging out behind the user's back."""

    http_method_names = ["get", "post", "options"]
    template_name = "registration/logout_confirm.html"

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("login")
        return render(request, self.template_name)

    def post(self, request, *args, **kwargs):
        # A session from ID-porten or the staff provider ends there too (RP-initiated log-out): on to the
        # provider's end-session address, which sends the browser back to «Du er logget ut» (/logget-ut/).
        # Read before the session is flushed. A page that goes on at once, not a redirect: the CSP's
        # form-action 'self' would stop this form's submission at a redirect to another site.
        from koordinator.signin import oidc

        end_session = oidc.end_session(request)
        response = super().post(request, *args, **kwargs)
        if end_session:
            return oidc.leave_for_end_session(request, end_session)
        messages.success(request, _("Du er logget ut."))
        return response


class NorwegianPasswordChangeForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("Det nåværende passordet er feil. Prøv igjen."),
        "password_mismatch": _("De to nye passordene er ikke like."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Nåværende passord")
        self.fields["new_password1"].label = _("Nytt passord")
        self.fields["new_password2"].label = _("Skriv det nye passordet en gang til")
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        for name in ("old_password", "new_password1", "new_password2"):
            self.fields[name].error_messages["required"] = _("Fyll ut dette feltet.")
        self.fields["new_password1"].help_text = _(
            "Minst 8 tegn. Ikke bare tall, ikke et vanlig passord, og ikke likt navnet ditt."
        )
        self.fields["new_password2"].help_text = ""


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = NorwegianPasswordChangeForm
    template_name = "registration/password_change_form.html"


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"
