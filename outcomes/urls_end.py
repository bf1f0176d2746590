"""Page routes of outcomes (the end-of-follow-up evaluation); included by koordinator/urls.py.

The evaluation is written on the core's ending page (``/saker/<pk>/avslutt/``, through ``koordinator.ending``); these
are its own pages for the case's staff."""

from django.urls import path

from outcomes.views import end_evaluation

urlpatterns = [
    path("saker/<int:pk>/sluttevaluering/", end_evaluation.detail, name="end_evaluation"),
    path("saker/<int:pk>/sluttevaluering/endre/", end_evaluation.edit, name="end_evaluation_edit"),
]
