"""Page routes of outcomes (rounds); included by koordinator/urls.py. Page URLs are Norwegian; names are English."""

from django.urls import path

from outcomes.views import rounds

urlpatterns = [
    path("saker/<int:pk>/livskvalitet/", rounds.case_rounds, name="qol_rounds"),
    path("saker/<int:pk>/livskvalitet/ny/", rounds.round_create, name="qol_round_create"),
    path("livskvalitet/<int:pk>/", rounds.round_edit, name="qol_round_edit"),
    path("min-side/livskvalitet/", rounds.my_qol_round, name="my_qol_round"),
]
