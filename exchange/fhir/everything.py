"""``Patient/{id}/$everything``: every resource about one person that the reader may see, as one Bundle.

«Last ned alt om meg» (exchange.archive) puts the same bundle in the user's archive (``bundle_type="collection"``).
A fixed number of queries, however long the person's history (tests/exchange/test_fhir_queries.py).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404

from exchange.fhir import access_words
from exchange.fhir.search import ORDER, TYPES, Query, Reader


def what_everything():
    """How the read is named in the owner's access log (a builder: the log is written in one language)."""
    return str(access_words.EVERYTHING)


def default_base() -> str:
    return f"{settings.SITE_URL.rstrip('/')}/fhir"


def everything_resources(reader: Reader, service_user_id: int) -> list[dict]:
    """Every resource about the person ``reader`` may see, the Patient first; a 404 when the gate hides the person."""
    found = TYPES["Patient"].parse_id(str(service_user_id))
    if not found:
        raise Http404
    total, resources = reader.search(Query(TYPES["Patient"], ids={"patient": {found[1]}}), everything=True)
    if not total:
        raise Http404
    for name in ORDER[1:]:
        resources += reader.search(Query(TYPES[name], patients={found[1]}), everything=True)[1]
    return resources


def bundle(resources: list[dict], *, base: str, bundle_type: str = "searchset", total: int | None = None,
           links: list[dict] | None = None) -> dict:
    """A Bundle of ``resources``. A search set says how many matched and that each entry is a match; a collection
    says neither (FHIR allows them only on a search)."""
    found: dict = {"resourceType": "Bundle", "type": bundle_type}
    if bundle_type == "searchset":
        found["total"] = len(resources) if total is None else total
    if links:
        found["link"] = links
    entries = []
    for resource in resources:
        entry = {"fullUrl": f"{base}/{resource['resourceType']}/{resource['id']}", "resource": resource}
        if bundle_type == "searchset":
            entry["search"] = {"mode": "match"}
        entries.append(entry)
    if entries:
        found["entry"] = entries
    return found


def everything_bundle(user, service_user, *, bundle_type: str = "searchset", base: str | None = None) -> dict:
    """The JSON-ready Bundle of everything about ``service_user`` (an object or its id) that ``user`` may see; a 404
    (``Http404``) outside the gate.

    The read is written to the owner's access log as the API's reads are: one event for the request, not one per
    resource (and, for a member of staff shown the identity number, the «Fødselsnummer» event). ``base`` is the FHIR
    base URL for the entries' ``fullUrl`` (``SITE_URL/fhir`` unless given).
    """
    pk = service_user.pk if hasattr(service_user, "pk") else int(service_user)
    reader = Reader(user)
    resources = everything_resources(reader, pk)
    reader.log(what_everything)
    return bundle(resources, base=base or default_base(), bundle_type=bundle_type)
