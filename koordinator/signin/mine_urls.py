"""URLs of koordinator.signin (included by koordinator.urls): «Mine innlogginger», and the national identity number
on the person page (``koordinator.signin.national_id``)."""

from django.urls import path

from koordinator.signin import mine
from koordinator.views import service_users

urlpatterns: list = [
    path("min-side/innlogginger/", mine.my_sign_ins, name="my_sign_ins"),
    path("konto/innlogginger/", mine.account_sign_ins, name="account_sign_ins"),
    # A POST with nothing in it: the number is never in a URL.
    path(
        "brukere/<int:pk>/fodselsnummer/", service_users.reveal_national_id, name="service_user_national_id"
    ),
]
