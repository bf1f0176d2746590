"""URLs of koordinator.signin (included by koordinator.urls): the two OpenID providers and the page after log-out.

The addresses are fixed: the local OpenID provider (deploy/oidc-provider) and the browser test register them.
"""

from django.urls import path

from koordinator.signin import oidc

urlpatterns: list = [
    path("logg-inn/id-porten/", oidc.OIDCStartView.as_view(provider=oidc.CITIZEN), name="oidc_citizen_start"),
    path(
        "logg-inn/id-porten/tilbake/",
        oidc.OIDCCallbackView.as_view(provider=oidc.CITIZEN),
        name="oidc_citizen_callback",
    ),
    path("logg-inn/ansatt/", oidc.OIDCStartView.as_view(provider=oidc.STAFF), name="oidc_staff_start"),
    path(
        "logg-inn/ansatt/tilbake/",
        oidc.OIDCCallbackView.as_view(provider=oidc.STAFF),
        name="oidc_staff_callback",
    ),
    path("logget-ut/", oidc.LoggedOutView.as_view(), name="logged_out"),
]
