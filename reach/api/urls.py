"""API routes of reach; included by koordinator/api/urls.py. Names are prefixed ``api-``."""

urlpatterns: list = []
