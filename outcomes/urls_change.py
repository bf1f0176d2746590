"""Page routes of outcomes (change); included by koordinator/urls.py."""

from django.urls import path

from outcomes.views import change

urlpatterns = [
    # «Slik har det gått»: the user's own answers then and now, on Min side; the same per case for staff.
    path("min-side/slik-har-det-gatt/", change.my_change, name="my_qol_change"),
    path("saker/<int:pk>/livskvalitet/utvikling/", change.case_change, name="qol_change"),
]
