"""What the inbound part of reach puts on the core's pages, the gate, the worklist and run_reminders (imported by
``ReachConfig.ready``): the link to the leader's inbox of SMS that could not be put in a user's thread, on the leader's
overview (for a leader of a municipality), and the words a link to the inbox is shown with in a notification («Se
innboksen»)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator.outbox.links import register_link_text
from koordinator.sections import LEADER_LINKS, Link, register_page_link

register_link_text("reach_sms_inbox", gettext_lazy("Se innboksen"))


@register_page_link(LEADER_LINKS, order=60)
def sms_inbox_link(request) -> Link | None:
    from reach import sms_inbound

    if not sms_inbound.may_read_inbox(request.user):
        return None
    return Link(_("SMS som ikke kunne knyttes til en bruker"), reverse("reach_sms_inbox"))
