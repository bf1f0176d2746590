"""Page routes of reach (staff's alert settings); included by reach/urls.py. Page URLs are Norwegian; names are
English."""

from django.urls import path

from reach.views import alerts

urlpatterns = [
    path("konto/varsler/", alerts.staff_alert_settings, name="staff_alert_settings"),
]
