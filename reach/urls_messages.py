"""Page routes of reach (messages); included by reach/urls.py. Page URLs are Norwegian; names are English."""

urlpatterns: list = []
