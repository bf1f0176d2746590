"""API routes of reach (messages); included by reach/api/urls.py. Names are prefixed ``api-``."""

urlpatterns: list = []
