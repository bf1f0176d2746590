"""What an error report (the e-mail to the administrators, the log) would say about a request that failed: Django's
``ExceptionReporter`` text for a view that raised, with the POST and the frames' variables as its filter leaves them.

Used to check that secrets typed into a form (the national identity number, a one-time or recovery code) never reach
a report: the views that take them are ``sensitive_post_parameters``."""

from __future__ import annotations

import sys

from django.core.signals import got_request_exception
from django.views.debug import ExceptionReporter


class Broken(RuntimeError):
    """The failure the test causes inside the view."""


def breaks(*args, **kwargs):
    raise Broken("test: the view fails here")


def error_report(client, url: str, data: dict) -> str:
    """POST ``data`` to ``url`` (a view the test has made raise ``Broken``) and return the error report's text."""
    caught: list = []

    def catch(sender, request, **kwargs):
        caught.append((request, sys.exc_info()))

    got_request_exception.connect(catch)
    raising, client.raise_request_exception = client.raise_request_exception, False
    try:
        response = client.post(url, data)
    finally:
        client.raise_request_exception = raising
        got_request_exception.disconnect(catch)
    assert response.status_code == 500, response.status_code
    request, (exc_type, exc_value, tb) = caught[0]
    assert exc_type is Broken
    reporter = ExceptionReporter(request, exc_type, exc_value, tb, is_email=True)
    return reporter.get_traceback_text() + "\n" + "\n".join(str(v) for v in reporter.get_traceback_data().values())
