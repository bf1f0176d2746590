"""API routes of retention; included by koordinator/api/urls.py. Names are prefixed ``api-``."""

urlpatterns: list = []
