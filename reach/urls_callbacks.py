"""Page routes of reach (callbacks); included by reach/urls.py. Page URLs are Norwegian; names are English."""

urlpatterns: list = []
