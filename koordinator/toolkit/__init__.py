"""The public core toolkit: what plans, crisis plans, minutes and the core's own services share.

Everything an app needs from another module is a public name here; nobody imports a ``_private`` name from
another module. The toolkit belongs to the core app, has its own messages and imports neither ``plans`` nor
``meetings`` (dependencies point one way: meetings → plans → koordinator).

* :mod:`koordinator.toolkit.services` — the service contract: :class:`ServiceError`, :func:`save_with_history`,
  :func:`ensure_inside_gate` and the input cleaners (:func:`clean_text`, :func:`clean_date`, …); :func:`compose`
  and :func:`record_text` write words out in one chosen language (a message in its recipient's, a history reason
  or access-log line in ``settings.LANGUAGE_CODE``), not in the language of whoever is acting.
* :mod:`koordinator.toolkit.living` — living documents (plans, crisis plans, minutes): the version check, the
  bump, restore from the history and the :class:`VersionConflict` value object.
* :mod:`koordinator.toolkit.api` — the ETag / If-Match viewset base for living documents (412 on a stale write).
* :mod:`koordinator.toolkit.pages` — the conflict page (one template fed by the view) and the PDF response.

How to add a living document is written down in ``docs/toolkit.md``.
"""

from koordinator.toolkit.living import VersionConflict, bump, check_version, clean_version, restore_fields
from koordinator.toolkit.services import (
    MESSAGES,
    ServiceError,
    Words,
    check_fields,
    check_within_calendar,
    clean_date,
    clean_instance,
    clean_text,
    compose,
    ensure_inside_gate,
    field_label,
    record_text,
    save_with_history,
    shorten,
)

__all__ = [
    "MESSAGES",
    "ServiceError",
    "VersionConflict",
    "Words",
    "bump",
    "check_fields",
    "check_version",
    "check_within_calendar",
    "clean_date",
    "clean_instance",
    "clean_text",
    "clean_version",
    "compose",
    "ensure_inside_gate",
    "field_label",
    "record_text",
    "restore_fields",
    "save_with_history",
    "shorten",
]
