"""Page routes of exchange; included by koordinator/urls.py. Page URLs are Norwegian; names are English."""

from django.urls import include, path

from exchange.views import archive

urlpatterns: list = []

# The FHIR R4 read API under /fhir/ (issue 15): exchange/fhir/urls.py.
urlpatterns += [path("", include("exchange.fhir.urls"))]

# «Last ned alt om meg» (issue 15): the owner's page on Min side, and the staff's page for a person who asked on paper.
urlpatterns += [
    path("min-side/alt-om-meg/", archive.my_archive, name="my_archive"),
    path("min-side/alt-om-meg/bestill/", archive.my_archive_request, name="my_archive_request"),
    path("min-side/alt-om-meg/<int:pk>/last-ned/", archive.my_archive_download, name="my_archive_download"),
    path("brukere/<int:pk>/alt-om-personen/", archive.person_archive, name="person_archive"),
    path("brukere/<int:pk>/alt-om-personen/<int:archive_pk>/last-ned/", archive.person_archive_download,
         name="person_archive_download"),
]
