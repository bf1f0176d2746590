"""URLs of koordinator.signin (included by koordinator.urls): the second factor for password log-ins."""

from django.urls import path

from koordinator.signin import second_factor

urlpatterns = [
    # Between the password and being logged in (the pending state; five minutes)
    path("logg-inn/engangskode/", second_factor.verify, name="second_factor_verify"),
    path("logg-inn/reservekode/", second_factor.recovery, name="second_factor_recovery"),
    path("logg-inn/ta-i-bruk-engangskode/", second_factor.enrol, name="second_factor_enrol"),
    path("logg-inn/avbryt/", second_factor.cancel, name="second_factor_cancel"),
    # The person's own «Innlogging og sikkerhet»
    path("konto/sikkerhet/", second_factor.manage, name="second_factor_manage"),
    path(
        "konto/sikkerhet/ta-i-bruk-engangskode/",
        second_factor.enrol_account,
        name="second_factor_enrol_account",
    ),
    path("konto/sikkerhet/reservekoder/", second_factor.codes, name="second_factor_codes"),
    path("konto/sikkerhet/nye-reservekoder/", second_factor.new_codes, name="second_factor_new_codes"),
    path("konto/sikkerhet/sla-av/", second_factor.remove, name="second_factor_remove"),
]
