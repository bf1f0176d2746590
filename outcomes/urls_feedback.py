"""Page routes of outcomes (feedback); included by koordinator/urls.py."""

urlpatterns: list = []
