"""Every successful log-in is recorded once, for «Mine innlogginger»."""

from __future__ import annotations

from koordinator.models import SignIn, User


def record_sign_in(user: User, method: str, *, level: str = "", factors: list[str] | tuple[str, ...] = ()) -> SignIn:
    """Record a log-in that has just succeeded (call it right after ``django.contrib.auth.login``)."""
    return SignIn.objects.create(
        user=user, method=method, level=(level or "")[:100], factors=" ".join(factors or ())[:200]
    )
