"""Every API route and every page of the apps has a column in some permission matrix.

The matrices are the :class:`tests.matrix.Table` objects at module level of the ``test_*matrix*.py`` modules under
``tests/``; each column's action names its route (URL name). This test walks Django's URL resolver and fails,
naming the route, when one that must be in a matrix is in none: every named route of the URLconf, except Django's
admin and the routes listed in ``NOT_IN_A_MATRIX`` with the reason they carry no one's personal data. It also fails
when a matrix names a route that does not exist, or the list names one that does not exist or is in a matrix after
all, so neither goes stale.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

from tests.matrix import Table

TESTS_DIR = Path(__file__).resolve().parent

# Whole URL namespaces no matrix needs to cover.
NAMESPACES_NOT_IN_A_MATRIX = {
    "admin": "Django's admin, for administrators: accounts, municipalities, organisations and roles; it reads no "
             "plans (DESIGN.md) and has Django's own staff check",
}

# Routes no matrix needs to cover, with the reason.
NOT_IN_A_MATRIX = {
    "login": "the log-in page: open to everyone by design, shows no one's data",
    "logout": "logging out ends one's own session; shows no one's data",
    "password_change": "one's own password, for whoever is logged in; no one else's data "
                       "(tests/koordinator/test_auth.py)",
    "password_change_done": "the confirmation after changing one's own password; no data",
    "set_language": "Django's language switch (i18n): sets a cookie, no data",
    "favicon": "/favicon.ico: a redirect to the site's icon, open to everyone, no data",
    # OpenID Connect log-in (koordinator.signin.oidc; tests/koordinator/test_signin_oidc.py)
    "oidc_citizen_start": "starts a log-in with ID-porten: a redirect to the provider, open to everyone, no data",
    "oidc_citizen_callback": "ID-porten's answer: logs its own person in or shows a refusal; no one else's data",
    "oidc_staff_start": "starts a staff log-in: a redirect to the provider, open to everyone, no data",
    "oidc_staff_callback": "the staff provider's answer: logs its own person in or shows a refusal; no data",
    "logged_out": "the page after an OpenID log-out: open to everyone, no data",
    # The second factor for password log-ins (koordinator.signin.second_factor; tests: test_second_factor.py)
    "second_factor_verify": "the code after the password, for the pending log-in's own person; shows no data",
    "second_factor_recovery": "a recovery code instead, for the pending log-in's own person; shows no data",
    "second_factor_enrol": "setting up one's own authenticator app (pending or logged in); no other data",
    "second_factor_enrol_account": "setting up one's own authenticator app while logged in; no other data",
    "second_factor_cancel": "forgets one's own pending log-in (POST); no data",
    "second_factor_manage": "one's own «Innlogging og sikkerhet», for whoever is logged in; no other data",
    "second_factor_codes": "one's own new recovery codes, shown once, for whoever is logged in",
    "second_factor_new_codes": "makes one's own new recovery codes, with a code from the app; no other data",
    "second_factor_remove": "turns one's own second factor off (a service user, with a code); no other data",
    "staff_alert_settings": "one's own «Varsle meg også på SMS», staff only (404 for others); no other data "
                            "(tests/reach/test_alert_settings.py)",
    "api_schema": "the OpenAPI schema: describes the API, holds no data (tests/koordinator/test_api_schema.py)",
    "api_docs": "the interactive API documentation page: static, no data",
}


def _routes(patterns, prefix: str = "", namespace: str | None = None):
    """(route name or path, full path, namespace) for every URL pattern, recursively."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            path = prefix + str(pattern.pattern)
            yield pattern.name or path, path, namespace


def all_routes() -> dict[str, str]:
    """Every route outside the excluded namespaces: {name: path}."""
    return {name: path for name, path, namespace in _routes(get_resolver().url_patterns)
            if namespace not in NAMESPACES_NOT_IN_A_MATRIX}


def matrix_modules() -> list:
    names = sorted(
        ".".join(path.relative_to(TESTS_DIR.parent).with_suffix("").parts)
        for path in TESTS_DIR.rglob("test_*matrix*.py")
    )
    return [importlib.import_module(name) for name in names]


def matrix_tables() -> list[tuple[str, Table]]:
    """(module, table) for every matrix table at module level of a matrix module (also in lists and dicts)."""
    found: dict[int, tuple[str, Table]] = {}
    for module in matrix_modules():
        for value in vars(module).values():
            values = value.values() if isinstance(value, dict) else value if isinstance(value, list | tuple) \
                else [value]
            found.update({id(v): (module.__name__, v) for v in values if isinstance(v, Table)})
    return list(found.values())


def covered() -> dict[str, set[str]]:
    """{route: the matrix modules with a column for it}."""
    routes: dict[str, set[str]] = {}
    for module, table in matrix_tables():
        for route in table.routes:
            routes.setdefault(route, set()).add(module)
    return routes


def test_there_are_matrix_modules_and_tables():
    assert len(matrix_modules()) >= 6
    assert len(matrix_tables()) >= 20


def test_every_api_route_and_page_is_in_a_permission_matrix():
    routes = all_routes()
    in_a_matrix = covered()
    missing = sorted(f"{name}  ({path})" for name, path in routes.items()
                     if name not in in_a_matrix and name not in NOT_IN_A_MATRIX)
    assert not missing, (
        f"{len(missing)} route(s) in no permission matrix: add a column for each to a matrix (tests/matrix.py), or "
        f"to NOT_IN_A_MATRIX with the reason it carries no one's data:\n  " + "\n  ".join(missing)
    )


def test_the_api_routes_are_all_under_api_v1():
    # The matrices tell API routes from pages by their name (``api-…``); the API lives under /api/v1/.
    for name, path in all_routes().items():
        if path.startswith("api/"):
            assert path.startswith("api/v1/"), name
            assert name.startswith("api-") or name in NOT_IN_A_MATRIX, name


def test_the_matrices_name_only_routes_that_exist():
    routes = all_routes()
    unknown = {route: sorted(modules) for route, modules in covered().items() if route not in routes}
    assert not unknown, f"matrix columns for routes that do not exist: {unknown}"


def test_the_list_of_routes_outside_the_matrices_does_not_go_stale():
    routes = all_routes()
    assert not [name for name in NOT_IN_A_MATRIX if name not in routes], "listed, but no such route"
    in_a_matrix = covered()
    assert not [name for name in NOT_IN_A_MATRIX if name in in_a_matrix], "listed, but in a matrix after all"
