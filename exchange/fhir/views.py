"""The FHIR R4 read API's views: read, search, ``Patient/{id}/$everything``, ``metadata``, and an OperationOutcome for
anything else under /fhir/.

The same authentication as /api/v1/ (a token, or the session), the same gate, the same access log. Answers are
``application/fhir+json``; only JSON is offered (``_format=json``, ``application/fhir+json`` or ``json``). Every
error is an ``OperationOutcome``: 400 for a bad request (an unknown type, search parameter or id of the wrong form, a
bad ``_lastUpdated``), 401 not logged in, 404 for what does not exist or is outside the caller's gate (the same
answer), 405 for anything but GET, 406 for another format. Never a 500 for bad input.
"""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from exchange.fhir import access_words, codes
from exchange.fhir.capability import capability_statement
from exchange.fhir.everything import bundle, everything_resources, what_everything
from exchange.fhir.outcome import NOT_FOUND, NOT_LOGGED_IN, ONLY_GET, ONLY_JSON, FhirError, not_found, outcome
from exchange.fhir.search import Query, Reader, page_links, resource_type
from koordinator.api.viewsets.base import AUTHENTICATION

JSON_FORMATS = {"json", "application/json", "application/fhir+json", "application/json+fhir"}
JSON_TYPES = ("application/fhir+json", "application/json", "application/json+fhir", "application/*", "*/*")


def fhir_response(data: dict, status: int = 200, headers: dict | None = None) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), status=status, content_type=f"{codes.CONTENT_TYPE}; charset=utf-8"
    )
    for key, value in (headers or {}).items():
        response[key] = value
    return response


@extend_schema(exclude=True)  # FHIR has its own contract (metadata); it is not part of /api/v1/'s schema
class FhirView(APIView):
    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "head"]

    def perform_content_negotiation(self, request, force=False):
        # FHIR's formats are checked in ``check_format``; DRF's renderers are not used for the answers.
        return JSONRenderer(), "application/json"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.check_format(request)

    def check_format(self, request) -> None:
        wanted = request.query_params.get("_format")
        if wanted is not None and wanted.strip().lower() not in JSON_FORMATS:
            raise FhirError(406, ONLY_JSON, code="not-supported", where="_format")
        accept = request.headers.get("Accept", "")
        if wanted is None and accept.strip():
            types = [part.split(";")[0].strip().lower() for part in accept.split(",")]
            if not any(t in JSON_TYPES or t.endswith("+json") for t in types):
                raise FhirError(406, ONLY_JSON, code="not-supported")

    def handle_exception(self, exc):
        headers = {}
        if isinstance(exc, FhirError):
            return fhir_response(outcome(exc.message, code=exc.code, where=exc.where), exc.status)
        if isinstance(exc, Http404 | exceptions.NotFound):
            return fhir_response(outcome(NOT_FOUND, code="not-found"), 404)
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            header = self.get_authenticate_header(self.request)
            if header:
                headers["WWW-Authenticate"] = header
                message = NOT_LOGGED_IN if isinstance(exc, exceptions.NotAuthenticated) else exc.detail
                return fhir_response(outcome(message, code="login"), 401, headers)
            return fhir_response(outcome(exc.detail, code="forbidden"), 403)
        if isinstance(exc, exceptions.MethodNotAllowed):
            headers["Allow"] = "GET, HEAD"
            return fhir_response(outcome(ONLY_GET, code="not-supported"), 405, headers)
        if isinstance(exc, exceptions.PermissionDenied):
            return fhir_response(outcome(exc.detail, code="forbidden"), 403)
        if isinstance(exc, exceptions.APIException):
            return fhir_response(outcome(exc.detail, code="processing"), exc.status_code)
        raise exc

    def base(self) -> str:
        return self.request.build_absolute_uri("/fhir").rstrip("/")


class MetadataView(FhirView):
    """The CapabilityStatement: public, as every FHIR server's is (it names no one)."""

    permission_classes = [AllowAny]

    def get(self, request):
        if request.query_params.keys() - {"_format", "mode"}:
            name = next(iter(sorted(request.query_params.keys() - {"_format", "mode"})))
            raise FhirError(400, _("Ukjent parameter: «%(name)s».") % {"name": name[:70]}, code="not-supported",
                            where=name[:70])
        return fhir_response(capability_statement(self.base()))


class SearchView(FhirView):
    """``GET /fhir/{Type}?patient=…&_lastUpdated=…&_count=…``: a searchset Bundle of what the gate shows."""

    def get(self, request, resource: str):
        resource_type_ = resource_type(resource)
        query = Query.parse(resource_type_, request.query_params)
        reader = Reader(request.user)
        total, resources = reader.search(query)
        reader.log(access_words.SEARCHED[resource_type_.name])
        links = page_links(request.build_absolute_uri(), request.query_params, query, total)
        return fhir_response(bundle(resources, base=self.base(), total=total, links=links))


class ReadView(FhirView):
    """``GET /fhir/{Type}/{id}``: one resource, or 404."""

    def get(self, request, resource: str, id: str):
        resource_type_ = resource_type(resource)
        found = resource_type_.parse_id(id)
        if request.query_params.keys() - {"_format"}:
            name = next(iter(sorted(request.query_params.keys() - {"_format"})))
            raise FhirError(400, _("Ukjent parameter: «%(name)s».") % {"name": name[:70]}, code="not-supported",
                            where=name[:70])
        if not found:
            raise not_found("id")
        reader = Reader(request.user)
        _total, resources = reader.search(Query(resource_type_, ids={found[0].name: {found[1]}}, count=1))
        if not resources:
            raise not_found("id")
        reader.log(access_words.READ[found[0].name])
        return fhir_response(resources[0])


class EverythingView(FhirView):
    """``GET /fhir/Patient/{id}/$everything``: everything about the person the caller may see, or 404."""

    def get(self, request, id: str):
        if request.query_params.keys() - {"_format"}:
            name = next(iter(sorted(request.query_params.keys() - {"_format"})))
            raise FhirError(400, _("Ukjent parameter for $everything: «%(name)s».") % {"name": name[:70]},
                            code="not-supported", where=name[:70])
        found = resource_type("Patient").parse_id(id)
        if not found:
            raise not_found("id")
        reader = Reader(request.user)
        resources = everything_resources(reader, found[1])
        reader.log(what_everything)
        return fhir_response(bundle(resources, base=self.base(), links=[
            {"relation": "self", "url": request.build_absolute_uri()}
        ]))


class NotFoundView(FhirView):
    """Any other path under /fhir/: an OperationOutcome, not the site's page."""

    def get(self, request, rest: str = ""):
        raise FhirError(404, _("Ukjent adresse i FHIR-API-et. Se /fhir/metadata for hva som kan leses."),
                        code="not-found")
