"""The end-of-follow-up evaluation (*sluttevaluering*, issue 14 point 3): its rules, its service and its forms.

The evaluation is part of ending a case: the core's ending form takes it as an *ending part*
(``koordinator.ending``, :class:`EvaluationPart` below), and the ending service saves it in the ending's own
transaction, so a bad evaluation leaves the case open and nothing saved. Afterwards the case's staff may change it
(:class:`EndEvaluationForm`, ``/saker/<pk>/sluttevaluering/endre/``) while the case is ended; every write goes
through :func:`save_end_evaluation`, with history.

**When the user has died** (``FollowUp.EndingReason.DEATH``) nobody can write it together with them: «Brukerens del»
is not asked for (left empty it reads «Ikke aktuelt»), and the two questions about the user's own view stay optional
as always. «Hva har vi fått til?» is still required: the service can say what it achieved. Every other reason asks
for the user's part, where «Fikk ikke tak i brukeren» covers a user who moved, went to prison or dropped out.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access
from koordinator.ending import EndingPart, PartSave, register_ending_part
from koordinator.forms import StaffForm, plain_words
from koordinator.models import FollowUp, User
from koordinator.toolkit import ServiceError, clean_text, ensure_inside_gate, save_with_history
from outcomes import rounds
from outcomes.models import EndEvaluation

UserPart = EndEvaluation.UserPart

# The ending reasons where the user is gone, so there is no «Brukerens del» to ask for.
USER_GONE = frozenset({FollowUp.EndingReason.DEATH})
# «Ikke aktuelt» on the forms (stored as ``""``): a value of its own, so that no option is chosen before someone does.
NOT_APPLICABLE = "not_applicable"
# The longest text a field takes: about two pages, room enough for plain words.
MAX_TEXT = 4000
# The fields, in the order they are asked.
FIELDS = ("achieved", "what_helped", "needs_to_manage", "user_part")

MESSAGES = {
    "achieved": gettext_lazy("Skriv hva dere har fått til."),
    "user_part": gettext_lazy("Velg om brukeren var med på å skrive sluttevalueringen."),
    "not_applicable": gettext_lazy("«Ikke aktuelt» kan bare velges når brukeren er død."),
    "bad_user_part": gettext_lazy("Velg et av alternativene for brukerens del."),
    "not_ended": gettext_lazy("Sluttevalueringen skrives når oppfølgingen avsluttes."),
}


def asks_user_part(reason: str | None) -> bool:
    """Is «Brukerens del» required for this ending reason? Not when the user is gone (death)."""
    return reason not in USER_GONE


def user_part_error(reason: str | None, user_part: str) -> str | None:
    """What is wrong with ``user_part`` for an ending with ``reason``, or ``None``. ``""`` is nothing chosen,
    :data:`NOT_APPLICABLE` «Ikke aktuelt»: both allowed only when the user has died."""
    if user_part == NOT_APPLICABLE:
        return None if not asks_user_part(reason) else str(MESSAGES["not_applicable"])
    if user_part and user_part not in UserPart.values:
        return str(MESSAGES["bad_user_part"])
    if not user_part and asks_user_part(reason):
        return str(MESSAGES["user_part"])
    return None


def clean_evaluation(
    reason: str | None,
    *,
    achieved: Any,
    what_helped: Any = "",
    needs_to_manage: Any = "",
    user_part: Any = "",
) -> dict[str, str]:
    """The evaluation's values, cleaned, for an ending with ``reason``; a ``ServiceError`` naming the field if not."""
    values = {
        "achieved": clean_text(achieved, "achieved", required=MESSAGES["achieved"], max_length=MAX_TEXT),
        "what_helped": clean_text(what_helped, "what_helped", max_length=MAX_TEXT),
        "needs_to_manage": clean_text(needs_to_manage, "needs_to_manage", max_length=MAX_TEXT),
    }
    user_part = user_part or ""
    if not isinstance(user_part, str):
        raise ServiceError(str(MESSAGES["bad_user_part"]), "user_part")
    if message := user_part_error(reason, user_part):
        raise ServiceError(message, "user_part")
    values["user_part"] = "" if user_part == NOT_APPLICABLE else user_part
    return values


@transaction.atomic
def save_end_evaluation(
    actor: User,
    case: FollowUp,
    *,
    achieved: str,
    what_helped: str = "",
    needs_to_manage: str = "",
    user_part: str = "",
) -> EndEvaluation:
    """Write the ended case's evaluation, or change it: the case's staff only (trust person, deputy, leader).

    Called by the ending service inside its transaction (the ending part) and by the change page. A change that
    changes nothing writes no history. ``user_part`` ``""`` (or :data:`NOT_APPLICABLE`) is «Ikke aktuelt», stored as
    ``""``: allowed only when the user has died.
    """
    access.require_change(actor, case)
    case = FollowUp.objects.select_for_update().get(pk=case.pk)
    if case.status != FollowUp.Status.ENDED:
        raise ServiceError(str(MESSAGES["not_ended"]))
    values = clean_evaluation(
        case.ending_reason,
        achieved=achieved,
        what_helped=what_helped,
        needs_to_manage=needs_to_manage,
        user_part=user_part,
    )
    evaluation = EndEvaluation.objects.select_for_update().filter(follow_up=case).first()
    is_new = evaluation is None
    if is_new:
        evaluation = EndEvaluation(follow_up=case)
    elif all(getattr(evaluation, name) == value for name, value in values.items()):
        return evaluation
    for name, value in values.items():
        setattr(evaluation, name, value)
    evaluation.written_by = actor
    save_with_history(
        evaluation,
        actor,
        gettext_lazy("Sluttevaluering skrevet") if is_new else gettext_lazy("Sluttevaluering endret"),
    )
    ensure_inside_gate(actor, evaluation)
    return evaluation


# --- reading ------------------------------------------------------------------------------------------------


def evaluation_for(user: User, case: FollowUp) -> EndEvaluation | None:
    """The case's evaluation if the gate shows it to ``user`` (the case's staff and the owner; never a partner)."""
    return (
        EndEvaluation.objects.for_user(user).filter(follow_up_id=case.pk).select_related("written_by").first()
    )


def may_write(user: User, case: FollowUp) -> bool:
    """May ``user`` write or change the case's evaluation now? Its staff, while the case is ended."""
    return case.status == FollowUp.Status.ENDED and access.is_case_staff(user, case.pk)


def offers_end_round(user: User, case: FollowUp) -> bool:
    """Offer «Ta en siste livskvalitetsrunde» after ending? To those who may write the evaluation (the staff of the
    ended case, who are those the round's page ``qol_round_create`` answers), while the case lacks its round «Ved
    avslutning» (``rounds.round_due_at_end``); not when the user has died. One query at most."""
    return asks_user_part(case.ending_reason) and may_write(user, case) and rounds.round_due_at_end(case)


def page_opens(user: User, case: FollowUp, evaluation: EndEvaluation | None) -> bool:
    """Does the evaluation page (``end_evaluation``) answer ``user``? When they see the evaluation, or when the case
    has ended without one and they may write it. The case page's link asks the same."""
    return evaluation is not None or may_write(user, case)


# --- forms --------------------------------------------------------------------------------------------------


def evaluation_fields() -> dict[str, forms.Field]:
    """The evaluation's fields, by the model's names (the ending form prefixes them)."""
    choices = [*UserPart.choices, (NOT_APPLICABLE, _("Ikke aktuelt – brukeren er død"))]
    user_part = forms.ChoiceField(
        label=_("Brukerens del"),
        choices=choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Må velges, unntatt når brukeren er død."),
    )
    user_part.sometimes_required = True  # not when the user has died; the help text says so
    return {
        "achieved": forms.CharField(
            label=_("Hva har vi fått til?"),
            max_length=MAX_TEXT,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("Med enkle ord: brukeren kan lese det på Min side."),
            error_messages={"required": MESSAGES["achieved"]},
        ),
        "what_helped": forms.CharField(
            label=_("Hva mener brukeren har hjulpet?"),
            max_length=MAX_TEXT,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        ),
        "needs_to_manage": forms.CharField(
            label=_("Hva trenger brukeren for å klare seg uten tjenesten?"),
            max_length=MAX_TEXT,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        ),
        "user_part": user_part,
    }


class EndEvaluationForm(StaffForm):
    """Changing an ended case's evaluation (the change page). ``reason`` is the case's ending reason."""

    def __init__(self, *args, reason: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason = reason
        fields = evaluation_fields()
        plain_words(fields)
        self.fields.update(fields)

    def clean(self):
        cleaned_data = super().clean()
        if "user_part" in cleaned_data and (
            message := user_part_error(self.reason, cleaned_data["user_part"])
        ):
            self.add_error("user_part", message)
        return cleaned_data

    def service_kwargs(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in FIELDS}

    @staticmethod
    def initial_from(evaluation: EndEvaluation) -> dict[str, str]:
        """The form's starting values: what the evaluation says now (an empty user part is «Ikke aktuelt»)."""
        initial = {name: getattr(evaluation, name) for name in FIELDS}
        initial["user_part"] = evaluation.user_part or NOT_APPLICABLE
        return initial


@register_ending_part(order=10)
class EvaluationPart(EndingPart):
    """«Sluttevaluering» on the ending page: its fields in the ending form, saved in the ending's transaction."""

    template = "outcomes/end/ending_part.html"
    prefix = "evaluation_"

    def __init__(self, case: FollowUp, actor: User) -> None:
        super().__init__(case, actor)
        # A case ended before (and started again) has an evaluation: the page says a new one replaces it.
        self.earlier = (
            EndEvaluation.objects.for_user(actor)
            .filter(follow_up_id=case.pk)
            .only("pk", "updated_at")
            .first()
        )

    def name(self, field: str) -> str:
        return self.prefix + field

    def fields(self) -> dict[str, forms.Field]:
        return {self.name(name): field for name, field in evaluation_fields().items()}

    def clean(self, form: forms.Form) -> None:
        name = self.name("user_part")
        if name in form.cleaned_data:
            message = user_part_error(form.cleaned_data.get("reason"), form.cleaned_data[name])
            if message:
                form.add_error(name, message)

    def saver(self, cleaned_data: dict[str, Any]) -> PartSave:
        values = {name: cleaned_data[self.name(name)] for name in FIELDS}

        def save(actor: User, case: FollowUp) -> None:
            try:
                save_end_evaluation(actor, case, **values)
            except ServiceError as error:  # at the ending form's field
                raise ServiceError(error.message, self.name(error.field) if error.field else None) from error

        return save

    def after_ending(self, case: FollowUp) -> str | None:
        """The success message after ending offers the end round while the case lacks it (``offers_end_round``)."""
        if not offers_end_round(self.actor, case):
            return None
        return format_html(
            '{} <a class="ds-link" href="{}">{}</a>',
            _("Saken mangler livskvalitetsrunden ved avslutning:"),
            reverse("qol_round_create", args=[case.pk]),
            _("Ta en siste livskvalitetsrunde"),
        )
