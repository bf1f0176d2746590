"""Page routes of outcomes (report); included by koordinator/urls.py."""

from django.urls import path

from outcomes.views import report

urlpatterns: list = [
    path("leder/halvarsrapport/", report.half_year_report, name="half_year_report"),
    path("leder/halvarsrapport/pdf/", report.half_year_report_pdf, name="half_year_report_pdf"),
    path("leder/halvarsrapport/csv/", report.half_year_report_csv, name="half_year_report_csv"),
]
