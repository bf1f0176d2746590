"""Page routes of reach (inbound); included by reach/urls.py. Page URLs are Norwegian; names are English."""

urlpatterns: list = []
