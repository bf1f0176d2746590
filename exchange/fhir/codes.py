"""The code systems the FHIR API uses: standard ones where a code exists, ours (``LOCAL``) where none does.

Standard: SNOMED CT (what a care plan is), LOINC (the care team's kind, a consent document), HL7's terminology
(consent scope, policy rule, participation type) and the Norwegian OIDs of the national identity numbers. Local:
life areas, the care team's roles, the consent's scopes, how a consent was given, and the plan kinds as we name them.
Every local system lives under ``LOCAL`` (README: «FHIR»)."""

from __future__ import annotations

from django.conf import settings

FHIR_VERSION = "4.0.1"
CONTENT_TYPE = "application/fhir+json"

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"

# The national identity numbers (Direktoratet for e-helse's OIDs): fødselsnummer and D-number.
FNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.1"
DNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.2"

# Ours: the base of every local code system and extension (README says which codes are local).
LOCAL = getattr(settings, "FHIR_LOCAL_BASE", "https://koordinator.example/fhir")


def local(name: str) -> str:
    return f"{LOCAL}/CodeSystem/{name}"


LIFE_AREA = local("life-area")
PLAN_KIND = local("plan-kind")
CARE_TEAM_ROLE = local("care-team-role")
CONSENT_SCOPE_LOCAL = local("consent-scope")
CONSENT_GIVEN_HOW = local("consent-given-how")
GIVEN_HOW_EXTENSION = f"{LOCAL}/StructureDefinition/consent-given-how"


def coding(system: str, code: str, display: str = "") -> dict:
    found = {"system": system, "code": code}
    if display:
        found["display"] = str(display)
    return found


def concept(*codings: dict, text: str = "") -> dict:
    found: dict = {}
    if codings:
        found["coding"] = list(codings)
    if text:
        found["text"] = str(text)
    return found


# SNOMED CT 734163000 |Care plan (record artifact)|; 736253002 |Mental health crisis plan (record artifact)|.
CARE_PLAN = coding(SNOMED, "734163000", "Care plan")
CRISIS_PLAN = coding(SNOMED, "736253002", "Mental health crisis plan")
# LOINC LA28865-6: «Longitudinal care-coordination focused care team» (FHIR's care-team-category value set).
CARE_COORDINATION_TEAM = coding(LOINC, "LA28865-6", "Longitudinal care-coordination focused care team")
# LOINC 59284-0: «Patient Consent» (FHIR's consent-category examples); HL7 consent scope «patient-privacy».
PATIENT_CONSENT = coding(LOINC, "59284-0", "Patient Consent")
PRIVACY_SCOPE = coding(CONSENT_SCOPE, "patient-privacy", "Privacy Consent")
OPT_IN = coding(ACT_CODE, "OPTIN", "opt-in")
INFORMATION_RECIPIENT = coding(PARTICIPATION_TYPE, "IRCP", "information recipient")
