"""Page routes of outcomes (change); included by koordinator/urls.py."""

urlpatterns: list = []
