"""«Alt om meg» as a PDF: everything stored about the person, in plain Norwegian, in sections.

Saken min · Planen min · Loggen · Meldinger · Ring meg · Kriseplanen · Ansvarsgrupper og referater · Samtykker ·
Pårørende · Hvem har sett opplysningene mine · Mine innlogginger.

Built with the project's PDF helpers (``koordinator.pdf``: the font with æ, ø and å, «Side N av M», escaped free
text) and the existing renderers for the parts that have one: the plan (``plans.pdf.PlanRenderer``), the crisis plan
(``plans.crisis.pdf.CrisisPlanRenderer``) and the minutes (``meetings.pdf.MinutesRenderer``), each one heading level
down. What is read comes from ``exchange.archive_content``, as the owner sees it.

A long history (thousands of log entries, access-log lines, log-ins) is not held in memory as one story: the story is
a generator, and :class:`_StreamingDoc` takes a few flowables at a time from it while it lays out the pages, so the
rows are read from the database in chunks as the pages are made.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph, SimpleDocTemplate

from exchange import archive_content as content
from koordinator.models import FollowUp, ServiceUser, User
from koordinator.pdf import FONT_BOLD, numbered_canvas, styles, text
from koordinator.signin.mine import level_words
from koordinator.timeutil import no_date, no_datetime

# How many flowables the document holds ahead of the one it lays out.
AHEAD = 64
ROOM_FOR_SECTION = 40 * mm
ROOM_FOR_ENTRY = 18 * mm


def section_titles() -> list[str]:
    """The sections, in order (a function, so they are translated when read)."""
    return [
        _("Saken min"),
        _("Planen min"),
        _("Loggen"),
        _("Meldinger"),
        _("Ring meg"),
        _("Kriseplanen"),
        _("Ansvarsgrupper og referater"),
        _("Samtykker"),
        _("Pårørende"),
        _("Hvem har sett opplysningene mine"),
        _("Mine innlogginger"),
    ]


class _StreamingDoc(SimpleDocTemplate):
    """A document whose story is a generator: before each flowable is laid out, the list is filled up to ``AHEAD``
    from the generator (``filterFlowables`` is reportlab's hook for looking at the list first). The list only runs
    empty when the generator is done. Each top-level heading becomes an entry in the PDF's outline."""

    def __init__(self, *args, source: Iterator[Flowable], **kwargs):
        super().__init__(*args, **kwargs)
        self._source = source
        self._outline = 0
        self.story: list[Flowable] = []
        self.fill()

    def fill(self) -> None:
        while len(self.story) < AHEAD:
            try:
                self.story.append(next(self._source))
            except StopIteration:
                break

    def filterFlowables(self, flowables):  # noqa: N802 - reportlab's name
        # Also called with the document's own list of pending page actions: only the story is filled.
        if flowables is self.story:
            self.fill()
        super().filterFlowables(flowables)

    def afterFlowable(self, flowable):  # noqa: N802 - reportlab's name
        style = getattr(flowable, "style", None)
        if isinstance(flowable, Paragraph) and style is not None and style.name == "archive-h1":
            key = f"section-{self._outline}"
            self._outline += 1
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=0)


class ArchiveRenderer:
    """``generate() -> bytes``: the PDF of everything ``reader`` (the owner, ``content.owner_reader``) sees about
    ``service_user``."""

    def __init__(self, reader: User, service_user: ServiceUser, made_at=None):
        self.reader = reader
        self.person = service_user
        self.made_at = timezone.localtime(made_at or timezone.now())
        s = styles()
        body = s["body"]
        s["h1"] = ParagraphStyle("archive-h1", parent=s["h1"])
        s["title"] = ParagraphStyle("archive-title", parent=s["h1"], fontSize=26, leading=32)
        s["h3"] = ParagraphStyle("archive-h3", parent=body, fontName=FONT_BOLD, fontSize=body.fontSize + 1,
                                 leading=(body.fontSize + 1) * 1.3, spaceBefore=body.fontSize * 0.8,
                                 spaceAfter=body.fontSize * 0.2)
        s["h4"] = ParagraphStyle("archive-h4", parent=body, fontName=FONT_BOLD, spaceBefore=body.fontSize * 0.6)
        self.s = s

    # --- small building blocks -------------------------------------------------------------------------------------

    def p(self, value, style: str = "body", *, markup: str = "") -> Paragraph:
        """Free text, escaped; ``markup`` is a trusted prefix such as a bold label."""
        return Paragraph(markup + text(value), self.s[style])

    def labelled(self, label: str, value) -> Paragraph:
        return self.p(value if value not in (None, "") else "–", markup=f"<b>{text(label)}:</b> ")

    def bullet(self, value, style: str = "body") -> Paragraph:
        return Paragraph(text(value), self.s[style], bulletText="•")

    def heading(self, title: str) -> Iterator[Flowable]:
        yield CondPageBreak(ROOM_FOR_SECTION)
        yield Paragraph(text(title), self.s["h1"])

    def nested(self, renderer, levels: dict[str, str]):
        """Another renderer (plan, crisis plan, minutes) set one level down: its ``h1`` is our ``h2`` and so on."""
        renderer.s.update({theirs: self.s[ours] for theirs, ours in levels.items()})
        return renderer

    # --- the document ------------------------------------------------------------------------------------------

    def story(self) -> Iterator[Flowable]:
        yield from self.front_page()
        parts: list[Callable[[], Iterator[Flowable]]] = [
            self.case_part, self.plan_part, self.log_part, self.message_part, self.callback_part, self.crisis_part,
            self.groups_part, self.consent_part, self.next_of_kin_part, self.access_log_part, self.sign_in_part,
        ]
        for title, part in zip(section_titles(), parts, strict=True):
            yield from self.heading(title)
            yield from part()

    def front_page(self) -> Iterator[Flowable]:
        yield Paragraph(text(_("Alt om meg")), self.s["title"])
        yield self.p(_("Dette er alt vi har lagret om deg, %(name)s, slik det var %(when)s.") % {
            "name": self.person.full_name, "when": no_datetime(self.made_at)})
        yield self.p(_("Du har rett til å se alt vi har lagret om deg, og til å ta det med deg. Er noe feil, eller "
                       "lurer du på noe? Si fra til kontaktpersonen din, så retter vi det."))
        yield self.p(_("Det samme står også i filene fhir-bundle.json og annet.json, slik at du kan ta det med "
                       "til et annet system. Les mer i LES-MEG.txt."), "small")
        yield Paragraph(text(_("Innhold")), self.s["h3"])
        for number, title in enumerate(section_titles(), start=1):
            yield self.p(f"{number}. {title}")
        yield PageBreak()

    # --- 1. Saken min ---------------------------------------------------------------------------------------------

    def case_part(self) -> Iterator[Flowable]:
        person = self.person
        yield Paragraph(text(_("Mine opplysninger")), self.s["h2"])
        yield self.labelled(_("Navn"), person.full_name)
        yield self.labelled(_("Fødselsdato"), no_date(person.birth_date) if person.birth_date else "")
        yield self.labelled(_("Mobilnummer"), person.phone)
        yield self.labelled(_("E-post"), person.email)
        address = ", ".join(part for part in (person.address, f"{person.postal_code} {person.city}".strip()) if part)
        yield self.labelled(_("Adresse"), address)
        yield self.labelled(_("Beskjeder får du som"), person.get_preferred_channel_display())
        language = person.language
        if person.interpreter_needed:
            language += " – " + _("trenger tolk (%(language)s)") % {"language": person.interpreter_language}
        yield self.labelled(_("Språk"), language)
        yield self.labelled(_("Kommune"), person.municipality.name)

        cases = content.cases(self.reader, person)
        evaluations = content.end_evaluations(self.reader, person) if cases else {}
        if not cases:
            yield self.p(_("Du har ingen oppfølging registrert hos oss."), "small")
        for case in cases:
            yield CondPageBreak(ROOM_FOR_SECTION)
            yield Paragraph(text(_("Oppfølging fra %(date)s, %(unit)s") % {
                "date": no_date(case.started_on), "unit": case.unit.name}), self.s["h2"])
            yield self.labelled(_("Status"), case.get_status_display())
            yield self.labelled(_("Kontaktperson"), case.trust_person.display_name)
            if case.deputy_id:
                yield self.labelled(_("Stedfortreder"), case.deputy.display_name)
            yield self.labelled(_("Hvordan oppfølgingen startet"), case.referral_display)
            if case.referral_note:
                yield self.labelled(_("Merknad til henvisningen"), case.referral_note)
            if case.status == FollowUp.Status.ENDED:
                yield self.labelled(_("Avsluttet"), no_date(case.ended_on) if case.ended_on else "")
                yield self.labelled(_("Grunn"), case.get_ending_reason_display() if case.ending_reason else "")
                if case.ending_note:
                    yield self.labelled(_("Merknad til avslutningen"), case.ending_note)
                taken_over = case.taken_over_by.name if case.taken_over_by_id else case.taken_over_by_name
                if taken_over:
                    yield self.labelled(_("Hvem tar over"), taken_over)
                if case.open_door_until:
                    yield self.labelled(_("Du kan ta kontakt igjen til"), no_date(case.open_door_until))
            if case.user_notice:
                yield self.labelled(_("Beskjed til deg"), case.user_notice)
            evaluation = evaluations.get(case.pk)
            if evaluation is not None:
                yield Paragraph(text(_("Sluttevaluering")), self.s["h3"])
                yield self.labelled(_("Dette har vi fått til"), evaluation.achieved)
                if evaluation.what_helped:
                    yield self.labelled(_("Dette har hjulpet deg"), evaluation.what_helped)
                if evaluation.needs_to_manage:
                    yield self.labelled(_("Dette trenger du for å klare deg videre"), evaluation.needs_to_manage)

        yield CondPageBreak(ROOM_FOR_SECTION)
        yield Paragraph(text(_("Avtaler")), self.s["h2"])
        any_appointment = False
        for appointment in content.chunked(content.appointments(self.reader, person)):
            any_appointment = True
            line = _("%(when)s, %(place)s: %(who)s. %(status)s.") % {
                "when": no_datetime(appointment.starts_at), "place": appointment.place_for_user,
                "who": appointment.trust_person.display_name, "status": appointment.get_status_display()}
            if appointment.about:
                line += " " + appointment.about
            yield self.bullet(line)
        if not any_appointment:
            yield self.p(_("Ingen avtaler."), "small")

    # --- 2. Planen min ------------------------------------------------------------------------------------------

    def plan_part(self) -> Iterator[Flowable]:
        from plans.pdf import PlanRenderer

        found = False
        for page in content.plan_pages(self.reader, self.person):
            found = True
            renderer = self.nested(PlanRenderer(), {"h1": "h2", "h2": "h3", "h3": "h4"})
            story = renderer.story(page, self.made_at)
            story[0] = Paragraph(text(_("Individuell plan fra %(date)s") % {
                "date": no_date(timezone.localtime(page.plan.created_at).date())}), self.s["h2"])
            yield from story
            if len(page.revisions) > 1:
                yield Paragraph(text(_("Alle gjennomganger av planen")), self.s["h4"])
                for revision in page.revisions:
                    yield self.bullet(f"{no_date(revision.revised_on)}: {revision.what_changed}")
        if not found:
            yield self.p(_("Du har ingen individuell plan."))

    # --- 3. Loggen ----------------------------------------------------------------------------------------------

    def log_part(self) -> Iterator[Flowable]:
        yield self.p(_("Hver gang kontaktpersonen din har snakket med deg, besøkt deg, fulgt deg til en avtale eller "
                       "prøvd å få tak i deg, har de skrevet det ned. Her står alt, det eldste først."))
        found = False
        for entry in content.chunked(content.log_entries(self.reader, self.person)):
            found = True
            yield CondPageBreak(ROOM_FOR_ENTRY)
            yield self.p(no_datetime(entry.started_at), "h4")
            what = entry.kind_for_user
            if entry.is_contact:
                what += ", " + _("%(minutes)s minutter") % {"minutes": entry.duration_minutes}
            what += "."
            if entry.place_for_user:
                what += " " + _("Sted: %(place)s.") % {"place": entry.place_for_user}
            yield self.p(what)
            if entry.note:
                yield self.p(entry.note, markup=text(_("%(who)s skrev:") % {"who": entry.written_by.display_name})
                             + "<br/>")
            else:
                yield self.p(_("Skrevet av %(who)s.") % {"who": entry.written_by.display_name}, "small")
            if entry.agreed_next:
                yield self.p(_("Dere avtalte: %(agreed)s") % {"agreed": entry.agreed_next})
            if entry.life_areas:
                yield self.p(_("Det handlet om: %(areas)s.") % {"areas": ", ".join(entry.life_area_labels())},
                             "small")
            for tag in entry.link_tags():
                yield self.p(tag, "small")
        if not found:
            yield self.p(_("Det er ikke skrevet noe ennå."), "small")

    # --- 4. Meldinger -----------------------------------------------------------------------------------------------

    def message_part(self) -> Iterator[Flowable]:
        yield self.p(_("Meldingene mellom deg og de som følger deg opp, for hver oppfølging, den eldste først. En "
                       "melding som ble trukket tilbake før den ble lest, står som «trukket tilbake», uten tekst."))
        found = False
        for case in content.cases(self.reader, self.person):
            heading = False
            for shown in content.thread(self.reader, case):
                if not heading:
                    heading = found = True
                    yield CondPageBreak(ROOM_FOR_SECTION)
                    yield Paragraph(text(_("Meldinger i oppfølgingen fra %(date)s, %(unit)s") % {
                        "date": no_date(case.started_on), "unit": case.unit.name}), self.s["h2"])
                yield CondPageBreak(ROOM_FOR_ENTRY)
                writer = shown.writer + (f" ({shown.role})" if shown.role else "")
                yield self.p(_("%(when)s – %(who)s") % {"when": no_datetime(shown.message.sent_at), "who": writer},
                             "h4")
                if shown.withdrawn:
                    yield self.p(_("«trukket tilbake»"), "small")
                else:
                    yield self.p(shown.message.body)
        if not found:
            yield self.p(_("Du har ingen meldinger."), "small")

    # --- 5. Ring meg ---------------------------------------------------------------------------------------------

    def callback_part(self) -> Iterator[Flowable]:
        from reach.models import CallbackRequest

        Outcome = CallbackRequest.Outcome  # noqa: N806 - the model's name
        yield self.p(_("Hver gang du har bedt oss ringe deg: når du spurte, hvem som ringte og hvordan det gikk."))
        found = False
        for callback in content.chunked(content.callbacks(self.reader, self.person)):
            found = True
            line = _("%(when)s: Du ba oss ringe deg (%(suits)s).") % {
                "when": no_datetime(callback.requested_at), "suits": callback.get_when_display().lower()}
            if callback.note:
                line += " " + _("Du skrev: %(note)s") % {"note": callback.note}
            who, marked_at = content.callback_mark(callback)
            values = {"who": who.display_name if who else _("Vi"), "when": no_datetime(marked_at) if marked_at else ""}
            if not callback.outcome:
                line += " " + _("Venter på å bli ringt.")
            elif callback.outcome == Outcome.CALLED:
                line += " " + _("%(who)s ringte deg %(when)s.") % values
            elif callback.outcome == Outcome.SMS_SENT:
                line += " " + _("%(who)s sendte deg en SMS %(when)s.") % values
            else:
                line += " " + _("%(who)s prøvde å ringe deg %(when)s, men fikk ikke svar.") % values
                if callback.state == CallbackRequest.State.OPEN:
                    line += " " + _("Vi prøver igjen.")
            yield self.bullet(line)
        if not found:
            yield self.p(_("Du har ikke bedt oss ringe deg."), "small")

    # --- 6. Kriseplanen ---------------------------------------------------------------------------------------------

    def crisis_part(self) -> Iterator[Flowable]:
        from plans.crisis.pdf import CrisisPlanRenderer

        found = False
        for page in content.crisis_plan_pages(self.reader, self.person):
            found = True
            renderer = self.nested(CrisisPlanRenderer(), {"h1": "h2", "h2": "h3"})
            story = renderer.story(page, self.made_at)
            plan = page.crisis_plan
            if plan.archived_at is None:
                title = _("Kriseplanen min nå")
            else:
                title = _("Tidligere kriseplan, arkivert %(date)s") % {
                    "date": no_date(timezone.localtime(plan.archived_at).date())}
            story[0] = Paragraph(text(title), self.s["h2"])
            yield from story
        if not found:
            yield self.p(_("Du har ingen kriseplan."))

    # --- 7. Ansvarsgrupper og referater --------------------------------------------------------------------------------

    def groups_part(self) -> Iterator[Flowable]:
        from meetings.pdf import MinutesRenderer

        views = content.groups(self.reader, self.person)
        if not views:
            yield self.p(_("Du har ingen ansvarsgruppe."))
        for view in views:
            group, case = view.group, view.group.follow_up
            yield CondPageBreak(ROOM_FOR_SECTION)
            yield Paragraph(text(_("Ansvarsgruppe fra %(date)s") % {
                "date": no_date(timezone.localtime(group.created_at).date())}), self.s["h2"])
            status = group.get_status_display()
            if group.status_reason:
                status += f" ({group.status_reason})"
            yield self.labelled(_("Status"), status)
            yield self.labelled(_("Hvem leder gruppen"), group.get_chair_display())
            yield Paragraph(text(_("Hvem er med")), self.s["h3"])
            for member in view.members:
                line = f"{member.name_in(case)} – {member.role_display}"
                if member.removed_at:
                    line += " (" + _("ikke med lenger fra %(date)s") % {
                        "date": no_date(timezone.localtime(member.removed_at).date())} + ")"
                yield self.bullet(line)
            yield Paragraph(text(_("Møter")), self.s["h3"])
            if not view.meetings:
                yield self.p(_("Ingen møter ennå."), "small")
            for meeting in view.meetings:
                page = content.meeting_page(self.reader, meeting)
                if page.minutes is None:
                    yield self.bullet(_("%(when)s, %(place)s. %(status)s. Ikke noe referat.") % {
                        "when": no_datetime(meeting.starts_at), "place": meeting.place_text,
                        "status": meeting.get_status_display()})
                    continue
                renderer = self.nested(MinutesRenderer(), {"h1": "h3", "h2": "h4", "h3": "h4"})
                story = renderer.story(page, self.made_at)
                story[0] = Paragraph(text(_("Referat fra møtet %(when)s") % {
                    "when": no_datetime(meeting.starts_at)}), self.s["h3"])
                yield from story
            yield Paragraph(text(_("Alle oppgaver i gruppen")), self.s["h3"])
            if not view.action_items:
                yield self.p(_("Ingen oppgaver."), "small")
            for item in view.action_items:
                line = _("%(what)s · Hvem: %(who)s · Frist: %(due)s · %(status)s") % {
                    "what": item.what, "who": item.responsible.name_in(case), "due": no_date(item.due_on),
                    "status": item.get_status_display()}
                if item.status_note:
                    line += " · " + item.status_note
                yield self.bullet(line)

    # --- 8. Samtykker -----------------------------------------------------------------------------------------------

    def consent_part(self) -> Iterator[Flowable]:
        yield self.p(_("Du bestemmer hvem som får se hva, og hvor lenge. Her er alle samtykkene du har gitt, også "
                       "de som er utløpt eller trukket tilbake."))
        consents = content.consents(self.reader, self.person)
        if not consents:
            yield self.p(_("Du har ikke gitt noen samtykker."), "small")
        for consent in consents:
            yield CondPageBreak(ROOM_FOR_ENTRY)
            yield self.p(consent.grantee_name, "h4")
            yield self.labelled(_("Får se"), ", ".join(consent.scope_labels()))
            yield self.labelled(_("Gjelder"), f"{no_date(consent.valid_from)} – {no_date(consent.valid_until)}")
            yield self.labelled(_("Status"), consent.state_label)
            yield self.labelled(_("Hvordan samtykket ble gitt"), consent.get_given_how_display())
            if consent.withdrawn_at:
                line = no_date(timezone.localtime(consent.withdrawn_at).date())
                if consent.withdrawn_reason:
                    line += f": {consent.withdrawn_reason}"
                yield self.labelled(_("Trukket tilbake"), line)
            if consent.note:
                yield self.labelled(_("Merknad"), consent.note)

    # --- 9. Pårørende --------------------------------------------------------------------------------------------

    def next_of_kin_part(self) -> Iterator[Flowable]:
        kin = content.next_of_kin(self.reader, self.person)
        if not kin:
            yield self.p(_("Det er ikke registrert noen pårørende."), "small")
        for person in kin:
            yield CondPageBreak(ROOM_FOR_ENTRY)
            yield self.p(f"{person.name} ({person.relation})", "h4")
            yield self.p(person.get_kind_display())
            if person.is_guardian:
                yield self.p(_("Er verge."))
            if person.phone:
                yield self.labelled(_("Telefon"), person.phone)
            if person.email:
                yield self.labelled(_("E-post"), person.email)
            if person.note:
                yield self.labelled(_("Merknad"), person.note)

    # --- 10. Hvem har sett opplysningene mine --------------------------------------------------------------------------

    def access_log_part(self) -> Iterator[Flowable]:
        yield self.p(_("Hver gang noen andre enn deg har åpnet opplysningene dine, ble det skrevet ned: hvem, når, "
                       "hva og hvorfor. Det eldste står først."))
        found = False
        for event in content.chunked(content.access_events(self.reader, self.person)):
            found = True
            who = event.actor_name + (f" ({event.actor_role})" if event.actor_role else "")
            line = _("%(when)s – %(who)s: %(what)s (%(how)s).") % {
                "when": no_datetime(event.at), "who": who, "what": event.what, "how": event.get_channel_display()}
            if event.reason:
                line += " " + _("Begrunnelse: %(reason)s") % {"reason": event.reason}
            yield self.bullet(line, "small")
        if not found:
            yield self.p(_("Ingen andre har sett opplysningene dine."), "small")

    # --- 11. Mine innlogginger --------------------------------------------------------------------------------------

    def sign_in_part(self) -> Iterator[Flowable]:
        if self.person.user_id is None:
            yield self.p(_("Du har ingen innlogging hos oss."), "small")
            return
        yield self.p(_("Når og hvordan du har logget inn. Kjenner du ikke igjen en innlogging, si fra."))
        found = False
        for sign_in in content.chunked(content.sign_ins(self.person)):
            found = True
            yield self.bullet(_("%(when)s – %(how)s, sikkerhetsnivå: %(level)s") % {
                "when": no_datetime(sign_in.at), "how": sign_in.get_method_display(),
                "level": level_words(sign_in.level)}, "small")
        if not found:
            yield self.p(_("Ingen innlogginger er lagret."), "small")

    # --- the file -----------------------------------------------------------------------------------------------

    def generate(self) -> bytes:
        buffer = io.BytesIO()
        source = self.story()
        title = _("Alt om meg – %(name)s") % {"name": self.person.full_name}
        doc = _StreamingDoc(
            buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=22 * mm,
            title=title, author="koordinator", lang="nb", source=source,
        )
        footer = _("Alt om meg · %(name)s · laget %(date)s") % {
            "name": self.person.full_name, "date": no_date(self.made_at.date())}
        doc.build(doc.story, canvasmaker=numbered_canvas(footer))
        return buffer.getvalue()
