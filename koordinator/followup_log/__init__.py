"""The follow-up log (*kontaktlogg*): writing entries, reading them, quiet cases and activity figures.

Reads are in ``selectors``, writes in ``services`` (callers use the package: ``followup_log.create_entry``). Writes
follow DESIGN.md rule 2 like ``koordinator/services.py`` and ``koordinator/continuity``: the acting
user is explicit, every rule is checked before anything is saved, the history user and reason are set, and
it all happens in one transaction (bad input raises :class:`~koordinator.services.ServiceError` and changes
nothing). Reads start from ``FollowUpEntry.objects.for_user`` and run a fixed number of queries.

Rules of the log, in plain words:

* The case's staff (trust person, deputy, leader) write, change and archive entries. The owner reads every
  live entry about them; a partner reads them only while a consent with the follow-up-log scope is in force.
* An entry is not written ahead of time (that is what the next appointment is for), and not after the case
  has ended, unless the contact happened before the ending.
* «Tried, but did not meet» (``not_met``) is recorded and shown, but it is **not contact**: it does not end a
  quiet spell and is not counted among the contacts in the figures (it has its own row).
* **Quiet cases**: an open case in intake or active follow-up with no contact logged for
  ``settings.FOLLOWUP_QUIET_DAYS`` days (default 14) is quiet, counted from the last contact or, when there
  has been none, from the day the case started. A paused (dormant) case is never quiet: the pause is agreed.
  The trust person gets one reminder per quiet spell; a new contact ends the spell (and cancels a reminder
  that has not gone out), and a later spell gets a new reminder.
"""

from koordinator.followup_log import links
from koordinator.followup_log.common import (
    ACTIVITY_MONTHS,
    ENTRY_FIELDS,
    MAX_DURATION_MINUTES,
    MESSAGES,
    NOTE_MAX_LENGTH,
    QUIET_STATUSES,
    Kind,
    entry_fields,
    quiet_days,
)
from koordinator.followup_log.links import EntryLink, entry_links, register_entry_link
from koordinator.followup_log.selectors import (
    CASE_PAGE_ENTRIES,
    ENTRY_RELATED,
    Activity,
    CaseLog,
    KindRow,
    Quiet,
    WorkerActivity,
    activity_by_trust_person,
    activity_for_case,
    case_log,
    entries_about_me,
    entries_for_case,
    mark_quiet,
    quiet_cases,
    quiet_info,
    quiet_key,
    quiet_key_prefix,
    visible_entries,
)
from koordinator.followup_log.services import (
    archive_entry,
    create_entry,
    quiet_reminders,
    update_entry,
)

__all__ = [
    "ACTIVITY_MONTHS",
    "Activity",
    "CASE_PAGE_ENTRIES",
    "EntryLink",
    "CaseLog",
    "ENTRY_FIELDS",
    "ENTRY_RELATED",
    "Kind",
    "KindRow",
    "MAX_DURATION_MINUTES",
    "MESSAGES",
    "NOTE_MAX_LENGTH",
    "QUIET_STATUSES",
    "Quiet",
    "WorkerActivity",
    "activity_by_trust_person",
    "activity_for_case",
    "archive_entry",
    "case_log",
    "create_entry",
    "entry_fields",
    "entry_links",
    "links",
    "entries_about_me",
    "entries_for_case",
    "mark_quiet",
    "quiet_cases",
    "quiet_days",
    "quiet_info",
    "quiet_key",
    "quiet_key_prefix",
    "quiet_reminders",
    "register_entry_link",
    "update_entry",
    "visible_entries",
]
