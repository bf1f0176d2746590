"""The half-year report as a PDF (reportlab, like ``plans/pdf.py`` and ``meetings/pdf.py``).

What the page shows, in the same order: every table with its caption and note, and the same charts drawn with
reportlab's graphics (a bar per row, or the shares of a whole in one bar with a legend), in black and greys so they
print. A4, «Side N av M», and the report's scope, half-year and date in the footer of every page. It renders the
:class:`outcomes.report.Report` it is given, suppression done (a figure not shown has no number to draw), and runs no
query.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from koordinator.pdf import FONT, FONT_BOLD, numbered_canvas, styles, text
from outcomes import report

MARGIN = 20 * mm
WIDTH = A4[0] - 2 * MARGIN
ROOM_FOR_TABLE = 40 * mm
PADDING = 6 + 1  # reportlab's default left and right padding of a table cell, and a point to spare

BAR = colors.HexColor("#1f3a5f")
TRACK = colors.HexColor("#e6e9ee")
EDGE = colors.HexColor("#8a94a3")
PARTS = (colors.HexColor("#1f3a5f"), colors.HexColor("#8a94a3"), colors.HexColor("#d0d5dc"),
         colors.HexColor("#4b5563"), colors.HexColor("#b8c0cc"))


def bar_drawing(chart: report.Chart, width: float = WIDTH * 0.8) -> Drawing:
    """One bar per row («label: text» above a bar on a track), or for «shares» the parts of a whole in one bar
    with a legend line per part. A bar whose value is ``None`` (not shown) is an empty track."""
    size = 8
    if chart.kind == "shares":
        bar_h, line = 10, size + 5
        height = bar_h + 6 + len(chart.bars) * line + size + 4
        d = Drawing(width, height)
        top = height - size - 2
        d.add(String(0, top, chart.label, fontName=FONT_BOLD, fontSize=size))
        y = top - bar_h - 4
        total = sum(v for _l, v, _t in chart.bars if v) or 1
        x = 0.0
        d.add(Rect(0, y, width, bar_h, fillColor=TRACK, strokeColor=EDGE, strokeWidth=0.3))
        for i, (_label, value, _text) in enumerate(chart.bars):
            if value:
                length = width * value / total
                d.add(Rect(x, y, length, bar_h, fillColor=PARTS[i % len(PARTS)], strokeColor=colors.white,
                           strokeWidth=0.5))
                x += length
        for i, (label, _value, shown) in enumerate(chart.bars):
            ly = y - 6 - (i + 1) * line + 4
            d.add(Rect(0, ly, size, size, fillColor=PARTS[i % len(PARTS)], strokeColor=EDGE, strokeWidth=0.3))
            d.add(String(size + 4, ly + 1, f"{label}: {shown}", fontName=FONT, fontSize=size))
        return d
    row_h, bar_h = size + 12, 7
    height = size + 4 + len(chart.bars) * row_h
    d = Drawing(width, height)
    d.add(String(0, height - size, chart.label, fontName=FONT_BOLD, fontSize=size))
    values = [v for _l, v, _t in chart.bars if v is not None]
    largest = 100.0 if any(t.endswith("%") for _l, _v, t in chart.bars) else max(values or [1]) or 1
    for i, (label, value, shown) in enumerate(chart.bars):
        top = height - size - 4 - i * row_h
        d.add(String(0, top - size, f"{label}: {shown}", fontName=FONT, fontSize=size))
        y = top - size - 2 - bar_h
        d.add(Rect(0, y, width, bar_h, fillColor=TRACK, strokeColor=EDGE, strokeWidth=0.3))
        if value is not None and value > 0:
            d.add(Rect(0, y, width * min(value, largest) / largest, bar_h, fillColor=BAR, strokeWidth=0))
    return d


class ReportRenderer:
    """Renders a :class:`report.Report` as ``(filename, mimetype, bytes)``."""

    def __init__(self):
        self.s = styles()
        body = self.s["body"]
        self.s["h3"] = ParagraphStyle("h3", parent=body, fontName=FONT_BOLD, spaceBefore=body.fontSize * 0.8)
        self.s["cell"] = ParagraphStyle("cell", parent=body, fontSize=8, leading=10)
        self.s["head"] = ParagraphStyle("head", parent=self.s["cell"], fontName=FONT_BOLD)
        self.s["num"] = ParagraphStyle("num", parent=self.s["cell"], alignment=2)
        self.s["numhead"] = ParagraphStyle("numhead", parent=self.s["head"], alignment=2)

    def p(self, value, style: str = "body") -> Paragraph:
        return Paragraph(text(value), self.s[style])

    def widths(self, table: report.Table) -> tuple[list[float], ParagraphStyle]:
        """The first column half the width (a third with more than two columns), the rest shared by the
        figures; a figure column is widened, from the first column, until its header's longest word fits,
        so headers wrap between words and never inside one («Gjennomsnittlig», «registrert»). Should even that
        not be room enough, the headers' type is made smaller. Returns the widths and the headers' style."""
        n = len(table.columns)
        style = self.s["numhead"]
        if not n:
            return [WIDTH], style
        first = WIDTH * (0.5 if n <= 2 else 0.34)
        longest = max(stringWidth(word, style.fontName, style.fontSize)
                      for col in table.columns for word in (str(col.label).split() or [""]))
        rest = max((WIDTH - first) / n, longest + 2 * PADDING)
        first = max(WIDTH - rest * n, WIDTH * 0.25)
        rest = (WIDTH - first) / n
        if longest + 2 * PADDING > rest:
            size = style.fontSize * (rest - 2 * PADDING) / longest
            style = ParagraphStyle(f"numhead{size:.2f}", parent=style, fontSize=size, leading=size * 1.25)
        return [first] + [rest] * n, style

    def table(self, table: report.Table) -> list:
        widths, head = self.widths(table)
        header = [self.p("", "head")] + [Paragraph(text(col.label), head) for col in table.columns]
        data = [header]
        for row, pairs in table.cells_by_column():
            label = ("\u2003" * row.level) + row.label
            data.append([self.p(label, "cell")] + [self.p(report.cell_text(cell, col), "num") for col, cell in pairs])
        grid = Table(data, colWidths=widths, repeatRows=1)
        grid.setStyle(TableStyle([
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, EDGE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]))
        story = [CondPageBreak(ROOM_FOR_TABLE), KeepTogether([self.p(table.caption, "h3"), Spacer(1, 1 * mm)]), grid]
        if table.note:
            story += [Spacer(1, 1 * mm), self.p(table.note, "small")]
        for row in table.rows:
            if row.note:
                story.append(self.p(f"{row.label}: {row.note}", "small"))
        if table.chart is not None and table.chart.bars:
            story += [Spacer(1, 2 * mm), KeepTogether([bar_drawing(table.chart)])]
        story.append(Spacer(1, 3 * mm))
        return story

    def generate(self, data: report.Report) -> tuple[str, str, bytes]:
        buffer = io.BytesIO()
        title = _("Halvårsrapport")
        doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                                bottomMargin=25 * mm, title=f"{title} {data.period.code}", author="koordinator")
        made = data.made_at
        story = [
            self.p(f"{title}: {data.scope.label}", "h1"),
            self.p(data.period.label),
            self.p(_("Tallene gjelder til og med %(day)s. Laget %(made)s.") % {
                "day": data.last_day.strftime("%d.%m.%Y"), "made": made.strftime("%d.%m.%Y kl. %H.%M")}, "small"),
            self.p(_("Tall som gjelder færre enn %(n)s personer, vises som «under %(n)s». «Skjult»: skjult for at et "
                     "annet tall ikke skal kunne regnes ut. Rapporten nevner ingen brukere.") % {"n": data.min_persons},
                   "small"),
        ]
        if data.notice:
            story.append(self.p(data.notice, "small"))
        if not data.complete:
            story.append(self.p(_("Halvåret er ikke over: tallene kan endre seg."), "small"))
        if not data.has_data:
            story.append(self.p(_("Det var ingen saker i dette halvåret. Alle tall er 0.")))
        for section in data.sections:
            story += [CondPageBreak(ROOM_FOR_TABLE), self.p(section.title, "h2")]
            for table in section.tables:
                story += self.table(table)
            story += [self.p(note, "small") for note in section.notes]
        footer = f"{title} {data.period.code} – {data.scope.label} – {made:%d.%m.%Y}"
        doc.build(story, canvasmaker=numbered_canvas(footer))
        unit = f"-enhet-{data.scope.unit.pk}" if data.scope.unit is not None else ""
        return f"halvarsrapport-{data.period.code}{unit}.pdf", "application/pdf", buffer.getvalue()
