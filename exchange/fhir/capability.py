"""``GET /fhir/metadata``: the CapabilityStatement, saying exactly what this server reads and searches."""

from __future__ import annotations

from django.conf import settings

from exchange.fhir import codes
from exchange.fhir.search import ORDER, TYPES

PARAM_TYPES = {"_id": "token", "_lastUpdated": "date", "patient": "reference"}
PARAM_WORDS = {
    "_id": "The resource's id (several separated by commas).",
    "_lastUpdated": "When it last changed, with the prefix eq, gt, ge, lt or le (e.g. ge2026-01-31); may be repeated.",
    "patient": "Whose it is: Patient/12 or 12 (several separated by commas).",
}


def capability_statement(base: str) -> dict:
    resources = []
    for name in ORDER:
        resource_type = TYPES[name]
        resource = {
            "type": name,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "versioning": "no-version",
            "readHistory": False,
            "updateCreate": False,
            "searchParam": [
                {
                    "name": param,
                    "definition": f"http://hl7.org/fhir/SearchParameter/{_definition(name, param)}",
                    "type": PARAM_TYPES[param],
                    "documentation": PARAM_WORDS[param],
                }
                for param in resource_type.params
            ],
        }
        if name == "Patient":
            resource["operation"] = [{
                "name": "everything",
                "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                "documentation": "Everything about the patient the caller may see, as a searchset Bundle.",
            }]
        resources.append(resource)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-01",
        "publisher": "koordinator",
        "kind": "instance",
        "software": {"name": "koordinator", "version": "1.0.0"},
        "implementation": {"description": "koordinator FHIR R4 read API", "url": base},
        "fhirVersion": codes.FHIR_VERSION,
        "format": ["json", codes.CONTENT_TYPE],
        "rest": [{
            "mode": "server",
            "documentation": "Read-only. Every read goes through the same access gate and access log as /api/v1/.",
            "security": {
                "cors": False,
                "service": [{"text": "Token or session, as /api/v1/ (Authorization: Token <token>)"}],
                "description": "The same accounts, tokens and access rules as /api/v1/; a read by anyone but the "
                               "person is written to the person's access log.",
            },
            "resource": resources,
        }],
        "language": getattr(settings, "LANGUAGE_CODE", "nb"),
    }


def _definition(resource: str, param: str) -> str:
    if param.startswith("_"):
        return f"Resource-{param[1:]}"
    return f"clinical-{param}"
