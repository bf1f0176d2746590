"""The service contract every write follows (DESIGN.md rule 2).

A service takes the acting user explicitly, cleans its input with the functions here (a bad value is a
:class:`ServiceError` naming the field, and nothing is saved), saves with :func:`save_with_history` so the
history knows who and why, and re-checks with :func:`ensure_inside_gate` that the result is still inside the
writer's gate, all in one transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koordinator import access
from koordinator.timeutil import OUT_OF_RANGE, within_calendar

if TYPE_CHECKING:
    from koordinator.models import User

# The toolkit's own messages, kept together.
MESSAGES = {
    "unknown_fields": gettext_lazy("Ukjente felt: %(fields)s"),
    "forbidden_fields": gettext_lazy("Du kan ikke endre: %(fields)s"),
    "bad_date": gettext_lazy("Skriv en gyldig dato, for eksempel 23.11.2026."),
    "too_long": gettext_lazy("Teksten kan være høyst %(max)s tegn."),
}


class ServiceError(Exception):
    """A rule was broken. ``field`` names the input it belongs to, if any; nothing was saved."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# Words written out later, in a language chosen then: a lazy string (``gettext_lazy``), a builder (a function that
# composes the text with ``gettext`` when it is called), or a plain ``str`` taken as it is (a name, what a user typed).
Words = str | Promise | Callable[[], str]


def compose(words: Words, language: str) -> str:
    """``words`` written out in ``language``, whatever language the request that writes them is in.

    A text composed eagerly with ``gettext`` (``_("…") % {…}``) is already in the reader's language and cannot be
    put back; pass ``gettext_lazy("…")`` or a builder (``lambda: _("…") % {…}``) instead."""
    with translation.override(language):
        return str(words() if callable(words) else words)


def record_text(words: Words) -> str:
    """Text kept in the records (history reasons, the access log, notes stored on a row) is in one language,
    ``settings.LANGUAGE_CODE``, whoever wrote it: a leader who reads the app in English leaves bokmål behind."""
    return compose(words, settings.LANGUAGE_CODE)


def save_with_history(obj: Model, actor: User | None, reason: Words, **kwargs) -> Model:
    """Save ``obj`` with the acting user and the change reason its history record carries.

    The reason is stored in one language (:func:`record_text`): pass it lazy (``gettext_lazy``) or as a builder."""
    obj._history_user = actor
    obj._change_reason = record_text(reason)
    obj.save(**kwargs)
    return obj


def ensure_inside_gate(actor, obj: Model, action: str = access.CHANGE) -> None:
    """After a write, inside the transaction: the writer must still be allowed to see the result."""
    access.forget(actor)
    if not type(obj).objects.for_user(actor, action).filter(pk=obj.pk).exists():
        raise PermissionDenied


def check_fields(given: Iterable[str], allowed: Iterable[str], known: Iterable[str] | None = None) -> None:
    """Refuse fields nobody knows (``known``, default ``allowed``) and known fields this caller may not change."""
    given = set(given)
    unknown = given - set(known if known is not None else allowed)
    if unknown:
        raise ServiceError(str(MESSAGES["unknown_fields"]) % {"fields": ", ".join(sorted(unknown))})
    forbidden = given - set(allowed)
    if forbidden:
        raise ServiceError(str(MESSAGES["forbidden_fields"]) % {"fields": ", ".join(sorted(forbidden))})


def clean_text(value, field: str, *, required: str | None = None, max_length: int | None = None) -> str:
    """Plain text, trimmed. ``required`` is the message when it is empty."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ServiceError(_("Skriv tekst her."), field)
    value = value.strip()
    if required and not value:
        raise ServiceError(str(required), field)
    if max_length is not None and len(value) > max_length:
        raise ServiceError(str(MESSAGES["too_long"]) % {"max": max_length}, field)
    return value


def clean_date(value, field: str) -> datetime.date | None:
    """A date from a date, an ISO string or «23.11.2026»; ``None`` for empty. Anything else is a clear error."""
    if value is None or value == "":
        return None
    day = None
    if isinstance(value, datetime.datetime):
        day = value.date() if timezone.is_naive(value) or not within_calendar(value) else timezone.localtime(value).date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, str):
        for parse in (datetime.date.fromisoformat, lambda s: datetime.datetime.strptime(s, "%d.%m.%Y").date()):
            try:
                day = parse(value.strip())
                break
            except ValueError:
                continue
    if day is None:
        raise ServiceError(str(MESSAGES["bad_date"]), field)
    check_within_calendar(**{field: day})
    return day


def check_within_calendar(**values) -> None:
    """Each date or time given (by its field's name) is one the system can compute with: 1900–9000
    (``koordinator.timeutil``); anything else is the field's error. ``None`` and other types are left to the caller.
    The forms and the API check the same bound; a service checks it too, since a year 9999 stored would break what
    reads it later (a day added, a time converted to UTC, retention counting years from a case's end)."""
    for field, value in values.items():
        if isinstance(value, datetime.date) and not within_calendar(value):
            raise ServiceError(str(OUT_OF_RANGE), field)


def clean_instance(value, model: type[Model], field: str, message: str):
    """``value`` if it is a ``model`` instance, ``None`` for empty, else ``message`` as a field error."""
    if value is None or value == "":
        return None
    if not isinstance(value, model):
        raise ServiceError(message, field)
    return value


def field_label(model: type[Model], field: str) -> str:
    """A field's name as people read it (its verbose name), for messages and change reasons."""
    return str(model._meta.get_field(field).verbose_name)


def shorten(text: str, length: int = 60) -> str:
    """``text`` on one line, cut with «…» after ``length`` characters (for subjects and change reasons)."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
