"""API routes of outcomes (report); included by koordinator/api/urls.py."""

urlpatterns: list = []
