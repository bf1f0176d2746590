"""The FHIR R4 read API's routes under /fhir/ (included by exchange/urls.py). Resource types and ids are FHIR's
(case-sensitive); ``metadata`` comes before the types, the catch-all last."""

from __future__ import annotations

from django.urls import path, re_path

from exchange.fhir import views

urlpatterns = [
    path("fhir/metadata", views.MetadataView.as_view(), name="fhir-metadata"),
    path("fhir/Patient/<str:id>/$everything", views.EverythingView.as_view(), name="fhir-everything"),
    path("fhir/<str:resource>/<str:id>", views.ReadView.as_view(), name="fhir-read"),
    path("fhir/<str:resource>", views.SearchView.as_view(), name="fhir-search"),
    re_path(r"^fhir(?:/(?P<rest>.*))?$", views.NotFoundView.as_view(), name="fhir-not-found"),
]
