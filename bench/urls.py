"""The project's URLs plus the benchmark's floor. Only ``manage.py benchmark`` uses this URLconf (it switches
``ROOT_URLCONF`` for its run): the floor is never served by the real site."""

from __future__ import annotations

from django.urls import include, path

from bench import views

FLOOR_URL_NAME = "bench_floor"

urlpatterns = [
    path("__benchmark__/floor/", views.floor, name=FLOOR_URL_NAME),
    path("", include("koordinator.urls")),
]
