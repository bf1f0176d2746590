"""What the messages part of reach puts on the core's pages, the gate, the worklist and run_reminders (imported by
``ReachConfig.ready``):

* the gate's policy for ``Message`` (``reach.message_access``);
* on Min side (``MY_PAGE``), «Meldinger med kontaktpersonen din»: how many are unread, the newest few, a link to the
  thread (Min side's «Beskjeder til deg» is the notifications, a different thing);
* on the case page (``CASE_LINKS``), «Meldinger» with the number unread, for the case's staff only (the page's own
  rule, ``access.is_case_staff``);
* on *Min arbeidsliste*, «Nye meldinger»: the cases with messages from the user nobody has marked read, for the
  trust person, and for the deputy while the trust person is away (the rule of «Kontakten din nå»); no section when
  there are none;
* the words the app shows for a link to the thread in a notification.

Nothing for run_reminders: a message's alert is written when it is sent.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from koordinator import access
from koordinator.continuity.selectors import absences_on
from koordinator.models import FollowUp, User
from koordinator.outbox.links import register_link_text
from koordinator.sections import CASE_LINKS, MY_PAGE, Link, Section, register_page_link, register_page_section
from koordinator.selectors import WorklistItem, WorklistSection, register_worklist_section, worked_cases
from reach import message_access
from reach import messages as service
from reach.models import Message

message_access.register()

register_link_text("reach_my_messages", gettext_lazy("Les meldingen på Min side"))
register_link_text("reach_case_messages", gettext_lazy("Les og svar"))


@register_page_section(MY_PAGE, order=5)
def my_messages(request) -> Section | None:
    """«Meldinger med kontaktpersonen din» on Min side: the unread count, the newest few, the link. A fixed number of
    queries whatever the length of the thread; the owner's own read is not logged."""
    user = request.user
    case = service.my_case(user)
    if case is None:
        return None
    newest = service.newest(user, case)
    context = {
        "case": case,
        "items": service.shown(user, case, newest),
        "unread": service.unread_count(user, case),
        "may_write": service.is_writer(user, case),
    }
    return Section("reach/messages/my_page_section.html", context)


@register_page_link(CASE_LINKS, order=40)
def case_messages_link(request, case) -> Link | None:
    """«Meldinger» on the case page, for the case's staff (the thread's own rule); with the number unread."""
    if not access.is_case_staff(request.user, case.pk):
        return None
    unread = (Message.objects.for_user(request.user).live()
              .filter(case_id=case.pk, from_service_user=True, read_at__isnull=True).count())
    if unread:
        text = ngettext("Meldinger (%(count)s ny)", "Meldinger (%(count)s nye)", unread) % {"count": unread}
    else:
        text = _("Meldinger")
    return Link(text, reverse("reach_case_messages", args=[case.pk]))


def answering_cases(user: User, day: datetime.date) -> list[tuple[FollowUp, int, datetime.datetime]]:
    """(case, unread, the oldest unread's time) for the open cases where ``user`` answers the user's messages now:
    their own as trust person, and those they are deputy for (the case's own or standing) while the trust person is
    away. Three queries however many cases and messages."""
    actor = access.actor_for(user)
    own = (Q(trust_person_id=user.pk) | Q(deputy_id=user.pk)
           | Q(deputy__isnull=True, trust_person_id__in=access.standing_for(actor)))
    rows = list(
        Message.objects.for_user(user).live()
        .filter(case__in=FollowUp.objects.open().filter(own).values("pk"), from_service_user=True,
                read_at__isnull=True)
        .values("case_id").annotate(n=Count("pk"), first=Min("sent_at"), last=Max("sent_at"))
    )
    if not rows:
        return []
    # The cases are the user's open ones as *Min arbeidsliste* reads them (once per request, through the gate, which
    # shows the user every case they are trust person or deputy for).
    wanted = {r["case_id"] for r in rows}
    cases = {c.pk: c for c in worked_cases(user, include_ended=False) if c.pk in wanted}
    if missing := wanted - cases.keys():  # never, by the rules above; read as before rather than fail
        cases.update((c.pk, c) for c in FollowUp.objects.filter(pk__in=missing).select_related("service_user"))
    away = absences_on({c.trust_person_id for c in cases.values() if c.trust_person_id != user.pk}, day)
    found = []
    for row in sorted(rows, key=lambda r: r["first"]):
        case = cases[row["case_id"]]
        if case.trust_person_id == user.pk or case.trust_person_id in away:
            found.append((case, row["n"], row["first"]))
    return found


@register_worklist_section
def messages_section(user: User, day: datetime.date) -> WorklistSection | None:
    """«Nye meldinger» on *Min arbeidsliste*: one line per case, oldest unread first."""
    if not access.actor_for(user).trust_person_unit_ids:
        return None
    items = []
    for case, count, _first in answering_cases(user, day):
        text = ngettext("%(name)s: %(count)s ny melding", "%(name)s: %(count)s nye meldinger", count) % {
            "name": case.service_user.full_name, "count": count}
        items.append(WorklistItem(text, reverse("reach_case_messages", args=[case.pk])))
    if not items:  # nothing new: no section (an empty «Nye meldinger (0)» is only noise)
        return None
    return WorklistSection(
        key="meldinger",
        title=_("Nye meldinger"),
        items=items,
    )
