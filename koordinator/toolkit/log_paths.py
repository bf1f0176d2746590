"""Keeping signed links out of the request logs.

Django's own warnings about a request (``django.request``: «Bad Request: /path/», «Method Not Allowed»;
``django.security.csrf``), the development server and the web server's access log (``gunicorn.access``: the
request line, the path and the referrer) print a request's path. Where a path holds a signed token that names a
person (a feedback link, a «Ring meg» link), an app hides it with a subclass of :class:`HidePaths` that names the
path's pattern and what to write instead, put on those loggers once with :func:`hide_paths_in_request_logs`::

    class HideLinks(HidePaths):
        PATTERN = re.compile(r"/r/[^/\\s\\"']+")
        REPLACEMENT = "/r/…"

gunicorn's atoms (a dict that answers «-» for an atom that is not there) are changed in place.
"""

from __future__ import annotations

import logging
import re

REQUEST_LOGGERS = ("django.request", "django.security.csrf", "django.server", "gunicorn.access", "gunicorn.error")


class HidePaths(logging.Filter):
    """Writes ``REPLACEMENT`` for every match of ``PATTERN`` in a log record's message and arguments."""

    PATTERN: re.Pattern = re.compile(r"(?!)")  # matches nothing; subclasses name theirs
    REPLACEMENT = ""

    def _hide(self, value):
        return self.PATTERN.sub(self.REPLACEMENT, value) if isinstance(value, str) else value

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._hide(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(self._hide(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            for key, value in list(record.args.items()):
                record.args[key] = self._hide(value)
        return True


def hide_paths_in_request_logs(filter_class: type[HidePaths]) -> None:
    """Put ``filter_class`` on the request loggers, once each (called when the app is ready)."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, filter_class) for existing in logger.filters):
            logger.addFilter(filter_class())
