"""What passes its retention period in the next month, in the API: ``retention/expiring/?kommune=<id>``.

A thin adapter over ``retention.engine`` with the same rule as the leader's page (``retention.views``): a leader, for
one of their municipalities (``kommune``; default: the first by name). Each result is an ended case with the kinds
of its data that pass their period within 30 days, or have passed it and go at the next run, with the day each goes
and its state (``held``: a legal hold keeps it; ``other_case``: the person has another open case). No names: the
case's and the person's ids only; the persons listed go in their access logs (once a day, as a list).

* ``kommune``: not a number: 400; not one of the leader's municipalities: 404.
* Anyone but a leader: 403.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated

from koordinator import access
from koordinator.api.viewsets import ERRORS
from koordinator.api.viewsets.base import AUTHENTICATION
from koordinator.models import AccessEvent, FollowUp, Municipality
from koordinator.toolkit.ids import clean_id
from retention import engine

LISTED = gettext_lazy("Saken din i lederens liste over det som snart slettes etter oppbevaringstiden (liste)")
STATES = [engine.DUE, engine.WAITING, engine.HELD, engine.OTHER_CASE, engine.OPEN_DOOR]


class ItemSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=gettext_lazy("Hva slags opplysninger, for eksempel «plan»."))
    label = serializers.CharField()
    scope = serializers.ChoiceField(choices=["case", "person"],
                                    help_text=gettext_lazy("«case»: saken; «person»: personens egne opplysninger."))
    due_on = serializers.DateField(help_text=gettext_lazy("Første dag opplysningene kan slettes."))
    state = serializers.ChoiceField(
        choices=STATES,
        help_text=gettext_lazy("«due»: slettes ved neste kjøring; «waiting»: dagen er ikke kommet; «held»: "
                               "slettestopp; «other_case»: personen har en annen åpen sak; «open_door»: døren står "
                               "åpen."),
    )


class ExpiringCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=gettext_lazy("Saksnummeret."))
    service_user = serializers.IntegerField(help_text=gettext_lazy("Personens id."))
    ended_on = serializers.DateField()
    open_door_until = serializers.DateField(allow_null=True)
    held = serializers.BooleanField(help_text=gettext_lazy("Om saken eller personen har slettestopp."))
    items = ItemSerializer(many=True)


def as_data(row: engine.Row) -> dict:
    case = row.case
    return {
        "id": case.pk,
        "service_user": case.service_user_id,
        "ended_on": case.ended_on,
        "open_door_until": case.open_door_until,
        "held": row.held,
        "items": [{"kind": item.kind.key, "label": str(item.kind.label),
                   "scope": "case" if item.follow_up_id is not None else "person",
                   "due_on": item.due_on, "state": item.state} for item in row.items],
    }


class ExpiringView(GenericAPIView):
    """The municipality's ended cases whose data passes its retention period within 30 days."""

    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated]
    serializer_class = ExpiringCaseSerializer
    queryset = FollowUp.objects.none()  # for the schema; the cases are read through the gate in ``get``

    def municipality(self) -> Municipality:
        ids = access.actor_for(self.request.user).leader_municipality_ids
        if not ids:
            raise exceptions.PermissionDenied(_("Bare ledere kan se hva som snart slettes."))
        raw = self.request.query_params.get("kommune", "").strip()
        municipalities = Municipality.objects.filter(pk__in=sorted(ids)).order_by("name", "pk")
        if not raw:
            return municipalities.first()
        pk = clean_id(raw, Municipality)
        if pk is None:
            raise exceptions.ValidationError({"kommune": [_("Skriv id-en til kommunen (et tall).")]})
        chosen = municipalities.filter(pk=pk).first()
        if chosen is None:
            raise exceptions.NotFound(_("Kommunen finnes ikke, eller er ikke en av dine."))
        return chosen

    @extend_schema(
        operation_id="retention_expiring_list",
        parameters=[
            OpenApiParameter("kommune", OpenApiTypes.INT, OpenApiParameter.QUERY, required=False,
                             description=gettext_lazy("Id-en til en av lederens kommuner. Uten: den første.")),
        ],
        responses={
            200: ExpiringCaseSerializer(many=True),
            400: ERRORS[400],
            401: ERRORS[401],
            403: OpenApiResponse(ERRORS[403].response, description=gettext_lazy("Bare for ledere.")),
            404: OpenApiResponse(ERRORS[404].response,
                                 description=gettext_lazy("Kommunen finnes ikke, eller er ikke en av dine.")),
        },
        description=gettext_lazy(
            "Avsluttede saker i kommunen der noe slettes de neste 30 dagene (eller ved neste kjøring), med hva, "
            "når og om det har slettestopp. Uten navn."
        ),
    )
    def get(self, request):
        municipality = self.municipality()
        today = timezone.localdate()
        cases = FollowUp.objects.for_user(request.user).filter(municipality=municipality)
        page = self.paginate_queryset(engine.expiring_cases(cases, today))
        rows = engine.rows_for(list(page), today)
        access.record_access(request.user, [row.case.service_user_id for row in rows], LISTED,
                             AccessEvent.Channel.API, listing=True)
        return self.get_paginated_response(ExpiringCaseSerializer([as_data(row) for row in rows], many=True).data)
