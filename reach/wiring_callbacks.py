"""What the callbacks part of reach puts on the core's pages, the gate, the worklist and run_reminders (imported by
``ReachConfig.ready``).

* The gate: ``callbacks`` (``reach.callback_access``).
* Min side (``MY_PAGE_FIRST``, after the plan's next steps and the crisis plan, which stay within the first two
  screens of a phone, and before the messages): «Ring meg», or who will call and when, or who called.
* *Min arbeidsliste*: the open requests that are the reader's to call, **on top** of the page
  (``WorklistSection.top``), each with its three marks.
* The leader's overview (``LEADER_LINKS``): «Ring meg» (``/leder/ring-meg/``: who waits now, and the figures).
* ``run_reminders``: «ring meg», the escalation (``reach.escalation``, registered when imported).
* The outbox: every SMS to a service user ends with the link to «Ring meg» (``outbox.register_sms_ending``); in the
  app that link reads «Ring meg». The link's token is kept out of the request logs.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access, outbox
from koordinator.models import AccessEvent
from koordinator.outbox.links import register_link_text
from koordinator.sections import (
    LEADER_LINKS,
    MY_PAGE_FIRST,
    Link,
    Section,
    register_page_link,
    register_page_section,
)
from koordinator.selectors import WorklistSection, register_worklist_section
from reach import callback_access, callbacks, escalation  # noqa: F401 - escalation registers its reminder

callback_access.register()
outbox.register_sms_ending(callbacks.sms_ending)
register_link_text("callback_link", gettext_lazy("Ring meg"))
callbacks.hide_links_in_request_logs()

WORKLIST_WHAT = gettext_lazy("«Ring meg» i arbeidslisten")


@register_page_section(MY_PAGE_FIRST, order=25)
def my_callback_section(request) -> Section | None:
    """«Ring meg» for a service user with an open case (or a request lately). Two queries; none for staff."""
    state = callbacks.my_callback(request.user)
    if state is None:
        return None
    from reach.views.callbacks import CallbackForm

    return Section("reach/callbacks/my_page_section.html", {"state": state, "form": CallbackForm()})


@register_worklist_section
def callbacks_on_worklist(user, day) -> WorklistSection | None:
    """The requests that are ``user``'s to call, oldest first (past their time first). The people named go in their
    access log (once a day, as the worklist's own list)."""
    rows = callbacks.worklist_rows(user)
    if not rows:
        return None
    access.record_access(user, [row.callback.service_user_id for row in rows], WORKLIST_WHAT,
                         AccessEvent.Channel.WEB, listing=True)
    return WorklistSection(
        key="ring-meg",
        title=_("Ring meg"),
        items=rows,
        template="reach/callbacks/worklist_section.html",
        top=True,
    )


@register_page_link(LEADER_LINKS, order=15)
def leader_callbacks_link(request) -> Link | None:
    if not callbacks.is_leader(request.user):
        return None
    return Link(_("Ring meg"), reverse("leader_callbacks"))
