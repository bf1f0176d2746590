"""PDF rendering with reportlab: shared base and the letter renderer for the print queue.

Renderers are classes with ``generate(...) -> (filename, mimetype, bytes)``. They use a registered TTF font
that has æ, ø and å (Bitstream Vera, shipped with reportlab), a numbered canvas for «Side 2 av 5», and escape
all free text before it goes into a ``Paragraph`` (which parses markup).
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

FONT = "KoordinatorSans"
FONT_BOLD = "KoordinatorSans-Bold"
_FONT_DIR = Path(reportlab.__file__).parent / "fonts"


def register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(_FONT_DIR / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(_FONT_DIR / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def text(value) -> str:
    """Free text made safe for a Paragraph, with line breaks kept."""
    return escape(str(value or "")).replace("\n", "<br/>")


def styles(large: bool = False) -> dict[str, ParagraphStyle]:
    register_fonts()
    base = getSampleStyleSheet()
    size = 16 if large else 11
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=FONT, fontSize=size, leading=size * 1.4)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=size - 2, leading=(size - 2) * 1.4),
        "h1": ParagraphStyle("h1", parent=body, fontName=FONT_BOLD, fontSize=size + 7, leading=(size + 7) * 1.3,
                             spaceAfter=size),
        "h2": ParagraphStyle("h2", parent=body, fontName=FONT_BOLD, fontSize=size + 3, leading=(size + 3) * 1.3,
                             spaceBefore=size, spaceAfter=size * 0.4),
    }


def numbered_canvas(footer_left: str, size: int = 8):
    """A canvas class that writes «Side N av M» and ``footer_left`` on every page (``size``: the footer's font).

    The pages are held back until the total is known, so a bookmark (an outline entry's destination) is kept with its
    page and set when that page is written: set at once, it would point to the first page."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict] = []
            self._page_bookmarks: list[tuple[tuple, dict]] = []

        def bookmarkPage(self, *args, **kwargs):  # noqa: N802 - reportlab's name
            self._page_bookmarks.append((args, kwargs))

        def showPage(self):  # noqa: N802 - reportlab's name
            self._saved_pages.append(dict(self.__dict__))
            self._page_bookmarks = []
            self._startPage()

        def save(self):
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                for args, kwargs in state["_page_bookmarks"]:
                    super().bookmarkPage(*args, **kwargs)
                self.setFont(FONT, size)
                self.drawString(20 * mm, 12 * mm, footer_left)
                self.drawRightString(A4[0] - 20 * mm, 12 * mm, f"Side {self._pageNumber} av {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


class LetterRenderer:
    """One letter per notification, each starting on its own page, for the print queue."""

    def generate(self, notifications) -> tuple[str, str, bytes]:
        s = styles()
        buffer = io.BytesIO()
        printed = timezone.localtime()
        doc = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm, bottomMargin=25 * mm,
            title="Brev fra koordinator", author="koordinator",
        )
        story = []
        for i, n in enumerate(notifications):
            if i:
                story.append(PageBreak())
            sender = ""
            case = n.recipient_service_user.follow_ups.order_by("-started_on").select_related("unit").first() \
                if n.recipient_service_user_id else None
            if case:
                sender = f"{case.unit.name}, {case.municipality.name}"
            story += [
                Paragraph(text(sender), s["small"]),
                Spacer(1, 12 * mm),
                Paragraph(text(n.address or n.recipient_name), s["body"]),
                Spacer(1, 12 * mm),
                Paragraph(text(f"{printed:%d.%m.%Y}"), s["small"]),
                Spacer(1, 6 * mm),
                Paragraph(text(n.subject), s["h1"]),
                Paragraph(text(n.body), s["body"]),
            ]
        doc.build(story, canvasmaker=numbered_canvas(f"Utskrevet {printed:%d.%m.%Y} kl. {printed:%H.%M}"))
        return f"brev-{printed:%Y%m%d-%H%M}.pdf", "application/pdf", buffer.getvalue()
