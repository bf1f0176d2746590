"""What the resource builders share: references, dates and times as FHIR writes them, the ``meta`` element, and the
last-change time of a row as one SQL expression (``_lastUpdated`` filters on it, ``meta.lastUpdated`` shows it)."""

from __future__ import annotations

import datetime

from django.db.models import DateTimeField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def instant(moment: datetime.datetime | None) -> str | None:
    """An aware time as FHIR's ``instant``/``dateTime``, in Oslo time with its offset."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def meta(updated: datetime.datetime | None) -> dict:
    """``meta.lastUpdated``; none when the row has no recorded change (rows written in bulk, without history)."""
    return {"lastUpdated": instant(updated)} if updated and updated > EPOCH else {}


def patient_ref(service_user_id: int, display: str = "") -> dict:
    ref = {"reference": f"Patient/{service_user_id}"}
    if display:
        ref["display"] = display
    return ref


def named(display: str, kind: str) -> dict:
    """A reference by name only (``kind``: Practitioner, Organization …): people and services this API does not serve
    as resources of their own."""
    return {"type": kind, "display": str(display)}


def period(start=None, end=None) -> dict | None:
    found = {key: day(value) for key, value in (("start", start), ("end", end)) if value}
    return found or None


def drop_empty(resource: dict) -> dict:
    """FHIR allows no empty strings, lists or objects: leave such elements out."""
    return {key: value for key, value in resource.items() if value not in (None, "", [], {})}


def latest_history(model, outer: str = "pk", **lookup) -> Subquery:
    """The time of the newest history row of ``model`` for the outer row (``lookup`` narrows it another way)."""
    rows = model.history.model.objects.filter(**(lookup or {"id": OuterRef(outer)}))
    return Subquery(rows.order_by("-history_date").values("history_date")[:1], output_field=DateTimeField())


def since_epoch(expression) -> Coalesce:
    return Coalesce(expression, Value(EPOCH, output_field=DateTimeField()), output_field=DateTimeField())


def latest_of(*expressions) -> Greatest:
    return Greatest(*(since_epoch(e) for e in expressions), output_field=DateTimeField())
