"""API routes of retention; included by koordinator/api/urls.py. Names are prefixed ``api-``."""

from django.urls import path

from retention.api.views import ExpiringView

urlpatterns: list = [
    path("retention/expiring/", ExpiringView.as_view(), name="api-retention-expiring"),
]
