"""``Patient/{id}/$everything``: every resource about one person that the reader may see, as one Bundle.

«Last ned alt om meg» (exchange.archive) puts the same bundle in the user's archive (``bundle_type="collection"``).
"""

from __future__ import annotations

from django.http import Http404

from koordinator import access
from koordinator.models import AccessEvent, ServiceUser


def everything_bundle(user, service_user, *, bundle_type: str = "searchset") -> dict:
    """The JSON-ready Bundle of everything about ``service_user`` that ``user`` may see (a 404 outside the gate).

    The read is written to the owner's access log as the API's reads are (one event, not one per resource).
    """
    pk = service_user.pk if hasattr(service_user, "pk") else service_user
    person = ServiceUser.objects.for_user(user, access.VIEW).filter(pk=pk).first()
    if person is None:
        raise Http404
    access.record_access(user, [person], "FHIR: Patient/$everything", AccessEvent.Channel.API)
    patient = {
        "resourceType": "Patient",
        "id": str(person.pk),
        "name": [{"family": person.last_name, "given": [person.first_name], "text": person.full_name}],
    }
    return {
        "resourceType": "Bundle",
        "type": bundle_type,
        "total": 1,
        "entry": [{"fullUrl": f"Patient/{person.pk}", "resource": patient, "search": {"mode": "match"}}],
    }
