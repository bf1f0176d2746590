"""API routes of outcomes (report); included by koordinator/api/urls.py."""

from django.urls import path

from outcomes.api.report import HalfYearReportView

urlpatterns: list = [
    path("reports/half-year/", HalfYearReportView.as_view(), name="api-half-year-report"),
]
