"""Page routes of exchange; included by koordinator/urls.py. Page URLs are Norwegian; names are English."""

from django.urls import include, path

urlpatterns: list = []

# The FHIR R4 read API under /fhir/ (issue 15): exchange/fhir/urls.py.
urlpatterns += [path("", include("exchange.fhir.urls"))]
