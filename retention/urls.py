"""Page routes of retention; included by koordinator/urls.py. Page URLs are Norwegian; names are English."""

urlpatterns: list = []
