"""«Last ned alt om meg» on the core's pages (``koordinator.sections``): a section on Min side for the owner, and on
the case page a link for the staff who may make the archive for a person who asked on paper."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from exchange.archive_access import may_produce
from exchange.models import DataArchive
from koordinator import access
from koordinator.sections import CASE_LINKS, MY_PAGE, Link, Section, register_page_link, register_page_section


@register_page_section(MY_PAGE, order=90)
def my_archive_section(request) -> Section | None:
    """«Last ned alt om meg» on Min side, with where the latest request is. One query on the (person, newest) index;
    none for someone who is not a service user."""
    service_user_id = access.actor_for(request.user).service_user_id
    if service_user_id is None:
        return None
    latest = (
        DataArchive.objects.for_user(request.user).listing()
        .filter(service_user_id=service_user_id, on_paper=False)
        .order_by("-requested_at", "-pk")
        .only("state", "expires_at", "requested_at", "service_user_id", "on_paper")
        .first()
    )
    ready = latest is not None and latest.is_ready and latest.expires_at > timezone.now()
    return Section("exchange/archive/my_page_section.html", {"latest": latest, "ready": ready})


@register_page_link(CASE_LINKS, order=70)
def person_archive_link(request, case) -> Link | None:
    """«Alt om personen» on the case page, for the staff the page opens for (``may_produce``, the question the page
    asks): never the owner, never a partner. One query (none for anyone who is not staff)."""
    if not may_produce(request.user, case.service_user_id):
        return None
    return Link(_("Alt om personen: lag arkivet når personen ber om innsyn"),
                reverse("person_archive", args=[case.service_user_id]))
