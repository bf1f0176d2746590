"""The API side of living documents: ETag / If-Match and 412 on a stale write (DESIGN.md, API conventions).

A viewset for a living document (or for content inside one, such as a plan's goals) subclasses
:class:`LivingDocumentViewSet` and sets ``document_model``, ``conflict_class``, ``etag`` (from
:func:`etag_pattern`) and ``etag_example``, and implements :meth:`~LivingDocumentViewSet.conflict_document`.
A write then runs as::

    version = self.requested_version(data, document.pk)          # ``version`` in the body, or If-Match
    self.checked_write(document.pk, version, submitted, current_values(obj, submitted), write)

``checked_write`` locks the document's row, checks the version with :func:`koordinator.toolkit.check_version`
and runs the service; a stale version is answered with 412, the current version, both values and the
document as it is now. The service itself may also be given the version (the minutes' are): the check is
the same function either way.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from operator import attrgetter

from django.db import models, transaction
from rest_framework import status
from rest_framework.response import Response

from koordinator import access
from koordinator.api.viewsets import GatedViewSet, write_responses
from koordinator.models import AccessEvent
from koordinator.toolkit.living import VersionConflict, check_version
from koordinator.toolkit.services import ServiceError


def etag_pattern(prefix: str) -> re.Pattern:
    """The ETag of a living document: ``"<prefix>-<id>-v<version>"`` (weak or strong)."""
    return re.compile(rf'^(?:W/)?"{re.escape(prefix)}-(\d+)-v(\d+)"$')


def with_conflict(serializer, code: int, conflict) -> dict:
    """The schema's responses of a write to a living document: the usual ones, and 412 with ``conflict``'s body."""
    return {**write_responses(serializer, code), 412: conflict}


def jsonable(value):
    """A value as a client can read it: dates as ISO strings, related objects as their id, mappings (such as the
    minutes' notes per agenda point) and lists item by item."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def body_fields(data: dict, exclude=("version",)) -> dict:
    """The submitted fields of a write, without the version it was based on."""
    return {k: v for k, v in data.items() if k not in exclude}


def _stored_values(obj, names) -> dict:
    """The stored values of ``names`` on ``obj``: only its own fields (the names may come from a request body).
    Names that are not one (``how``, ``history_id``, a list of related rows such as a crisis plan's ``contacts``)
    are left out: the caller says those itself."""
    fields = {field.name for field in obj._meta.concrete_fields}
    return {name: getattr(obj, name) for name in names if name in fields}


def current_values(obj, names) -> Callable[[], dict]:
    """A reader of the stored values of ``names`` on ``obj`` (read fresh, when a conflict needs them)."""

    def read() -> dict:
        return _stored_values(type(obj)._default_manager.get(pk=obj.pk), names)

    return read


class LivingDocumentViewSet(GatedViewSet):
    """Base for the resources of a living document: the access log through ``owner_path``, versions, and
    conflicts as 412."""

    # The dotted path from an object of this resource to its owner's service user id.
    owner_path = ""
    # Living documents and their content are changed with PATCH and archived with an action; never PUT or DELETE.
    http_method_names = ["get", "post", "patch", "head", "options"]
    # The versioned document the writes are checked against, its ETag and the error a stale write raises.
    document_model: type[models.Model]
    etag: re.Pattern
    etag_example = ""
    conflict_class: type[VersionConflict] = VersionConflict
    # The 400 for an If-Match that is not this document's ETag (``%(example)s`` is ``etag_example``).
    if_match_message = ""

    def record(self, objects, what, listing: bool = False) -> None:
        """The owners' access log: ``objects`` were read through the API by this request's user."""
        owner = attrgetter(self.owner_path)
        access.record_access(self.request.user, [owner(o) for o in objects], what, AccessEvent.Channel.API,
                             listing=listing)

    # --- versions -------------------------------------------------------------------------------------------

    def requested_version(self, data: dict, document_id: int) -> int | None:
        """The version the caller started from: ``version`` in the body, else the ETag in If-Match."""
        if data.get("version") is not None:
            return data["version"]
        header = self.request.headers.get("If-Match", "").strip()
        if not header or header == "*":
            return None
        for tag in header.split(","):
            match = self.etag.match(tag.strip())
            if match and int(match[1]) == document_id:
                return int(match[2])
        example = self.etag_example % {"id": document_id}
        raise ServiceError(str(self.if_match_message) % {"example": example}, "version")

    def checked_write(self, document_id: int, version: int | None, submitted: dict, current: Callable[[], dict],
                      write: Callable[[], object]):
        """Run ``write`` with the document locked, after checking it is still at ``version`` (when one was given)."""
        with transaction.atomic():
            if version is not None:
                document = self.document_model.objects.select_for_update(of=("self",)).get(pk=document_id)
                check_version(document, version, submitted, current(), conflict=self.conflict_class)
            return write()

    def paginated(self, items, serializer_class) -> Response:
        """A list an action computed (the document's history), paginated like every other list (``?page=``)."""
        page = self.paginate_queryset(items)
        return self.get_paginated_response(serializer_class(page, many=True).data)

    def validated_body(self) -> dict:
        """The request body, checked by the action's serializer (a 400 with field errors otherwise)."""
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def handle_exception(self, exc):
        if isinstance(exc, self.conflict_class):
            return self.conflict_response(exc)
        return super().handle_exception(exc)

    def conflict_response(self, exc: VersionConflict) -> Response:
        """412 with both texts and the document as it is now (:meth:`conflict_document`).

        «Det du skrev er tatt vare på»: ``submitted`` is everything the request sent (but the version), whatever the
        check that refused it was given (a service checks with what it has cleaned, which wins where it has it), and
        ``current`` is what is stored now for the same names, where the document has them."""
        key, document = self.conflict_document(exc.document.pk)
        submitted = {**body_fields(self.sent()), **exc.submitted}
        stored = {k: v for k, v in _stored_values(exc.document, submitted).items() if k not in exc.current}
        data = {
            "detail": str(exc.message),
            "errors": {"version": [str(exc.message)]},
            "current_version": document["version"],
            "based_on_version": exc.based_on_version,
            "changed_by": exc.changed_by,
            "submitted": {k: jsonable(v) for k, v in submitted.items()},
            "current": {k: jsonable(v) for k, v in {**stored, **exc.current}.items()},
            key: document,
        }
        return Response(data, status=status.HTTP_412_PRECONDITION_FAILED, headers={"ETag": document["etag"]})

    def conflict_document(self, pk: int) -> tuple[str, dict]:
        """The key and the serialized current document for a 412 body."""
        raise NotImplementedError

    def sent(self) -> dict:
        """The request body as the caller sent it (a form's repeated fields as lists)."""
        data = self.request.data
        if hasattr(data, "lists"):
            return {k: v[0] if len(v) == 1 else v for k, v in data.lists()}
        return dict(data) if isinstance(data, dict) else {}
