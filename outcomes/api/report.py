"""The half-year report's figures in the API: ``reports/half-year/?periode=2026-H1&enhet=<id>`` (aggregates only).

A thin adapter over ``outcomes.report.build``: the same access rule as the page (a leader, for their municipality or
one of its follow-up units), the same figures and the same suppression (a figure describing fewer than
``REPORT_MIN_PERSONS`` persons has ``"value": null`` and ``"status": "under_threshold"``, text «under 5»; one hidden so
that another cannot be computed back has ``"status": "hidden"``, text «skjult»). Nothing names a user.

* ``periode``: ``YYYY-H1`` or ``YYYY-H2`` (default: the last completed half-year); a half-year after the current one
  or not of that form: 400 on ``periode``.
* ``enhet``: the id of one of the leader's follow-up units (empty: the municipality); not a number: 400; not one of
  the leader's units: 404.
* Anyone but a leader: 403.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from koordinator.api.serializers import NamedSerializer
from koordinator.api.viewsets import ERRORS
from koordinator.api.viewsets.base import AUTHENTICATION
from outcomes import report
from outcomes.views.report import log_produced


class PeriodSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=gettext_lazy("Halvåret, for eksempel «2026-H1»."))
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    last_day = serializers.DateField(help_text=gettext_lazy("Siste dag tallene gjelder: slutten av halvåret, eller i "
                                                            "dag for inneværende halvår."))
    complete = serializers.BooleanField(help_text=gettext_lazy("Om halvåret er over."))


class ScopeSerializer(serializers.Serializer):
    label = serializers.CharField()
    municipality = NamedSerializer()
    unit = NamedSerializer(allow_null=True, help_text=gettext_lazy("Enheten, eller null for hele kommunen."))


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    format = serializers.ChoiceField(choices=[report.COUNT, report.PERCENT, report.RATE, report.SIGNED,
                                              report.DECIMAL])


class CellSerializer(serializers.Serializer):
    column = serializers.CharField(help_text=gettext_lazy("Kolonnens nøkkel."))
    status = serializers.ChoiceField(
        choices=[report.SHOWN, report.SMALL, report.HIDDEN, report.NONE],
        help_text=gettext_lazy("«shown»: tallet vises; «under_threshold»: gjelder færre enn minstegrensen av "
                               "personer («under 5»); «hidden»: skjult så et annet tall ikke kan regnes ut; "
                               "«not_available»: ingenting å vise."),
    )
    value = serializers.FloatField(allow_null=True, help_text=gettext_lazy("Tallet, eller null når det ikke vises."))
    text = serializers.CharField(help_text=gettext_lazy("Slik tallet vises på siden («12», «40 %», «under 5»)."))


class RowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    level = serializers.IntegerField(help_text=gettext_lazy("0, eller 1 og 2 for en del av raden over."))
    note = serializers.CharField(allow_blank=True)
    cells = CellSerializer(many=True)


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    caption = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    columns = ColumnSerializer(many=True)
    rows = RowSerializer(many=True)


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    notes = serializers.ListField(child=serializers.CharField())
    tables = TableSerializer(many=True)


class HalfYearReportSerializer(serializers.Serializer):
    period = PeriodSerializer()
    scope = ScopeSerializer()
    made_at = serializers.DateTimeField()
    min_persons = serializers.IntegerField(help_text=gettext_lazy("Tall som gjelder færre personer enn dette, vises "
                                                                  "ikke."))
    has_data = serializers.BooleanField(help_text=gettext_lazy("Om det var noen saker i halvåret."))
    sections = SectionSerializer(many=True)


def _rounded(value):
    return round(value, 2) if isinstance(value, float) else value


def as_data(data: report.Report) -> dict:
    """The report as plain data for the serializer: a figure that is not shown has no value."""
    scope = data.scope
    sections = []
    for section in data.sections:
        tables = []
        for table in section.tables:
            rows = [{
                "key": row.key, "label": row.label, "level": row.level, "note": row.note,
                "cells": [{"column": column.key, "status": cell.status,
                           "value": _rounded(getattr(cell, column.attr)) if cell.shown else None,
                           "text": report.cell_text(cell, column)} for column, cell in pairs],
            } for row, pairs in table.cells_by_column()]
            tables.append({"key": table.key, "title": table.title, "caption": table.caption, "note": table.note,
                           "columns": [{"key": c.key, "label": str(c.label), "format": c.format}
                                       for c in table.columns],
                           "rows": rows})
        sections.append({"key": section.key, "title": section.title, "notes": list(section.notes),
                         "tables": tables})
    return {
        "period": {"code": data.period.code, "label": data.period.label, "start": data.period.start,
                   "end": data.period.end, "last_day": data.last_day, "complete": data.complete},
        "scope": {"label": scope.label, "municipality": {"id": scope.municipality.pk, "name": scope.municipality.name},
                  "unit": {"id": scope.unit.pk, "name": scope.unit.name} if scope.unit is not None else None},
        "made_at": data.made_at,
        "min_persons": data.min_persons,
        "has_data": data.has_data,
        "sections": sections,
    }


class HalfYearReportView(APIView):
    """The half-year report (OUTCOMES.md's indicators) for a leader's municipality or one of its follow-up units."""

    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="reports_half_year_retrieve",
        parameters=[
            OpenApiParameter("periode", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
                             description=gettext_lazy("Halvåret: «ÅÅÅÅ-H1» (januar–juni) eller «ÅÅÅÅ-H2» "
                                                      "(juli–desember). Uten: det siste hele halvåret."),
                             pattern=r"^\d{4}-[Hh][12]$"),
            OpenApiParameter("enhet", OpenApiTypes.INT, OpenApiParameter.QUERY, required=False,
                             description=gettext_lazy("Id-en til en av lederens oppfølgingsenheter. Uten: hele "
                                                      "kommunen.")),
        ],
        responses={
            200: HalfYearReportSerializer,
            400: ERRORS[400],
            401: ERRORS[401],
            403: OpenApiResponse(ERRORS[403].response, description=gettext_lazy("Bare for ledere.")),
            404: OpenApiResponse(ERRORS[404].response,
                                 description=gettext_lazy("Enheten finnes ikke, eller er ikke en av dine.")),
        },
        description=gettext_lazy(
            "Halvårsrapportens tall (bare summer): saker, henvisninger, avslutninger, saksmengde, individuell plan "
            "og ansvarsgruppe, kontakt, møter, tiltak og livskvalitet. Tall som gjelder færre enn fem personer, "
            "har verdien null."
        ),
    )
    def get(self, request):
        if not report.may_read(request.user):
            raise exceptions.PermissionDenied(_("Bare ledere kan hente halvårsrapporten."))
        raw_period = request.query_params.get("periode", "")
        period, notice = report.parse_period(raw_period)
        if notice:
            raise exceptions.ValidationError({"periode": [
                _("Skriv halvåret som for eksempel %(example)s: et halvår fra %(first)s til og med det som er nå.")
                % {"example": report.default_period().code, "first": report.FIRST_YEAR}
            ]})
        unit = request.query_params.get("enhet", "").strip()
        if unit and not unit.isdigit():
            raise exceptions.ValidationError({"enhet": [_("Skriv id-en til enheten (et tall).")]})
        try:
            scope = report.scope_for(request.user, unit)
        except Http404:
            raise exceptions.NotFound(_("Enheten finnes ikke, eller er ikke en av dine.")) from None
        data = report.build(request.user, scope, period)
        log_produced(request.user, data, "api")
        return Response(HalfYearReportSerializer(as_data(data)).data)
