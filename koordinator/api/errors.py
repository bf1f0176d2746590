"""API errors as JSON, one shape for every status: ``{"detail": str, "errors": {field: [str, ...]}}``; never a 500 for
bad input. The schema describes it once (``ErrorSerializer``, the ``Error`` component).

* ``services.ServiceError`` (a broken rule) → 400 with the service's message on its field.
* Serializer and filter validation errors → 400 with DRF's per-field messages. A message about a part of a
  field (an item of a list, a key of a mapping, a field of a nested object) stays under the field the caller
  sent, prefixed with where in it: ``{"scopes": ["0: «x» er ikke et gyldig valg."]}``,
  ``{"contacts": ["1.phone: Dette feltet er påkrevd."]}``.
* Any other 400 (a body that is not valid JSON) → the message under ``non_field_errors``.
* Django's ``ValidationError`` (e.g. from a model's ``full_clean``) → 400 the same way.
* ``PermissionDenied`` → 403, ``Http404`` → 404, not logged in → 401, a method not allowed → 405, and so on:
  ``{"detail": ..., "errors": {}}``. A path under /api/ that names nothing (``plans/abc/``: the router takes only
  digits for an id) gets the same from the project's ``handler404`` (``koordinator/views/errors.py``), with the
  same words.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from koordinator.services import ServiceError

NOT_FOUND = gettext_lazy("Finnes ikke, eller du har ikke tilgang.")


def _messages(value, where: str = "") -> list[str]:
    """Every message in ``value`` (a message, or DRF's nested lists and dicts of them) as plain strings, each
    prefixed with where in the field it belongs (``1.reachable: ...``) when that is deeper than the field."""
    if isinstance(value, dict):
        return [m for key, inner in value.items() for m in _messages(inner, f"{where}.{key}" if where else str(key))]
    if isinstance(value, (list, tuple)):
        # A list of messages, or a nested serializer's list of per-item errors ({} for the items that were fine).
        nested = any(isinstance(item, (dict, list, tuple)) for item in value)
        return [
            m
            for index, item in enumerate(value)
            for m in _messages(item, (f"{where}.{index}" if where else str(index)) if nested else where)
        ]
    return [f"{where}: {value}" if where else str(value)]


def _as_field_errors(data) -> dict[str, list[str]]:
    """DRF gives a dict of fields, a list, or a single message; clients always get a dict of lists of strings."""
    key = api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(data, dict):
        return {str(field): _messages(messages) for field, messages in data.items()}
    return {key: _messages(data)}


def _first_message(errors: dict) -> str:
    """The first message in the errors, used as ``detail`` for a reader in a hurry."""
    return next((messages[0] for messages in errors.values() if messages), "")


def error_body(detail, errors: dict | None = None) -> dict:
    """The one error shape: ``{"detail": str, "errors": {field: [str]}}``."""
    return {"detail": str(detail), "errors": errors or {}}


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        field = exc.field or api_settings.NON_FIELD_ERRORS_KEY
        return Response(error_body(exc.message, {field: [str(exc.message)]}), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    if isinstance(exc, Http404):
        # Django's message names the model in English («No Plan matches the given query.»); say it plainly, and
        # the same whether the thing does not exist or is outside the caller's gate.
        exc = exceptions.NotFound(NOT_FOUND)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _as_field_errors(response.data)
        first = _first_message(errors)
        detail = _("Noe av det du sendte er ikke gyldig.")
        response.data = error_body(f"{detail} {first}".strip(), errors)
    elif response.status_code == status.HTTP_400_BAD_REQUEST:
        # E.g. a body that is not JSON at all: every 400 names what is wrong, so clients need one code path.
        message = _first_message(_as_field_errors(response.data.get("detail", response.data)
                                                  if isinstance(response.data, dict) else response.data))
        response.data = error_body(message, {api_settings.NON_FIELD_ERRORS_KEY: [message]})
    else:
        # 401, 403, 404, 405, 406, 415, ...: the same shape, nothing per field.
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        response.data = error_body(_first_message(_as_field_errors(detail)))
    return response
