"""The schema's error responses, documented once for every operation (a drf-spectacular post-processing hook).

Every error the API gives has the one shape of ``koordinator/api/errors.py`` (the ``Error`` component). Which
errors an operation can give follows from what it takes, so they are added here by rule instead of on every view:

* **401** everywhere: every operation needs a login (a token or a session).
* **400** when the operation takes input: a filter or another query parameter (but ``page``) that is not valid,
  or a body (or, for an action without a body, a rule the service enforces, such as cancelling what is already
  cancelled).
* **403** on every write: a session without its CSRF token, a role that may not do this, or an object the caller
  may see but not change.
* **404** when the path names an object (outside the caller's gate it is a 404 too) and on a list, for a page
  that does not exist (``?page=999``).

What a view declares itself (a 403 on a read that only leaders may make, a 412 on a stale write) is kept.

A list's query parameters (its filters and ``page``) may also be sent empty (``?status=``), which means "not
filtering", as from a search form: the schema says so (``allowEmptyValue``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

WRITES = {"post", "put", "patch", "delete"}
METHODS = WRITES | {"get", "head", "options", "trace"}


def _descriptions() -> dict[str, str]:
    return {
        "400": _("Ugyldig innhold; feilmeldinger per felt."),
        "401": _("Ikke logget inn."),
        "403": _("Du har ikke lov til dette, eller du kan se det, men ikke endre det."),
        "404": _("Finnes ikke, eller du har ikke tilgang."),
        "404-page": _("Finnes ikke, eller du har ikke tilgang; for en liste: siden finnes ikke."),
    }


def error_statuses(method: str, operation: dict) -> list[str]:
    """The error statuses ``operation`` (on ``method``) can answer with, by the rules above."""
    parameters = operation.get("parameters", [])
    query = [p for p in parameters if p.get("in") == "query"]
    statuses = ["401"]
    if method in WRITES or any(p.get("name") != "page" for p in query):
        statuses.append("400")
    if method in WRITES:
        statuses.append("403")
    if any(p.get("in") == "path" for p in parameters) or any(p.get("name") == "page" for p in query):
        statuses.append("404")
    return statuses


def document_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: add the error responses each operation can give (see above)."""
    words = _descriptions()
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            paged = any(p.get("in") == "query" and p.get("name") == "page" for p in operation.get("parameters", []))
            if paged:
                for parameter in operation["parameters"]:
                    if parameter.get("in") == "query" and not parameter.get("required"):
                        parameter["allowEmptyValue"] = True
            for code in error_statuses(method, operation):
                if code not in responses:
                    key = "404-page" if code == "404" and paged else code
                    error = {"schema": {"$ref": "#/components/schemas/Error"}}
                    responses[code] = {"content": {"application/json": error}, "description": words[key]}
    return result
