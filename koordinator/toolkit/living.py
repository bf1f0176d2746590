"""Living documents: plans, crisis plans and minutes (DESIGN.md rule 4, «nothing lost»).

A living document is a model with a ``version`` number and a simple-history ``history``. Every change of its
content is saved with :func:`bump` (one more version, with who and why). A save says which version it was
based on; :func:`check_version` refuses a stale one with a :class:`VersionConflict` that carries what was
typed and what is stored now, so the conflict page (or a 412 in the API) can show both and nothing is lost.
:func:`restore_fields` brings fields back from a history record, as a new version.

The caller locks the row (``select_for_update``) and checks the rights first; these functions do not.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator.toolkit.services import ServiceError, save_with_history


class VersionConflict(ServiceError):
    """A save based on an old version of a living document. Nothing was saved, and nothing typed is lost.

    ``submitted`` holds what the caller sent, ``current`` the values now stored for the same fields, so a
    merge page (or a 409/412 response) can show both texts side by side. A subclass names its document in
    ``template`` (and ``bad_version``); ``document`` is the stored object at ``current_version``.
    """

    template = gettext_lazy(
        "Dokumentet ble endret av %(who)s mens du skrev (du startet fra versjon %(base)s, nå er det versjon "
        "%(current)s). Det du skrev er tatt vare på: se over begge tekstene og lagre på nytt."
    )
    bad_version = gettext_lazy("Oppgi hvilken versjon endringen bygger på.")

    def __init__(self, document: Model, based_on_version: int, submitted: dict, current: dict, changed_by: str = ""):
        message = str(self.template) % {
            "who": changed_by or _("noen andre"), "base": based_on_version, "current": document.version
        }
        super().__init__(message, "version")
        self.document = document
        self.current_version = document.version
        self.based_on_version = based_on_version
        self.submitted = dict(submitted)
        self.current = dict(current)
        self.changed_by = changed_by

    @property
    def differing_fields(self) -> list[str]:
        return [name for name, value in self.submitted.items() if self.current.get(name) != value]


def clean_version(value, field: str = "version", message=None) -> int:
    """A version number from the request (1 or more), or ``message`` as a field error."""
    message = str(message or VersionConflict.bad_version)
    try:
        version = int(value)
    except (TypeError, ValueError):
        raise ServiceError(message, field) from None
    if version < 1:
        raise ServiceError(message, field)
    return version


def check_version(document: Model, based_on_version, submitted: dict, current: dict,
                  conflict: type[VersionConflict] = VersionConflict) -> None:
    """Refuse a save based on another version than the stored one (``None``: the caller did not ask).

    ``conflict`` is the document's own error (``PlanConflict``, ``MinutesConflict``), so its message names it.
    """
    if based_on_version is None:
        return
    based_on = clean_version(based_on_version, message=conflict.bad_version)
    if based_on != document.version:
        last = document.history.select_related("history_user").order_by("-history_date", "-history_id").first()
        who = last.history_user.display_name if last is not None and last.history_user is not None else ""
        raise conflict(document, based_on, submitted, current, who)


def bump(document: Model, actor, reason) -> Model:
    """One more version of ``document``, saved with who and why (the timelines read these). The reason is lazy or a
    builder, and is stored in one language (``save_with_history``)."""
    document.version += 1
    return save_with_history(document, actor, reason)


def restore_fields(actor, document: Model, history_id, fields: Iterable[str], *, not_found: str = "",
                   unchanged: str = "") -> Model:
    """Bring back ``fields`` of a living document from one of its history records, as a new version.

    The caller has locked the row and checked the rights and the version. Nothing in between is lost from the
    history. ``not_found`` and ``unchanged`` name the document in the error messages (the plan by default).
    """
    try:
        history_id = int(history_id)
    except (TypeError, ValueError):
        raise ServiceError(_("Velg en versjon å gjenopprette."), "history_id") from None
    record = document.history.filter(history_id=history_id).first()
    if record is None:
        raise ServiceError(not_found or _("Fant ikke den versjonen av planen."), "history_id")
    changed = [name for name in fields if getattr(document, name) != getattr(record, name)]
    if not changed:
        raise ServiceError(unchanged or _("Planen er allerede lik denne versjonen."), "history_id")
    for name in changed:
        setattr(document, name, getattr(record, name))
    return bump(document, actor, lambda: _("Gjenopprettet fra versjon %(version)s") % {"version": record.version})
