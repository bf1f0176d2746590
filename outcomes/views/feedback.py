"""The anonymous feedback's pages (``outcomes.feedback``): the questionnaire on Min side, through the SMS link
and on paper; the leader's results, «Send lenke på SMS», and the check of the free texts for names.

None of these pages writes an access event, a history row or a log line about who answers: answering is not a
read of anyone's data, and who answered is exactly what must not be kept. The pages with a form are not
cached.
"""

from __future__ import annotations

import re
import secrets
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from koordinator import access
from koordinator.services import ServiceError
from outcomes import feedback

SKIP = ""


class FeedbackForm(forms.Form):
    """The seven questions (each may be skipped: «Hopp over» is the default) and the free text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for q in feedback.QUESTIONS:
            choices = [(str(value), label) for value, label in zip(feedback.SCALE, q.steps, strict=True)]
            choices.append((SKIP, _("Hopp over")))
            self.fields[q.key] = forms.TypedChoiceField(
                label=q.text,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=SKIP,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": gettext_lazy("Velg ett av svarene, eller «Hopp over».")},
            )
        self.fields["free_text"] = forms.CharField(
            label=feedback.FREE_TEXT_LABEL,
            help_text=feedback.FREE_TEXT_WARNING,
            required=False,
            max_length=feedback.FREE_TEXT_MAX,
            widget=forms.Textarea(attrs={"rows": 5}),
            error_messages={"max_length": gettext_lazy("Teksten kan være høyst %(limit_value)d tegn.")},
        )

    def add_service_error(self, error: ServiceError) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)


NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
PAPER_USED = "feedback_paper_used"  # the session's list of the paper forms' tokens already saved
PAPER_USED_KEEP = 200


class PaperForm(FeedbackForm):
    """The same, typed in from a paper form, for one of the staff member's units. A one-time token
    (``skjema``) in the form makes a second post of the same form (the back button, «Lagre svarene» again) a
    no-op: the tokens saved are remembered in the staff member's session, nothing about the respondent."""

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skjema"] = forms.CharField(
            required=False, widget=forms.HiddenInput, initial=secrets.token_urlsafe(18)
        )
        unit_field = forms.ModelChoiceField(
            label=_("Enhet"),
            queryset=units,
            empty_label=None,
            error_messages={
                "invalid_choice": gettext_lazy("Velg en av enhetene dine."),
                "required": gettext_lazy("Velg en av enhetene dine."),
            },
        )
        if len(units) == 1:
            unit_field.widget = forms.HiddenInput()
            unit_field.initial = units[0].pk
        # The unit first, then the questions.
        self.fields = {"unit": unit_field, **self.fields}

    def clean(self):
        cleaned = super().clean()
        if not NONCE.match(cleaned.get("skjema") or ""):
            raise forms.ValidationError(
                _("Skjemaet på siden er ikke helt. Last inn siden på nytt og skriv inn svarene igjen.")
            )
        return cleaned


def _questionnaire(request, template_context: dict, status: int = 200) -> HttpResponse:
    context = {"questions": feedback.QUESTIONS, "warning": feedback.FREE_TEXT_WARNING, **template_context}
    return render(request, "outcomes/feedback/questionnaire.html", context, status=status)


# --- Min side -----------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_feedback(request: HttpRequest) -> HttpResponse:
    """«Hva synes du om oppfølgingen?» for the logged-in service user; 404 for anyone else."""
    service_user_id = access.actor_for(request.user).service_user_id
    if service_user_id is None:
        raise Http404
    unit = feedback.unit_for_service_user(service_user_id)
    half_year = feedback.current_half_year()
    context = {
        "channel": "my_page",
        "unit": unit,
        "half_year_label": feedback.half_year_label(half_year),
        "back_url": reverse("my_page"),
        "back_text": _("Tilbake til Min side"),
    }
    if unit is None:
        return _questionnaire(request, {**context, "no_unit": True})
    if feedback.has_answered(service_user_id, half_year):
        # After answering (PRG): thanks. Coming back, or posting again: already answered, nothing saved.
        done = request.method == "GET" and request.GET.get("takk") == "1"
        return _questionnaire(request, {**context, "done": done, "already": not done})
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback.answer_on_my_page(request.user, form.cleaned_data)
        except feedback.AlreadyAnswered:
            return _questionnaire(request, {**context, "already": True})
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return redirect(reverse("my_feedback") + "?takk=1")
    return _questionnaire(request, {**context, "form": form})


# --- the link in the SMS ------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_link(request: HttpRequest, token: str) -> HttpResponse:
    """The questionnaire through the signed link in an SMS, without logging in. A broken, tampered, too old or
    last half-year's link gets a page saying so (400), with other ways to answer."""
    try:
        claim = feedback.read_link(token)
    except ServiceError as error:
        return _questionnaire(request, {"channel": "link", "error": error.message}, status=400)
    context = {"channel": "link", "half_year_label": feedback.half_year_label(claim.half_year)}
    if feedback.receipt_exists(claim.receipt):
        done = request.method == "GET" and request.GET.get("takk") == "1"
        return _questionnaire(request, {**context, "done": done, "already": not done})
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback.answer_by_link(token, form.cleaned_data)
        except feedback.AlreadyAnswered:
            return _questionnaire(request, {**context, "already": True})
        except ServiceError as error:
            if error.field == "token":
                return _questionnaire(request, {"channel": "link", "error": error.message}, status=400)
            form.add_service_error(error)
        else:
            return redirect(reverse("feedback_link", args=[token]) + "?takk=1")
    return _questionnaire(request, {**context, "form": form})


# --- on paper -----------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def feedback_paper(request: HttpRequest) -> HttpResponse:
    """Staff (a trust person, or a leader) type in a paper form for their unit. Nothing about the person."""
    units = list(feedback.paper_units(request.user).order_by("name", "pk"))
    if not units:
        raise Http404
    form = PaperForm(
        request.POST if request.method == "POST" else None,
        units=feedback.paper_units(request.user).order_by("name", "pk"),
    )
    if request.method == "POST" and form.is_valid():
        nonce = form.cleaned_data["skjema"]
        used = list(request.session.get(PAPER_USED, []))
        if nonce in used:
            messages.info(request, _("Dette skjemaet er allerede lagret."))
            return redirect("feedback_paper")
        try:
            feedback.enter_paper(request.user, form.cleaned_data["unit"], form.cleaned_data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            request.session[PAPER_USED] = [*used, nonce][-PAPER_USED_KEEP:]
            messages.success(request, _("Svarene fra papirskjemaet er lagt inn. Du kan legge inn det neste."))
            return redirect("feedback_paper")
    if access.actor_for(request.user).leader_municipality_ids:
        back_url, back_text = reverse("feedback_results"), _("Tilbake til tilbakemeldingene")
    else:
        back_url, back_text = reverse("worklist"), _("Tilbake til arbeidslisten")
    return _questionnaire(
        request,
        {
            "channel": "paper",
            "form": form,
            "units": units,
            "half_year_label": feedback.half_year_label(feedback.current_half_year()),
            "back_url": back_url,
            "back_text": back_text,
        },
    )


# --- the leader: results, the SMS, the check ----------------------------------------------------------------


def _leader_units(request) -> list:
    units = list(feedback.leader_units(request.user))
    if not units:
        raise Http404
    return units


def _chosen_unit(units: list, value: str | None):
    """The unit asked for (``?enhet=``); the first without one. A unit not among the leader's is a 404."""
    if not value:
        return units[0]
    for unit in units:
        if str(unit.pk) == value.strip():
            return unit
    raise Http404


@login_required
@require_safe
def feedback_results(request: HttpRequest) -> HttpResponse:
    """The results per unit and half-year (``?enhet=``, ``?periode=2026-H2``), only where at least five
    answered. Four queries or so, whatever the number of answers."""
    units = _leader_units(request)
    unit = _chosen_unit(units, request.GET.get("enhet"))
    current = feedback.current_half_year()
    asked = request.GET.get("periode")
    half_year = feedback.parse_half_year(asked) if asked else current
    period_error = ""
    if half_year is None:
        period_error = _("Velg et halvår fra listen. Her vises %(period)s.") % {
            "period": feedback.half_year_label(current)
        }
        half_year = current
    periods = feedback.recent_half_years()
    if half_year not in periods:
        periods.append(half_year)
    context = {
        "units": units,
        "unit": unit,
        "half_year": half_year,
        "half_year_label": feedback.half_year_label(half_year),
        "periods": [(p, feedback.half_year_label(p)) for p in periods],
        "period_error": period_error,
        "results": feedback.results_for(unit, half_year),
        "is_current": half_year == current,
        "links_sent": feedback.links_sent(unit, current) if half_year == current else None,
    }
    return render(request, "outcomes/feedback/results.html", context)


CONFIRM = "bekreft"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def feedback_send_links(request: HttpRequest) -> HttpResponse:
    """«Send lenke på SMS»: the unit's active users get their link, once per half-year per unit. The results
    page's button opens «Send lenke til N brukere?» (GET); only its «Send» (a POST with ``bekreft``) sends. A
    POST without it asks again."""
    units = _leader_units(request)
    data = request.POST if request.method == "POST" else request.GET
    unit = _chosen_unit(units, data.get("enhet") or "-")
    results_url = reverse("feedback_results") + f"?enhet={unit.pk}"
    if feedback.links_sent(unit).count:
        messages.info(
            request,
            _("Lenken er allerede sendt til brukerne i %(unit)s dette halvåret.") % {"unit": unit.name},
        )
        return redirect(results_url)
    if request.method == "GET" or request.POST.get(CONFIRM) != "ja":
        return render(
            request,
            "outcomes/feedback/send_links.html",
            {
                "unit": unit,
                "count": feedback.link_recipients(unit).count(),
                "half_year_label": feedback.half_year_label(feedback.current_half_year()),
                "results_url": results_url,
            },
        )
    try:
        sent = feedback.send_links(request.user, unit)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Lenken er sendt på SMS til %(count)s brukere i %(unit)s.")
            % {"count": sent, "unit": unit.name},
        )
    return redirect(results_url)


class CheckForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Teksten slik den kan vises"),
        help_text=gettext_lazy("Fjern navn og annet som kan vise hvem som skrev, eller hvem det handler om."),
        required=False,
        max_length=feedback.FREE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"max_length": gettext_lazy("Teksten kan være høyst %(limit_value)d tegn.")},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def feedback_check(request: HttpRequest) -> HttpResponse:
    """One unchecked text at a time, with nothing else of the answer: the leader removes names and marks it
    «Sjekket», or «Holdes tilbake». Only texts from a unit's half-year where at least five answered."""
    _leader_units(request)
    form = None
    if request.method == "POST":
        form = CheckForm(request.POST)
        answer_id = request.POST.get("tekst", "")
        try:
            answer_id = uuid.UUID(answer_id)
        except ValueError:
            raise Http404 from None
        decision = request.POST.get("valg", "")
        if form.is_valid():
            try:
                feedback.check_text(request.user, answer_id, decision, form.cleaned_data["text"])
            except PermissionDenied:
                raise Http404 from None
            except ServiceError as error:
                if error.field in ("text", "decision"):
                    form.add_error("text", error.message)
                else:
                    messages.info(request, error.message)
                    return redirect("feedback_check")
            else:
                messages.success(
                    request,
                    _("Teksten er sjekket og kan vises.")
                    if decision == feedback.CHECKED
                    else _("Teksten holdes tilbake og vises ikke."),
                )
                return redirect("feedback_check")
    item = feedback.next_text_to_check(request.user)
    if item is not None and (form is None or str(answer_id) != item.id):
        form = CheckForm(initial={"text": item.text})
    return render(
        request,
        "outcomes/feedback/check.html",
        {
            "item": item,
            "form": form,
            "half_year_label": feedback.half_year_label(item.half_year) if item else "",
            "min_persons": feedback.min_persons(),
        },
    )
