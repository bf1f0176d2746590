"""The individual plan as a PDF: the whole plan in plain language, in the nine-point order of the plan page.

A4, «Side N av M», and the print date and the plan's version in the footer of every page, so a printed copy
always says which version it is. ``large=True`` gives the large-print variant. The content comes from
``selectors.plan_page`` (a fixed number of queries however big the plan is); the renderer itself runs none.

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
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from koordinator import access
from koordinator.models import AccessEvent, User
from koordinator.pdf import FONT_BOLD, numbered_canvas, styles, text
from koordinator.timeutil import no_date
from plans import selectors
from plans.models import LifeArea, Plan, Step


def _date(day) -> str:
    return no_date(day) if day else "–"


class PlanRenderer:
    """Renders a :class:`selectors.PlanPage` as ``(filename, mimetype, bytes)``."""

    def __init__(self, large: bool = False):
        self.large = large
        self.s = styles(large=large)
        body = self.s["body"]
        self.s["h3"] = ParagraphStyle("h3", parent=body, fontName=FONT_BOLD, spaceBefore=body.fontSize * 0.6)

    # --- small building blocks ---------------------------------------------------------------------------------

    def p(self, value, style: str = "body", *, markup: str = "") -> Paragraph:
        """A paragraph of free text (escaped); ``markup`` is a trusted prefix such as a bold label."""
        return Paragraph(markup + text(value), self.s[style])

    def labelled(self, label: str, value) -> Paragraph:
        return self.p(value if value not in (None, "") else "–", markup=f"<b>{text(label)}:</b> ")

    def free_text(self, value, empty: str) -> list:
        return [self.p(value)] if value and value.strip() else [self.p(empty, "small")]

    # --- the nine parts ----------------------------------------------------------------------------------------

    def goals_part(self, page: selectors.PlanPage) -> list:
        plan = page.plan
        story = [self.p(_("Med mine ord"), "h3")]
        story += self.free_text(plan.own_words, _("Ikke skrevet ennå."))
        story.append(self.p(_("Mine mål"), "h3"))
        if not page.goals:
            story.append(self.p(_("Ingen mål ennå."), "small"))
        for view in page.goals:
            goal = view.goal
            heading = LifeArea(goal.life_area).label if goal.life_area in LifeArea.values else goal.life_area
            lines = [self.p(goal.text, markup=f"<b>{text(heading)}:</b> ")]
            if goal.in_users_words:
                lines.append(self.p(_("(med mine ord)"), "small"))
            block = [KeepTogether(lines)]
            for step_view in view.steps:
                block.append(self.step(step_view, open_step=True))
            for step_view in view.closed_steps:
                block.append(self.step(step_view, open_step=False))
            story += block
            story.append(Spacer(1, 2 * mm))
        story.append(self.p(_("Mine styrker og ressurser"), "h3"))
        story += self.free_text(plan.resources, _("Ikke skrevet ennå."))
        story.append(self.p(_("Hva jeg trenger hjelp til"), "h3"))
        story += self.free_text(plan.needs, _("Ikke skrevet ennå."))
        return story

    def step(self, view: selectors.StepView, *, open_step: bool) -> Paragraph:
        step = view.step
        parts = [_("Hvem: %(who)s") % {"who": view.responsible}]
        if open_step:
            parts.append(_("Frist: %(date)s") % {"date": _date(step.due_on)})
            if step.status == Step.Status.IN_PROGRESS:
                parts.append(str(step.get_status_display()))
        else:
            parts.append(_("%(status)s %(date)s") % {"status": step.get_status_display(),
                                                   "date": _date(step.closed_on)})
        line = text(step.what) + "<br/>" + text(" · ".join(parts))
        if not open_step and step.how_it_went:
            line += "<br/>" + text(_("Hvordan gikk det: %(text)s") % {"text": step.how_it_went})
        # The status is in the words; the bullet only marks the list (the font has no check marks).
        return Paragraph(line, self.s["body"], bulletText="•")

    def participants_part(self, page: selectors.PlanPage) -> list:
        story = [self.labelled(_("Meg"), page.owner.full_name),
                 self.labelled(_("Koordinator"), page.coordinator.display_name)]
        if page.participants:
            for consent in page.participants:
                story.append(Paragraph(text(consent.grantee_name), self.s["body"], bulletText="•"))
        else:
            story.append(self.p(_("Ingen andre tjenester er med ennå."), "small"))
        return story

    def coordinator_part(self, page: selectors.PlanPage) -> list:
        coordinator = page.coordinator
        story = [self.labelled(_("Koordinator"), coordinator.display_name)]
        if getattr(coordinator, "phone", ""):
            story.append(self.labelled(_("Telefon"), coordinator.phone))
        if page.case.unit_id:
            story.append(self.labelled(_("Tjeneste"), page.case.unit.name))
        if page.deputy is not None:
            story.append(self.labelled(_("Stedfortreder"), page.deputy.display_name))
        return story

    def measures_part(self, page: selectors.PlanPage) -> list:
        if not page.measures:
            return [self.p(_("Ingen tiltak ennå."), "small")]
        story = []
        for view in page.measures:
            m = view.measure
            lines = [Paragraph(f"<b>{text(m.service)}</b>", self.s["body"])]
            responsible = m.responsible_organisation.name
            if m.responsible_person_id:
                responsible = f"{m.responsible_person.display_name} ({responsible})"
            lines.append(self.labelled(_("Ansvarlig"), responsible))
            if m.extent:
                lines.append(self.labelled(_("Omfang"), m.extent))
            if m.period_from or m.period_until:
                lines.append(self.labelled(_("Periode"), f"{_date(m.period_from)} – {_date(m.period_until)}"))
            decision = m.decision_display
            dates = [
                (_("søkt"), m.applied_on),
                (_("vedtak"), m.decided_on),
                (_("klaget"), m.appealed_on),
            ]
            shown = ", ".join(f"{label} {no_date(day)}" for label, day in dates if day)
            lines.append(self.labelled(_("Vedtak"), f"{decision} ({shown})" if shown else decision))
            story.append(KeepTogether(lines + [Spacer(1, 2 * mm)]))
        return story

    def period_part(self, page: selectors.PlanPage) -> list:
        plan = page.plan
        story = [
            self.labelled(_("Planen gjelder fra"), _date(plan.period_from)),
            self.labelled(_("Planen gjelder til"), _date(plan.period_until)),
            self.labelled(_("Neste gang vi går gjennom planen"), _date(plan.next_revision_on)),
        ]
        latest = page.latest_revision
        if latest is not None:
            story.append(self.labelled(
                _("Sist gått gjennom"), f"{no_date(latest.revised_on)}: {latest.what_changed}"
            ))
        return story

    def consent_part(self, page: selectors.PlanPage) -> list:
        plan = page.plan
        if plan.consent_given_on:
            story = [self.p(_("Jeg samtykket til planen %(date)s (%(how)s).") % {
                "date": no_date(plan.consent_given_on), "how": plan.get_consent_given_how_display().lower()
            })]
        else:
            story = [self.p(_("Samtykke til planen er ikke registrert ennå."))]
        if page.participants:
            story.append(self.p(_("Disse kan se planen fordi jeg har samtykket:")))
            for consent in page.participants:
                line = _("%(name)s, til og med %(date)s") % {
                    "name": consent.grantee_name, "date": _date(consent.valid_until)
                }
                story.append(Paragraph(text(line), self.s["body"], bulletText="•"))
        return story

    # --- the document --------------------------------------------------------------------------------------------

    def story(self, page: selectors.PlanPage, printed) -> list:
        plan = page.plan
        story = [
            Paragraph(text(_("Min plan")), self.s["h1"]),
            self.p(_("Individuell plan for %(name)s") % {"name": page.owner.full_name}),
            self.p(_("Status: %(status)s. Versjon %(version)s, skrevet ut %(date)s.") % {
                "status": plan.get_status_display(), "version": plan.version, "date": no_date(printed.date())
            }, "small"),
        ]
        if plan.status == Plan.Status.DECLINED:
            story.append(self.p(_("Jeg takket nei til planen %(date)s.") % {"date": _date(plan.declined_on)}))
        if plan.status == Plan.Status.ENDED:
            story.append(self.p(_("Planen ble avsluttet %(date)s.") % {"date": _date(plan.ended_on)}))
        parts = [
            self.goals_part(page),
            self.participants_part(page),
            self.coordinator_part(page),
            self.free_text(plan.contributions, _("Ikke skrevet ennå.")),
            self.measures_part(page),
            self.free_text(plan.how_carried_out, _("Ikke skrevet ennå.")),
            self.period_part(page),
            self.consent_part(page),
            self.free_text(plan.cooperation, _("Ikke skrevet ennå.")),
        ]
        for (number, title), content in zip(page.sections(), parts, strict=True):
            # A heading never ends a page alone: it goes with the first part of its content.
            story.append(KeepTogether([Paragraph(text(f"{number}. {title}"), self.s["h2"]), *content[:1]]))
            story += content[1:]
        return story

    def generate(self, page: selectors.PlanPage) -> tuple[str, str, bytes]:
        printed = timezone.localtime()
        plan = page.plan
        buffer = io.BytesIO()
        title = _("Individuell plan for %(name)s") % {"name": page.owner.full_name}
        doc = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=22 * mm,
            title=title, author="koordinator", lang="nb",
        )
        footer = _("Individuell plan, versjon %(version)s · skrevet ut %(date)s") % {
            "version": plan.version, "date": no_date(printed.date())
        }
        doc.build(self.story(page, printed), canvasmaker=numbered_canvas(footer, size=12 if self.large else 8))
        suffix = "-stor-skrift" if self.large else ""
        filename = f"plan-{plan.pk}-v{plan.version}{suffix}.pdf"
        return filename, "application/pdf", buffer.getvalue()


def render_plan_pdf(user: User, plan: Plan | int, large: bool = False) -> tuple[str, str, bytes]:
    """The plan as a PDF for ``user`` (Http404 outside the gate). A reader other than the owner is logged."""
    page = selectors.plan_page(user, plan)
    what = gettext_lazy("Individuell plan (PDF, stor skrift)") if large else gettext_lazy("Individuell plan (PDF)")
    access.record_access(user, [page.owner], what, AccessEvent.Channel.PDF)
    return PlanRenderer(large=large).generate(page)
