"""Outcomes: sections_report (registered with the core's registries; imported by outcomes.apps).

«Halvårsrapport» on the leader's overview, for whoever the report page answers (``outcomes.report.may_read``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from koordinator.sections import LEADER_LINKS, Link, register_page_link


@register_page_link(LEADER_LINKS, order=50)
def half_year_report_link(request) -> Link | None:
    from outcomes import report

    if not report.may_read(request.user):
        return None
    return Link(_("Halvårsrapport"), reverse("half_year_report"))
