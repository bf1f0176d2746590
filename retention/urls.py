"""Page routes of retention; included by koordinator/urls.py. Page URLs are Norwegian; names are English."""

from django.urls import path

from retention import views

urlpatterns: list = [
    path("leder/oppbevaring/", views.overview, name="retention_overview"),
    path("leder/oppbevaring/slettestopp/ny/", views.hold_create, name="legal_hold_create"),
    path("leder/oppbevaring/slettestopp/<int:pk>/opphev/", views.hold_lift, name="legal_hold_lift"),
]
