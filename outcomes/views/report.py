"""The half-year report for a leader: the page (with server-rendered charts), the PDF and the CSV.

Each asks :func:`outcomes.report.may_read` (a leader; anyone else: 404, as the leader's other pages), reads
``?periode=2026-H2`` (a value it cannot use gives the last completed half-year and says so) and ``?enhet=<id>`` (one
of the leader's follow-up units; empty: the municipality; anything else: 404), and renders what
:func:`outcomes.report.build` returns, suppression done. The report holds no personal data (figures, and the trust
persons' names in the caseload), so producing it is no access event; who produced which report is logged
(``outcomes.report`` logger, user id only).
"""

from __future__ import annotations

import csv
import io
import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from koordinator.toolkit.pages import pdf_response
from outcomes import charts, report
from outcomes.report_pdf import ReportRenderer

logger = logging.getLogger("outcomes.report")


def read_params(request: HttpRequest):
    """(period, notice, scope, scopes) from the query string; 404 for anyone but a leader or a unit not theirs."""
    if not report.may_read(request.user):
        raise Http404
    period, notice = report.parse_period(request.GET.get("periode"))
    scopes = report.scopes_for(request.user)
    scope = report.scope_for(request.user, request.GET.get("enhet"), scopes)
    return period, notice, scope, scopes


def log_produced(user, data: report.Report, how: str) -> None:
    """Who produced which report, and how (no personal data: the user's id, the scope's ids, the period)."""
    unit = data.scope.unit.pk if data.scope.unit is not None else "-"
    logger.info("Half-year report %s as %s for municipality %s unit %s by user %s", data.period.code, how,
                data.scope.municipality.pk, unit, user.pk)


def svg_for(chart: report.Chart | None):
    """The chart as SVG (``outcomes.charts``): shares in one bar, or one bar per row."""
    if chart is None:
        return None
    bars = [charts.Bar(label, value, text) for label, value, text in chart.bars]
    if chart.kind == "shares":
        return charts.share_bar(bars, label=chart.label)
    percent = any(text.endswith("%") for _label, _value, text in chart.bars)
    return charts.bar_chart(bars, label=chart.label, max=100 if percent else None)


def present(data: report.Report) -> list[dict]:
    """Sections → tables with their SVG chart and each row's texts, for the template."""
    sections = []
    for section in data.sections:
        tables = []
        for table in section.tables:
            rows = [{"row": row, "texts": [report.cell_text(cell, column) for column, cell in pairs]}
                    for row, pairs in table.cells_by_column()]
            tables.append({"table": table, "svg": svg_for(table.chart), "rows": rows})
        sections.append({"section": section, "tables": tables})
    return sections


def _query(period: report.HalfYear, scope: report.Scope) -> str:
    params = {"periode": period.code}
    if scope.unit is not None:
        params["enhet"] = scope.unit.pk
    return urlencode(params)


@login_required
@require_safe
def half_year_report(request: HttpRequest) -> HttpResponse:
    period, notice, scope, scopes = read_params(request)
    data = report.build(request.user, scope, period, notice=notice)
    log_produced(request.user, data, "page")
    query = _query(period, scope)
    context = {
        "report": data,
        "sections": present(data),
        "periods": report.period_choices(chosen=period),
        "scopes": scopes,
        "pdf_url": f"{reverse('half_year_report_pdf')}?{query}",
        "csv_url": f"{reverse('half_year_report_csv')}?{query}",
    }
    return render(request, "outcomes/report/page.html", context)


@login_required
@require_safe
def half_year_report_pdf(request: HttpRequest) -> HttpResponse:
    period, notice, scope, _scopes = read_params(request)
    data = report.build(request.user, scope, period, notice=notice)
    log_produced(request.user, data, "pdf")
    response = pdf_response(*ReportRenderer().generate(data))
    response["Content-Disposition"] = response["Content-Disposition"].replace("inline", "attachment")
    return response


def csv_text(data: report.Report) -> str:
    """One line per figure: section; figure; value (UTF-8 with BOM and «;» for Norwegian Excel, decimal comma)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Del"), _("Tall"), _("Verdi")])
    about = _("Om rapporten")
    writer.writerow([about, _("Gjelder"), data.scope.label])
    writer.writerow([about, _("Halvår"), data.period.label])
    writer.writerow([about, _("Tallene gjelder til og med"), data.last_day.strftime("%d.%m.%Y")])
    writer.writerow([about, _("Laget"), data.made_at.strftime("%d.%m.%Y kl. %H.%M")])
    writer.writerow([about, _("Tall under %(n)s personer") % {"n": data.min_persons},
                     _("vises som «under %(n)s»; «skjult»: skjult for at andre tall ikke skal kunne regnes ut")
                     % {"n": data.min_persons}])
    if data.notice:
        writer.writerow([about, _("Merk"), data.notice])
    for section, table, row, column, cell in data.figures():
        figure = f"{table.title}: {row.label}"
        if len(table.columns) > 1 or column.format == report.PERCENT:
            figure += f" ({column.label}{', %' if column.format == report.PERCENT else ''})"
        writer.writerow([section.title, figure, csv_value(cell, column)])
    return out.getvalue()


def csv_value(cell: report.Cell, column: report.Column) -> str:
    """A shown number as Excel reads it in Norwegian (decimal comma, no thousands separator); otherwise the words
    the page shows («under 5», «skjult», «–»)."""
    value = getattr(cell, column.attr) if cell.shown else None
    if value is None:
        return report.cell_text(cell, column)
    if column.format in (report.COUNT, report.PERCENT) and float(value).is_integer():
        return str(int(value))
    decimals = 2 if column.format == report.SIGNED else 1
    return f"{value:.{decimals}f}".replace(".", ",")


@login_required
@require_safe
def half_year_report_csv(request: HttpRequest) -> HttpResponse:
    period, notice, scope, _scopes = read_params(request)
    data = report.build(request.user, scope, period, notice=notice)
    log_produced(request.user, data, "csv")
    response = HttpResponse(("\ufeff" + csv_text(data)).encode("utf-8"), content_type="text/csv; charset=utf-8")
    name = f"halvarsrapport-{period.code}" + (f"-enhet-{scope.unit.pk}" if scope.unit is not None else "")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["Cache-Control"] = "no-store"
    return response
