"""The plan as a PDF, normal and large print. Outside the gate is a 404 (``selectors.plan_page``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from koordinator.toolkit.pages import pdf_response
from plans.pdf import render_plan_pdf


def _respond(request: HttpRequest, pk: int, *, large: bool) -> HttpResponse:
    return pdf_response(*render_plan_pdf(request.user, pk, large=large))


@login_required
@require_GET
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _respond(request, pk, large=False)


@login_required
@require_GET
def plan_pdf_large(request: HttpRequest, pk: int) -> HttpResponse:
    return _respond(request, pk, large=True)
