"""URLs of koordinator.signin (included by koordinator.urls)."""

urlpatterns: list = []
