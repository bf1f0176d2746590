"""API routes of reach; included by koordinator/api/urls.py. Names are prefixed ``api-``."""

from django.urls import include, path

urlpatterns = [
    path("", include("reach.api.urls_callbacks")),
    path("", include("reach.api.urls_messages")),
]
