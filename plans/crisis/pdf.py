"""The crisis plan as two PDFs (reportlab), both with extractable text.

* :class:`CrisisPlanRenderer`: the whole plan on A4, «Side N av M», and the version and print date in the footer
  of every page, so a printed copy says which version it is. The call list comes first.
* :class:`PocketCardRenderer`: a pocket card, **one A4 sheet folded twice to A6** (105 × 148 mm). Why A6 and not a
  credit card: the card must carry the warning signs *and* the whole call list (my contact now, the user's own
  contacts with when they can be reached, legevakt 116 117 and 113) in type a stressed person can read, and a
  credit card has room for three or four numbers at most. A folded A4 prints on any office or home printer on
  plain paper, with nothing to cut. The sheet has four panels: the two lower ones upright (front cover and back
  cover), the two upper ones upside down, so they read the right way once the sheet is folded (first across,
  printed side out, then down the middle). Each panel is set in the largest type its text fits in (16 down to
  10 pt), so a short text is big and easy to read and does not leave the panel mostly empty; a longer one is
  shrunk to fit. A line of the call list is «Name – role», never a parenthesis inside another.

The always-included numbers are read when the PDF is made (``selectors.always_included``), never stored. The
content comes from ``selectors.crisis_plan_page`` (a fixed number of queries); the renderers run none. Opening
either PDF is an access event (channel «pdf») for anyone but the owner, with the reason for an emergency reader.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    Frame,
    KeepInFrame,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from koordinator import access
from koordinator.models import AccessEvent, User
from koordinator.pdf import FONT, FONT_BOLD, numbered_canvas, styles, text
from koordinator.timeutil import no_date
from plans.crisis import selectors
from plans.crisis.selectors import CallEntry, CrisisPage
from plans.models import CrisisPlan


def story_height(story: list, width: float) -> float:
    """How tall ``story`` is set ``width`` wide, with the space around each part (a little more than a frame
    takes, which drops the first part's space above)."""
    return sum(f.wrap(width, 10_000)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in story)


def _title(page: CrisisPage) -> str:
    return _("Kriseplan for %(name)s") % {"name": page.owner.full_name}


def _stamp(page: CrisisPage, printed) -> str:
    return _("Versjon %(version)s, skrevet ut %(date)s") % {"version": page.version, "date": no_date(printed.date())}


class _Base:
    def __init__(self, size: int = 11):
        self.s = styles()
        body = ParagraphStyle("crisis-body", parent=self.s["body"], fontSize=size, leading=size * 1.35)
        self.s.update({
            "body": body,
            "small": ParagraphStyle("crisis-small", parent=body, fontSize=size - 2, leading=(size - 2) * 1.35),
            "h1": ParagraphStyle("crisis-h1", parent=body, fontName=FONT_BOLD, fontSize=size + 7,
                                 leading=(size + 7) * 1.25, spaceAfter=size * 0.6),
            "h2": ParagraphStyle("crisis-h2", parent=body, fontName=FONT_BOLD, fontSize=size + 2,
                                 leading=(size + 2) * 1.3, spaceBefore=size * 0.8, spaceAfter=size * 0.3),
            "big": ParagraphStyle("crisis-big", parent=body, fontName=FONT_BOLD, fontSize=size + 3,
                                  leading=(size + 3) * 1.3),
        })

    def p(self, value, style: str = "body", *, markup: str = "") -> Paragraph:
        """Free text, escaped; ``markup`` is a trusted prefix such as a bold label."""
        return Paragraph(markup + text(value), self.s[style])

    def free_text(self, value, empty: str | None = None) -> list:
        if value and value.strip():
            return [self.p(value)]
        return [self.p(empty or _("Ikke skrevet ennå."), "small")]

    def entry_lines(self, entry: CallEntry, style: str = "body", bullet: str | None = None) -> Paragraph:
        """«Navn – rolle», then «når: 912 34 567» with the number in bold. A dash, not parentheses: a role can have
        its own («Kontaktpersonen min (tillitsperson)»), and a parenthesis inside another is hard to read."""
        who = text(entry.name) + (f" – {text(entry.role)}" if entry.role else "")
        line = f"{who}<br/>{text(entry.when)}: <b>{text(entry.phone_display)}</b>"
        if entry.note:
            line += f"<br/>{text(entry.note)}"
        return Paragraph(line, self.s[style], bulletText=bullet)


class CrisisPlanRenderer(_Base):
    """The whole crisis plan on A4: ``generate(page) -> (filename, mimetype, bytes)``."""

    def call_table(self, page: CrisisPage) -> Table:
        th = self.s["body"].clone("crisis-th", fontName=FONT_BOLD)
        rows = [[Paragraph(text(label), th) for label in (_("Hvem"), _("Når"), _("Telefon"))]]
        for number, entry in enumerate(page.call_list, start=1):
            who = f"<b>{number}. {text(entry.name)}</b>"
            if entry.role:
                who += f"<br/>{text(entry.role)}"
            if entry.note:
                who += f"<br/>{text(entry.note)}"
            rows.append([Paragraph(who, self.s["body"]), self.p(entry.when),
                         Paragraph(f"<b>{text(entry.phone_display)}</b>", self.s["body"])])
        table = Table(rows, colWidths=[88 * mm, 45 * mm, 37 * mm], repeatRows=1)
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        return table

    def sign_off_part(self, page: CrisisPage) -> list:
        if not page.sign_offs:
            return [self.p(_("Ingen har bekreftet planen ennå."), "small")]
        story = []
        if page.changed_since_sign_off:
            story.append(self.p(_("Planen er endret etter at den ble bekreftet. Bekreftelsene under gjelder en "
                                  "tidligere versjon."), "small"))
        for sign_off in page.sign_offs:
            story.append(Paragraph(text(selectors.sign_off_text(sign_off)), self.s["body"], bulletText="•"))
        return story

    def story(self, page: CrisisPage, printed) -> list:
        plan = page.crisis_plan
        owner = page.owner
        intro = _("Kriseplan («Plan B») for %(name)s") % {"name": owner.full_name}
        if owner.birth_date:
            intro += ", " + _("født %(date)s") % {"date": no_date(owner.birth_date)}
        story = [
            Paragraph(text(_("Kriseplan")), self.s["h1"]),
            self.p(intro),
            self.p(_("Status: %(status)s. %(stamp)s.") % {"status": plan.get_status_display(),
                                                        "stamp": _stamp(page, printed)}, "small"),
            KeepTogether([Paragraph(text(_("Ring i denne rekkefølgen")), self.s["h2"]),
                          self.p(_("Kontakten min nå, legevakten og 113 står alltid med, slik det er i dag."),
                                 "small")]),
            self.call_table(page),
        ]
        for _name, heading, value in page.sections():
            content = self.free_text(value)
            story.append(KeepTogether([Paragraph(text(heading), self.s["h2"]), *content]))
        story.append(KeepTogether([
            Paragraph(text(_("Gjennomgang")), self.s["h2"]),
            self.p(_("Vi går gjennom planen igjen: %(date)s.") % {
                "date": no_date(plan.review_on) if plan.review_on else "–"}),
        ]))
        story.append(KeepTogether([Paragraph(text(_("Hvem har bekreftet planen")), self.s["h2"]),
                                   *self.sign_off_part(page)]))
        return story

    def generate(self, page: CrisisPage) -> tuple[str, str, bytes]:
        printed = timezone.localtime()
        plan = page.crisis_plan
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=22 * mm,
            title=_title(page), author="koordinator", lang="nb",
        )
        footer = _("Kriseplan, versjon %(version)s · skrevet ut %(date)s") % {
            "version": plan.version, "date": no_date(printed.date())}
        doc.build(self.story(page, printed), canvasmaker=numbered_canvas(footer))
        return f"kriseplan-{plan.pk}-v{plan.version}.pdf", "application/pdf", buffer.getvalue()


class PocketCardRenderer(_Base):
    """The pocket card: one A4 sheet, four A6 panels, folded twice (see the module docstring)."""

    PANEL_W, PANEL_H = A4[0] / 2, A4[1] / 2
    PAD = 8 * mm
    # A panel's type, largest first: the first its text fits in is used (KeepInFrame shrinks below the last).
    SIZES = (16, 15, 14, 13, 12, 11, 10)

    def __init__(self, size: int = 10):
        super().__init__(size=size)
        self.size = size

    def fitted(self, part) -> list:
        """``part(renderer)``'s story in the largest type of :attr:`SIZES` it fits the panel in."""
        inner_w, inner_h = self.PANEL_W - 2 * self.PAD, self.PANEL_H - 2 * self.PAD
        for size in self.SIZES:
            story = part(PocketCardRenderer(size))
            if story_height(story, inner_w) <= inner_h:
                break
        return story

    def cover(self, page: CrisisPage, printed) -> list:
        now = next((e for e in page.always if e.kind == "contact_now"), None)
        story = [
            Paragraph(text(_("Kriseplan")), self.s["h1"]),
            self.p(page.owner.full_name, "big"),
            Spacer(1, 4 * mm),
            self.p(_("Er det fare for liv: ring 113."), "big"),
            self.p(_("Haster det: legevakten 116 117."), "big"),
            Spacer(1, 4 * mm),
        ]
        if now is not None:
            story += [Paragraph(text(_("Kontakten min nå")), self.s["h2"]), self.entry_lines(now)]
        story += [Spacer(1, 4 * mm), self.p(_("Brett arket på tvers, så på langs. Se inni."), "small")]
        return story

    def warning_signs(self, page: CrisisPage) -> list:
        plan = page.crisis_plan
        story = [Paragraph(text(_("Varseltegn")), self.s["h2"])]
        story += self.free_text(plan.warning_signs)
        story += [Paragraph(text(_("Dette gjør jeg selv")), self.s["h2"])]
        story += self.free_text(plan.self_help)
        return story

    def call_list(self, page: CrisisPage) -> list:
        size = self.size
        self.s.setdefault("numbered", self.s["body"].clone("crisis-numbered", leftIndent=size * 1.5, bulletIndent=0,
                                                           spaceAfter=size * 0.3))
        story = [Paragraph(text(_("Ring i denne rekkefølgen")), self.s["h2"])]
        for number, entry in enumerate(page.call_list, start=1):
            story.append(self.entry_lines(entry, "numbered", bullet=f"{number}."))
        return story

    def back(self, page: CrisisPage, printed) -> list:
        plan = page.crisis_plan
        story = [Paragraph(text(_("Slik vil jeg bli møtt")), self.s["h2"])]
        story += self.free_text(plan.how_to_meet_me)
        story += [Paragraph(text(_("Dette hjelper")), self.s["h2"])]
        story += self.free_text(plan.what_helps)
        story += [Paragraph(text(_("Dette hjelper ikke")), self.s["h2"])]
        story += self.free_text(plan.what_does_not_help)
        story += [Spacer(1, 3 * mm), self.p(_stamp(page, printed) + ".", "small")]
        return story

    def panel(self, c: rl_canvas.Canvas, x: float, y: float, story: list, *, upside_down: bool) -> None:
        c.saveState()
        if upside_down:
            c.translate(x + self.PANEL_W, y + self.PANEL_H)
            c.rotate(180)
        else:
            c.translate(x, y)
        inner_w, inner_h = self.PANEL_W - 2 * self.PAD, self.PANEL_H - 2 * self.PAD
        frame = Frame(0, 0, self.PANEL_W, self.PANEL_H, leftPadding=self.PAD, rightPadding=self.PAD,
                      topPadding=self.PAD, bottomPadding=self.PAD, showBoundary=0)
        frame.addFromList([KeepInFrame(inner_w, inner_h, story, mode="shrink")], c)
        c.restoreState()

    def fold_marks(self, c: rl_canvas.Canvas) -> None:
        c.saveState()
        c.setStrokeColor(colors.lightgrey)
        c.setLineWidth(0.5)
        c.setDash(3, 3)
        c.line(0, self.PANEL_H, A4[0], self.PANEL_H)
        c.line(self.PANEL_W, 0, self.PANEL_W, A4[1])
        c.restoreState()

    def generate(self, page: CrisisPage) -> tuple[str, str, bytes]:
        printed = timezone.localtime()
        plan = page.crisis_plan
        buffer = io.BytesIO()
        c = rl_canvas.Canvas(buffer, pagesize=A4)
        c.setTitle(_("Lommekort: %(title)s") % {"title": _title(page)})
        c.setAuthor("koordinator")
        c.setFont(FONT, 10)
        self.fold_marks(c)
        w, h = self.PANEL_W, self.PANEL_H
        # Lower half, upright: the front cover (left) and the back cover (right).
        self.panel(c, 0, 0, self.fitted(lambda r: r.cover(page, printed)), upside_down=False)
        self.panel(c, w, 0, self.fitted(lambda r: r.back(page, printed)), upside_down=False)
        # Upper half, upside down: inside left (warning signs) is the top right panel, inside right (the call
        # list) the top left one, as they land when the sheet is folded back and then in half.
        self.panel(c, w, h, self.fitted(lambda r: r.warning_signs(page)), upside_down=True)
        self.panel(c, 0, h, self.fitted(lambda r: r.call_list(page)), upside_down=True)
        c.showPage()
        c.save()
        return f"lommekort-{plan.pk}-v{plan.version}.pdf", "application/pdf", buffer.getvalue()


FULL = "full"
POCKET = "pocket"


def render_crisis_pdf(user: User, crisis_plan: CrisisPlan | int, kind: str = FULL) -> tuple[str, str, bytes]:
    """The crisis plan as a PDF for ``user`` (Http404 outside the gate). A reader other than the owner is logged,
    with the emergency grant's reason for a reader under one."""
    page = selectors.crisis_plan_page(user, crisis_plan)
    what = gettext_lazy("Kriseplan (lommekort, PDF)") if kind == POCKET else gettext_lazy("Kriseplan (PDF)")
    access.record_access(user, [page.owner], what, AccessEvent.Channel.PDF, reason=selectors.access_reason(page))
    renderer = PocketCardRenderer() if kind == POCKET else CrisisPlanRenderer()
    return renderer.generate(page)
