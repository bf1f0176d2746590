"""The quality-of-life rounds' part of *Min arbeidsliste* (``koordinator.selectors.register_worklist_section``).

«Livskvalitet: runde som skal tas»: the cases the trust person follows up themselves that a round is due for (none
yet, or the last is ``QOL_ROUND_MONTHS`` months old), each with a link to «Ny runde». One query however many cases.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from koordinator.models import User
from koordinator.selectors import WorklistItem, WorklistSection, register_worklist_section
from koordinator.timeutil import no_date
from outcomes import rounds


@register_worklist_section
def rounds_section(user: User, day: datetime.date) -> WorklistSection:
    items = []
    for case in rounds.due_cases_for(user, day):
        name = case.service_user.full_name
        if case.last_round_on is None:
            text = _("%(name)s: ny livskvalitetsrunde (den første, ved oppstart)") % {"name": name}
        else:
            text = _("%(name)s: ny livskvalitetsrunde (forrige var %(date)s)") % {
                "name": name,
                "date": no_date(case.last_round_on),
            }
        items.append(WorklistItem(text, reverse("qol_round_create", args=[case.pk])))
    return WorklistSection(
        key="livskvalitet",
        title=_("Livskvalitet: runde som skal tas"),
        items=items,
        empty_text=_("Ingen livskvalitetsrunder skal tas nå."),
    )
