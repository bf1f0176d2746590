"""What every viewset here and in the apps builds on: the authentication (token first), the error responses
for the schema (``ERRORS``, ``read_responses``, ``write_responses``) and ``GatedViewSet``, the base of every
personal-data endpoint (the view gate on every queryset, the change gate on writes, the access log on reads).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from koordinator import access
from koordinator.api import permissions
from koordinator.api import serializers as s
from koordinator.api.pagination import PageNumbers
from koordinator.models import AccessEvent

# Token first: an anonymous caller gets 401 with ``WWW-Authenticate: Token`` (never a redirect to a page).
AUTHENTICATION = [TokenAuthentication, SessionAuthentication]

ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description=_("Ugyldig innhold; feilmeldinger per felt.")),
    401: OpenApiResponse(s.ErrorSerializer, description=_("Ikke logget inn.")),
    403: OpenApiResponse(s.ErrorSerializer, description=_("Du kan se dette, men ikke endre det.")),
    404: OpenApiResponse(s.ErrorSerializer, description=_("Finnes ikke, eller du har ikke tilgang.")),
}


def write_responses(serializer, code: int = 200) -> dict:
    return {code: serializer, **ERRORS}


def read_responses(serializer) -> dict:
    return {200: serializer, 401: ERRORS[401], 404: ERRORS[404]}


class GatedViewSet(viewsets.GenericViewSet):
    """Base for every personal-data endpoint.

    Subclasses set ``model``, ``owner_attr`` (the attribute holding the service user's id, for the access
    log) and ``access_what`` (how a read is described in the owner's access log).
    """

    model: type = None
    owner_attr: str = "service_user_id"
    access_what = ""
    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated, permissions.MayCreate, permissions.ChangeGate]
    # DRF's page numbers; the first page, when everything fits on it, without the count query.
    pagination_class = PageNumbers
    # Only integers reach the lookup (the router uses path converters): "abc" is a 404, never a ValueError.
    lookup_value_converter = "int"
    # Nothing is lost (DESIGN.md rule 4): no DELETE, anywhere.
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return self.optimise(self.model.objects.for_user(self.request.user, access.VIEW))

    def optimise(self, qs: QuerySet) -> QuerySet:
        return qs

    def reload(self, pk: int):
        """The object as the caller now sees it (after a write the service has checked it is still visible)."""
        return self.get_queryset().get(pk=pk)

    # --- the access log -------------------------------------------------------------------------------------

    def record(self, objects, what, listing: bool = False) -> None:
        ids = [getattr(obj, self.owner_attr) for obj in objects]
        # ``what`` stays lazy: the access log is written in one language, not the caller's.
        access.record_access(self.request.user, ids, what, AccessEvent.Channel.API, listing=listing)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        objects = page if page is not None else list(queryset)
        # One event per service user on the page, once a day per list (``access.record_access``), in one go.
        self.record(objects, lambda: _("%(what)s (liste)") % {"what": self.access_what}, listing=True)
        data = self.get_serializer(objects, many=True, context=self.context_for(objects)).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        self.record([obj], self.access_what)
        return Response(self.get_serializer(obj, context=self.context_for([obj])).data)

    def context_for(self, objects) -> dict:
        """The serializer's context for these objects (a viewset adds what it asks the gate about them at once)."""
        return self.get_serializer_context()
