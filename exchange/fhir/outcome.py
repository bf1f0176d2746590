"""FHIR errors: an ``OperationOutcome`` with the HTTP status, in plain Norwegian, never a 500 for bad input."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class FhirError(Exception):
    """A request the API answers with an ``OperationOutcome``: the status, FHIR's issue code and the message.

    ``where`` names the query parameter or path part at fault (the issue's ``expression``)."""

    def __init__(self, status: int, message, *, code: str = "invalid", where: str = ""):
        super().__init__(str(message))
        self.status = status
        self.message = message
        self.code = code
        self.where = where


def outcome(message, *, code: str = "invalid", where: str = "", severity: str = "error") -> dict:
    issue = {"severity": severity, "code": code, "details": {"text": str(message)}, "diagnostics": str(message)}
    if where:
        issue["expression"] = [where]
    return {"resourceType": "OperationOutcome", "issue": [issue]}


NOT_FOUND = _("Finnes ikke, eller du har ikke tilgang.")
NOT_LOGGED_IN = _("Ikke logget inn.")
ONLY_JSON = _("Bare JSON støttes: bruk _format=json eller Accept: application/fhir+json.")
ONLY_GET = _("Dette FHIR-API-et kan bare leses (GET).")


def not_found(where: str = "") -> FhirError:
    return FhirError(404, NOT_FOUND, code="not-found", where=where)
