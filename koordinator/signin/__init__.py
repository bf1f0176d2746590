"""Sign-in: OpenID Connect (ID-porten, Ansattporten/Entra ID), a second factor for passwords, «Mine innlogginger».

- ``oidc``: the two OpenID providers (mozilla-django-oidc), citizens matched on ``pid``, staff on a stable claim.
- ``second_factor``: TOTP with recovery codes (django-otp) for password log-ins; nobody is logged in before it.
- ``events``: every successful log-in is a ``SignIn`` row; the person sees their own.
"""
