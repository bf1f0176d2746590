"""Page routes of reach; included by koordinator/urls.py. Page URLs are Norwegian; names are English."""

from django.urls import include, path

urlpatterns = [
    path("", include("reach.urls_callbacks")),  # «Ring meg»
    path("", include("reach.urls_messages")),  # messages per case
    path("", include("reach.urls_inbound")),  # the SMS gateway's webhook, the leader's inbox
    path("", include("reach.urls_alerts")),  # staff: «Varsle meg også på SMS»
]
