"""API routes of outcomes (rounds); included by koordinator/api/urls.py."""

urlpatterns: list = []
