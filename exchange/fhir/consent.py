"""``Consent``: the owner lets a person or a service see given parts (``provision.code``, a local code system: the
scopes are ours), from a date until a date (``provision.period``). Status: ``active`` while in force or about to be,
``inactive`` when it has expired, ``rejected`` when it was withdrawn. How it was given is an extension (local)."""

from __future__ import annotations

from django.db.models import F

from exchange.fhir import codes
from exchange.fhir.common import (
    drop_empty,
    instant,
    latest_history,
    meta,
    named,
    patient_ref,
    period,
    since_epoch,
)
from koordinator import access
from koordinator.models import Consent

STATUS = {"valid": "active", "future": "active", "expired": "inactive", "withdrawn": "rejected"}


def queryset(user):
    return (
        Consent.objects.for_user(user, access.VIEW)
        .annotate(fhir_updated=since_epoch(latest_history(Consent)), fhir_patient=F("owner_id"))
        .select_related("grantee_user", "grantee_organisation")
    )


def build(reader, consents: list[Consent]) -> list[dict]:
    resources = []
    for consent in consents:
        grantee = (
            named(consent.grantee_user.display_name, "Practitioner") if consent.grantee_user_id
            else named(consent.grantee_organisation.name, "Organization")
        )
        owner = patient_ref(consent.owner_id)
        resources.append(drop_empty({
            "resourceType": "Consent",
            "id": str(consent.pk),
            "meta": meta(consent.fhir_updated),
            "extension": [{
                "url": codes.GIVEN_HOW_EXTENSION,
                "valueCoding": codes.coding(codes.CONSENT_GIVEN_HOW, consent.given_how,
                                            consent.get_given_how_display()),
            }] if consent.given_how else [],
            "status": STATUS[consent.state],
            "scope": codes.concept(codes.PRIVACY_SCOPE),
            "category": [codes.concept(codes.PATIENT_CONSENT)],
            "patient": owner,
            "dateTime": instant(consent.created_at),
            "performer": [owner],
            "policyRule": codes.concept(codes.OPT_IN),
            "provision": drop_empty({
                "type": "permit",
                "period": period(consent.valid_from, consent.valid_until),
                "actor": [{"role": codes.concept(codes.INFORMATION_RECIPIENT), "reference": grantee}],
                "code": [
                    codes.concept(codes.coding(codes.CONSENT_SCOPE_LOCAL, scope, str(Consent.Scope(scope).label)))
                    for scope in consent.scopes
                ],
            }),
        }))
    return resources
