"""Page routes of outcomes (report); included by koordinator/urls.py."""

urlpatterns: list = []
