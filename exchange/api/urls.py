"""API routes of exchange; included by koordinator/api/urls.py. Names are prefixed ``api-``."""

urlpatterns: list = []
