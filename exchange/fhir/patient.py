"""``Patient``: the person, minimally: name, birth date and the national identity number, each only to whom may see it.

* The name: everyone the gate shows the person to (a partner with any consent in force included).
* The birth date: those who see the person's contact details (``access.sees_contact_details``: the staff, the owner,
  a partner whose consent covers the follow-up).
* The fødselsnummer or D-number: the owner, and those who may change the person (the staff, as the person page's
  «Vis hele fødselsnummeret»); each staff read of it is an access event «Fødselsnummer», as
  ``koordinator.signin.national_id.reveal`` writes it. Partners never get it.
"""

from __future__ import annotations

from django.db.models import F

from exchange.fhir import codes
from exchange.fhir.common import day, drop_empty, latest_history, meta, since_epoch
from koordinator import access
from koordinator.models import ServiceUser
from koordinator.toolkit.national_id import compact


def queryset(user):
    return ServiceUser.objects.for_user(user, access.VIEW).annotate(
        fhir_updated=since_epoch(latest_history(ServiceUser)), fhir_patient=F("pk")
    )


def identifier(number: str) -> dict:
    number = compact(number)
    # A D-number's first digit is the day plus 4 (4–7); a fødselsnummer's is 0–3.
    system = codes.DNR_SYSTEM if number[:1] in "4567" else codes.FNR_SYSTEM
    return {"use": "official", "system": system, "value": number}


def build(reader, rows: list[ServiceUser]) -> list[dict]:
    contact_ids = access.contact_details_ids(reader.user, rows)
    numbered = [person.pk for person in rows if person.national_id]
    may_see_number = set(
        ServiceUser.objects.for_user(reader.user, access.CHANGE).filter(pk__in=numbered).values_list("pk", flat=True)
    ) if numbered else set()
    resources = []
    for person in rows:
        shows_number = person.pk in may_see_number
        if shows_number:
            reader.revealed.add(person.pk)
        resources.append(drop_empty({
            "resourceType": "Patient",
            "id": str(person.pk),
            "meta": meta(person.fhir_updated),
            "identifier": [identifier(person.national_id)] if shows_number else [],
            "active": person.archived_at is None,
            "name": [drop_empty({
                "use": "official",
                "text": person.full_name,
                "family": person.last_name,
                "given": [person.first_name] if person.first_name else [],
            })],
            "birthDate": day(person.birth_date) if person.pk in contact_ids else None,
        }))
    return resources
