"""API routes of reach (callbacks); included by reach/api/urls.py. Names are prefixed ``api-``."""

urlpatterns: list = []
