"""Page routes of reach (inbound); included by reach/urls.py. Page URLs are Norwegian; names are English.

The SMS gateway's two webhooks (signed, no session: ``reach.views.inbound``) and the leader's inbox."""

from django.urls import path

from reach.views import inbound

urlpatterns = [
    path("sms/innkommende/", inbound.sms_incoming, name="reach_sms_incoming"),
    path("sms/kvittering/", inbound.sms_receipt, name="reach_sms_receipt"),
    path("leder/sms/", inbound.sms_inbox, name="reach_sms_inbox"),
    path("leder/sms/<int:pk>/behandlet/", inbound.sms_inbox_handle, name="reach_sms_inbox_handle"),
]
