"""Page routes of outcomes (rounds); included by koordinator/urls.py."""

urlpatterns: list = []
