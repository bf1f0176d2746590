"""Signed links for sending apologies (*forfall*) without logging in.

Every invitation carries a link for its recipient's group membership. The token is signed with the site's
``SECRET_KEY`` (``django.core.signing``), names one meeting and one member, and expires after
``APOLOGY_LINK_MAX_AGE``; ``meetings.services.send_apologies_by_link`` checks everything else again when it is used
(the member is still in the group, the consent is still in force, the meeting is still ahead).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from koordinator.services import ServiceError

SALT = "meetings.apologies"
APOLOGY_LINK_MAX_AGE = datetime.timedelta(days=180)
# The page that takes the token (built by the pages helper): ``path("forfall/<str:token>/", …, name=…)``.
APOLOGY_URL_NAME = "meeting_apologies_by_link"


def apology_token(meeting_id: int, member_id: int) -> str:
    return signing.dumps({"meeting": meeting_id, "member": member_id}, salt=SALT, compress=True)


def read_apology_token(token: str) -> tuple[int, int]:
    """``(meeting id, member id)`` from a token; a clear error if it is broken, tampered with or too old."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=APOLOGY_LINK_MAX_AGE)
        return int(data["meeting"]), int(data["member"])
    except signing.SignatureExpired:
        raise ServiceError(_("Lenken er for gammel. Gi beskjed til møtelederen på en annen måte."), "token") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ServiceError(_("Lenken er ikke gyldig. Sjekk at hele lenken ble med."), "token") from None


def apology_url(meeting_id: int, member_id: int) -> str:
    """The full link for an invitation, or ``""`` while no page takes it.

    ``settings.SITE_URL`` (e.g. ``https://koordinator.kommune.no``) makes it absolute; without it the link is a path.
    """
    try:
        path = reverse(APOLOGY_URL_NAME, args=[apology_token(meeting_id, member_id)])
    except NoReverseMatch:
        return ""
    return getattr(settings, "SITE_URL", "").rstrip("/") + path
