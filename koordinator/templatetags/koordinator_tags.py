"""Template helpers shared by every page: phone numbers, form fields and error summaries.

Usage::

    {% load koordinator_tags %}
    {{ person.phone|phone }}
    {% error_summary form %}
    {% form_field form.phone %}
    {% form_field form.scopes %}          {# checkboxes or radios become a fieldset #}

``form_field`` renders one field the Designsystemet way (``ds-field``, ``ds-label``, ``ds-input``,
``ds-validation-message``) with the label bound to the input and the help text and error tied to it
with ``aria-describedby``. A choice field may carry ``choice_descriptions`` (a dict from value to a
plain-words explanation) to show a line of help under each option.
"""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.translation import gettext

from koordinator.phone import display_phone

register = template.Library()


@register.filter
def phone(value: str | None) -> str:
    """«+4791234567» → «912 34 567»."""
    return display_phone(value or "")


def _kind(bound_field: BoundField) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple is a RadioSelect too
        return "choices"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


def anchor_id(bound_field: BoundField) -> str:
    """The id an error-summary link should jump to: the input itself, or the first option of a group."""
    if _kind(bound_field) == "choices":
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label or bound_field.auto_id


def _join(*ids: str) -> str:
    return " ".join(i for i in ids if i)


@register.inclusion_tag("partials/form_field.html")
def form_field(
    bound_field: BoundField, description: str = "", width: str = "", mark_optional: bool = True
) -> dict:
    """One form field with its label, description and error message.

    ``description`` overrides the field's help text; ``width`` (``"short"``) narrows inputs such as
    postal codes and dates so the field's size hints at what goes in it. Fields that are not required
    say «(valgfritt)» unless ``mark_optional=False`` (for a pair where one of two must be filled in) or the field
    is required in some cases (``field.sometimes_required = True``: its help text says when).
    """
    kind = _kind(bound_field)
    auto_id = bound_field.auto_id
    description = description or bound_field.help_text
    description_id = f"{auto_id}-beskrivelse" if description else ""
    error_id = f"{auto_id}-feil" if bound_field.errors else ""
    invalid = {"aria-invalid": "true"} if bound_field.errors else {}
    context = {
        "field": bound_field,
        "kind": kind,
        "description": description,
        "description_id": description_id,
        "error_id": error_id,
        "width": width,
        "optional": mark_optional and not bound_field.field.required
        and not getattr(bound_field.field, "sometimes_required", False),
    }
    if kind == "choices":
        descriptions = getattr(bound_field.field, "choice_descriptions", {}) or {}
        options = []
        for index, sub in enumerate(bound_field.subwidgets):
            option_description = str(descriptions.get(sub.data["value"], "") or "")
            option_description_id = f"{auto_id}_{index}-beskrivelse" if option_description else ""
            attrs = sub.data["attrs"]
            attrs["class"] = _join(attrs.get("class", ""), "ds-input")
            described_by = _join(option_description_id, error_id)
            if described_by:
                attrs["aria-describedby"] = described_by
            attrs.update(invalid)
            options.append(
                {
                    "widget": sub,
                    "id": sub.id_for_label,
                    "label": sub.choice_label,
                    "description": option_description,
                    "description_id": option_description_id,
                }
            )
        context["options"] = options
        return context
    attrs = {"class": _join(bound_field.field.widget.attrs.get("class", ""), "ds-input"), **invalid}
    described_by = _join(description_id, error_id)
    if described_by:
        attrs["aria-describedby"] = described_by
    context["widget"] = bound_field.as_widget(attrs=attrs)
    return context


def _generic_messages() -> set[str]:
    """The plain words that replace Django's own messages (``koordinator.forms``), in the request's language:
    they do not say which field they belong to."""
    from koordinator.forms import DATE_ERRORS, ERROR_MESSAGES

    return {str(message) for message in (*ERROR_MESSAGES.values(), *DATE_ERRORS.values())}


@register.inclusion_tag("partials/error_summary.html")
def error_summary(form: forms.BaseForm, heading: str = "") -> dict:
    """A list of every error on the form at the top of the page, each linking to its field."""
    errors = []
    if form.is_bound and form.errors:
        first_field = next((bf for bf in form.visible_fields()), None)
        for message in form.non_field_errors():
            errors.append({"message": message, "anchor": anchor_id(first_field) if first_field else ""})
        generic = _generic_messages()
        for bound_field in form.visible_fields():
            for message in bound_field.errors:
                if message in generic and bound_field.label:
                    # «Dette feltet må fylles ut.» four times says nothing at the top: name the field.
                    message = gettext("%(label)s: %(message)s") % {"label": bound_field.label, "message": message}
                errors.append({"message": message, "anchor": anchor_id(bound_field)})
        for bound_field in form.hidden_fields():
            for message in bound_field.errors:
                errors.append({"message": message, "anchor": ""})
    return {"errors": errors, "heading": heading}


@register.simple_tag
def page_title_prefix(form: forms.BaseForm | None = None) -> str:
    """«Feil: » before the page title when a form came back with errors, so a screen reader hears it first."""
    if form is not None and form.is_bound and form.errors:
        return gettext("Feil: ")
    return ""
