"""API errors as JSON: ``{"detail": ..., "errors": {field: [messages]}}``; never a 500 for bad input.

* ``services.ServiceError`` (a broken rule) → 400 with the service's message on its field.
* Serializer and filter validation errors → 400 with DRF's per-field messages.
* Any other 400 (a body that is not valid JSON) → the message under ``non_field_errors``.
* Django's ``ValidationError`` (e.g. from a model's ``full_clean``) → 400 the same way.
* ``PermissionDenied`` → 403, ``Http404`` → 404, not logged in → 401: DRF's ``{"detail": ...}``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from koordinator.services import ServiceError


def _as_field_errors(data) -> dict:
    """DRF gives a dict of fields, a list, or a single message; clients always get a dict of lists."""
    key = api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(data, dict):
        return {
            field: messages if isinstance(messages, (list, dict)) else [messages]
            for field, messages in data.items()
        }
    if isinstance(data, list):
        return {key: data}
    return {key: [data]}


def _first_message(errors: dict) -> str:
    """The first message in the (possibly nested) errors, used as ``detail`` for a reader in a hurry."""
    value = next(iter(errors.values()), "")
    while isinstance(value, (list, dict)):
        if not value:
            return ""
        value = value[0] if isinstance(value, list) else next(iter(value.values()))
    return str(value)


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        field = exc.field or api_settings.NON_FIELD_ERRORS_KEY
        return Response(
            {"detail": str(exc.message), "errors": {field: [str(exc.message)]}},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _as_field_errors(response.data)
        first = _first_message(errors)
        detail = _("Noe av det du sendte er ikke gyldig.")
        response.data = {"detail": f"{detail} {first}".strip(), "errors": errors}
    elif response.status_code == status.HTTP_400_BAD_REQUEST and isinstance(response.data, dict):
        # E.g. a body that is not JSON at all: every 400 has ``errors``, so clients need one code path.
        message = str(response.data.get("detail", ""))
        response.data = {"detail": message, "errors": {api_settings.NON_FIELD_ERRORS_KEY: [message]}}
    return response
