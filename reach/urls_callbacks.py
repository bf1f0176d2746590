"""Page routes of reach (callbacks); included by reach/urls.py. Page URLs are Norwegian; names are English."""

from django.urls import path

from reach.views import callbacks

urlpatterns = [
    path("min-side/ring-meg/", callbacks.my_callback, name="my_callback"),
    # The link at the end of every SMS: short, without a trailing slash (reach.callbacks.link_url).
    path("r/<str:token>", callbacks.callback_link, name="callback_link"),
    path("ring-meg/<int:pk>/merk/", callbacks.callback_mark, name="callback_mark"),
    path("leder/ring-meg/", callbacks.leader_callbacks, name="leader_callbacks"),
]
