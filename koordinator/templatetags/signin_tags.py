"""The log-in page's OpenID providers (koordinator.signin.oidc): which are on, with their labels."""

from django import template

from koordinator.signin import oidc

register = template.Library()


@register.simple_tag
def signin_providers() -> dict:
    """``{"citizen": {...}, "staff": {...}}`` for the providers that are on (name, label, url_name)."""
    return {provider["name"]: provider for provider in oidc.enabled_providers()}
