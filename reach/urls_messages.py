"""Page routes of reach (messages); included by reach/urls.py. Page URLs are Norwegian; names are English."""

from django.urls import path

from reach.views import messages

urlpatterns = [
    path("min-side/meldinger/", messages.my_thread, name="reach_my_messages"),
    path("min-side/meldinger/lest/", messages.my_mark_read, name="reach_my_messages_read"),
    path("min-side/meldinger/<int:message_pk>/trekk-tilbake/", messages.my_withdraw,
         name="reach_my_message_withdraw"),
    path("saker/<int:pk>/meldinger/", messages.case_thread, name="reach_case_messages"),
    path("saker/<int:pk>/meldinger/lest/", messages.case_mark_read, name="reach_case_messages_read"),
    path("saker/<int:pk>/meldinger/<int:message_pk>/trekk-tilbake/", messages.case_withdraw,
         name="reach_case_message_withdraw"),
]
