"""The minutes of a responsibility group meeting as a PDF: who was there, the agenda with the note for each point,
the situation now, the user's words, the decisions and the action items, and the user's answer.

A4, «Side N av M», and the meeting's date, the minutes' version and the print date in the footer of every page, so a
printed copy always says which version it is. The content comes from ``selectors.meeting_page`` (a fixed number of
queries however many members, points or items there are); the renderer itself runs none. Free text is escaped
before it goes into a ``Paragraph`` (``koordinator.pdf.text``).

The text flows from page to page: nothing is kept together whole (a long section or agenda point moved whole to
the next page and left the page before half empty). A heading only starts where there is room for it and the
first lines under it (``CondPageBreak``); otherwise it goes to the next page with them.

Opening the PDF is an access event (channel «pdf») when the reader is not the owner.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from koordinator import access
from koordinator.models import AccessEvent, User
from koordinator.pdf import FONT_BOLD, numbered_canvas, styles, text
from koordinator.timeutil import no_date, no_datetime
from meetings import selectors
from meetings.models import Attendance, Minutes

# The room a heading needs below it on the page, or it starts on the next one: the heading and about three lines.
ROOM_FOR_SECTION = 35 * mm
ROOM_FOR_POINT = 25 * mm
ROOM_FOR_LIST = 15 * mm


class MinutesRenderer:
    """Renders a :class:`selectors.MeetingPage` that has minutes as ``(filename, mimetype, bytes)``."""

    def __init__(self):
        self.s = styles()
        body = self.s["body"]
        self.s["h3"] = ParagraphStyle("h3", parent=body, fontName=FONT_BOLD, spaceBefore=body.fontSize * 0.6)

    def p(self, value, style: str = "body", *, markup: str = "") -> Paragraph:
        """A paragraph of free text (escaped); ``markup`` is a trusted prefix such as a bold label."""
        return Paragraph(markup + text(value), self.s[style])

    def labelled(self, label: str, value) -> Paragraph:
        return self.p(value if value not in (None, "") else "–", markup=f"<b>{text(label)}:</b> ")

    def bullet(self, value) -> Paragraph:
        return Paragraph(text(value), self.s["body"], bulletText="•")

    def free_text(self, value, empty: str) -> list:
        return [self.p(value)] if value and value.strip() else [self.p(empty, "small")]

    def section(self, title: str, content: list) -> list:
        # A heading never ends a page alone, and its content flows on from under it.
        return [CondPageBreak(ROOM_FOR_SECTION), Paragraph(text(title), self.s["h2"]), *content]

    # --- the parts -----------------------------------------------------------------------------------------------

    def attendance_part(self, page: selectors.MeetingPage) -> list:
        groups: dict[str, list[str]] = {status: [] for status in Attendance.Status.values}
        groups[""] = []
        for row in page.members:
            status = row.attendance.status if row.attendance else ""
            name = f"{row.name} ({row.role})"
            if row.attendance and row.attendance.message and status == Attendance.Status.APOLOGIES:
                name += " – " + row.attendance.message
            groups[status].append(name)
        labels = [(Attendance.Status.PRESENT, _("Til stede")), (Attendance.Status.APOLOGIES, _("Meldt forfall")),
                  (Attendance.Status.ABSENT, _("Ikke møtt, uten å melde fra")), ("", _("Ikke registrert"))]
        story = []
        for status, label in labels:
            if groups[status]:
                story += [CondPageBreak(ROOM_FOR_LIST), self.p(label, "h3")]
                story += [self.bullet(name) for name in groups[status]]
        return story or [self.p(_("Ingen medlemmer."), "small")]

    def agenda_part(self, page: selectors.MeetingPage) -> list:
        if not page.agenda:
            return [self.p(_("Ingen punkter på dagsorden."), "small")]
        story = []
        for n, point in enumerate(page.agenda, start=1):
            # The point's title and what kind it is stay together (two short lines); its text flows on.
            story += [CondPageBreak(ROOM_FOR_POINT), KeepTogether([
                Paragraph(f"<b>{n}. {text(point.title)}</b>", self.s["body"]),
                self.p(point.kind_label + (f" – {point.proposed_by}" if point.proposed_by else ""), "small"),
            ])]
            if point.detail:
                story.append(self.p(point.detail, "small"))
            if point.note:
                story.append(self.labelled(_("Fra møtet"), point.note))
            story.append(Spacer(1, 2 * mm))
        return story

    def items_part(self, page: selectors.MeetingPage) -> list:
        if not page.action_items:
            return [self.p(_("Ingen nye oppgaver fra dette møtet."), "small")]
        story = []
        for item in page.action_items:
            parts = [_("Hvem: %(who)s") % {"who": item.responsible.name_in(page.case)},
                     _("Frist: %(date)s") % {"date": no_date(item.due_on)},
                     _("Status: %(status)s") % {"status": item.get_status_display()}]
            line = text(item.what) + "<br/>" + text(" · ".join(parts))
            if item.status_note:
                line += "<br/>" + text(_("Merknad: %(note)s") % {"note": item.status_note})
            story.append(Paragraph(line, self.s["body"], bulletText="•"))
        return story

    def answer_part(self, minutes: Minutes) -> list:
        if minutes.status == Minutes.Status.DRAFT:
            return [self.p(_("Referatet er ikke markert som klart ennå."))]
        story = [self.p(_("Markert som klart %(date)s.") % {"date": no_date(timezone.localtime(minutes.ready_at)
                                                                                .date())})]
        if minutes.status == Minutes.Status.READY:
            story.append(self.p(_("Venter på svar fra brukeren.")))
        elif minutes.status == Minutes.Status.APPROVED:
            story.append(self.p(_("Brukeren godkjente referatet %(date)s (versjon %(version)s).") % {
                "date": no_date(timezone.localtime(minutes.user_response_at).date()),
                "version": minutes.user_response_version}))
        else:
            story.append(self.p(_("Brukeren er uenig i dette (%(date)s):") % {
                "date": no_date(timezone.localtime(minutes.user_response_at).date())}))
            story.append(self.p(minutes.disagreement))
        if minutes.changed_since_ready:
            story.append(self.p(_("Referatet er endret etter at det ble markert som klart. Hver endring og grunnen "
                                  "til den står i historikken."), "small"))
        return story

    # --- the document ----------------------------------------------------------------------------------------------

    def story(self, page: selectors.MeetingPage, printed) -> list:
        meeting, minutes = page.meeting, page.minutes
        story = [
            Paragraph(text(_("Referat fra møte i ansvarsgruppen")), self.s["h1"]),
            self.p(_("Ansvarsgruppen til %(name)s") % {"name": page.owner.full_name}),
            self.labelled(_("Tid"), no_datetime(meeting.starts_at)),
            self.labelled(_("Sted"), meeting.place_text),
            self.labelled(_("Møteleder"), page.chair_name),
            self.p(_("Status: %(status)s. Versjon %(version)s, skrevet ut %(date)s.") % {
                "status": minutes.get_status_display(), "version": minutes.version,
                "date": no_date(printed.date())}, "small"),
        ]
        story += self.section(_("Til stede og forfall"), self.attendance_part(page))
        story += self.section(_("Situasjonen nå"), self.free_text(minutes.situation, _("Ikke skrevet.")))
        story += self.section(_("Brukerens ord"), self.free_text(minutes.user_words, _("Ikke skrevet.")))
        story += self.section(_("Dagsorden"), self.agenda_part(page))
        story += self.section(_("Dette ble vi enige om"), self.free_text(minutes.decisions, _("Ikke skrevet.")))
        story += self.section(_("Oppgaver: hvem gjør hva, og innen når"), self.items_part(page))
        story += self.section(_("Brukerens svar på referatet"), self.answer_part(minutes))
        return story

    def generate(self, page: selectors.MeetingPage) -> tuple[str, str, bytes]:
        printed = timezone.localtime()
        meeting, minutes = page.meeting, page.minutes
        buffer = io.BytesIO()
        title = _("Referat fra ansvarsgruppemøte %(date)s") % {"date": no_date(meeting.local_date)}
        doc = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=22 * mm,
            title=title, author="koordinator", lang="nb",
        )
        footer = _("Referat fra møtet %(meeting)s, versjon %(version)s · skrevet ut %(date)s") % {
            "meeting": no_date(meeting.local_date), "version": minutes.version, "date": no_date(printed.date())}
        doc.build(self.story(page, printed), canvasmaker=numbered_canvas(footer))
        filename = f"referat-{meeting.local_date:%Y-%m-%d}-v{minutes.version}.pdf"
        return filename, "application/pdf", buffer.getvalue()


def render_minutes_pdf(user: User, minutes: Minutes | int) -> tuple[str, str, bytes]:
    """The minutes as a PDF for ``user`` (Http404 outside the gate). A reader other than the owner is logged."""
    page = selectors.minutes_page(user, minutes, for_pdf=True)
    access.record_access(user, [page.owner], gettext_lazy("Referat fra ansvarsgruppemøte (PDF)"), AccessEvent.Channel.PDF)
    return MinutesRenderer().generate(page)
