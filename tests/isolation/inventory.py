"""Every URL the project serves, and which walk covers it.

A route under ``api/v1/`` must be walked by the API walk (it comes from the OpenAPI schema; a
route missing from the schema is a coverage failure), a route under ``admin/`` by the admin walk,
one under ``v1/`` (tracking) by the ingest walk; anything else must be listed in ``EXEMPT_ROUTES``
with the reason it needs no cross-tenant walk (``test_coverage`` fails otherwise).
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

API_PREFIX = "api/v1/"
ADMIN_PREFIX = "admin/"
INGEST_PREFIX = "v1/"  # the Segment-compatible tracking API (write keys): walked by test_ingest_walk

WALKED_PREFIXES = {API_PREFIX: "test_api_walk", ADMIN_PREFIX: "test_admin_walk", INGEST_PREFIX: "test_ingest_walk"}

EXEMPT_ROUTES: dict[str, str] = {
    "admin/password_reset/": "public form, tenant-agnostic (by email); never shows tenant data",
    "admin/password_reset/done/": "static page",
    "reset/<uidb64>/<token>/": "signed single-use token door; never shows tenant data",
    "reset/done/": "static page",
    "invitations/<str:token>/": "signed invitation token door (covered by the invitation tests)",
    "email/unsubscribe/<str:token>/": "signed door bound to one member and tenant; shows only that tenant's name "
    "(tests/workspace/test_digest_unsubscribe)",
    "s/<str:token>/": "public survey page: signed token door bound to its tenant (tests/surveys/test_public_isolation)",
    "s/<str:token>/thanks/": "public survey page behind the same token (tests/surveys/test_public_isolation)",
    "s/<str:token>/unsubscribe/": "public survey page behind the same token (tests/surveys/test_public_isolation)",
    "api/schema/": "walked as an extra route by the API walk (no ids); AllowAny by design",
    "api/docs/": "walked as an extra route by the API walk (no ids)",
    "api/redoc/": "walked as an extra route by the API walk (no ids)",
    "healthz": "public probe: reads no tenant data (tests/test_health)",
    "readyz": "public probe: checks the database and Redis, reads no tenant data (tests/test_health)",
    "metrics": "operator endpoint behind METRICS_TOKEN; totals across tenants, no tenant in any label "
    "(tests/metrics/test_metrics_endpoint)",
}

# Admin routes the admin walk does not request, and why.
ADMIN_NOT_WALKED: dict[str, str] = {
    "admin/login/": "login form; the walk runs signed in (login is tested by the accounts tests)",
    "admin/logout/": "would end the walking session; shows no tenant data",
    "admin/password_change/done/": "static page",
    "admin/(?P<url>.*)$": "catch-all that appends a slash or answers 404; hit by the unnamed object URLs",
}


def all_routes() -> list[tuple[str, URLPattern]]:
    """(full route string as ResolverMatch.route spells it, pattern) for every URL pattern."""

    def join(prefix, pattern):  # as django.urls.resolvers._join_route: no "^" inside a route
        text = str(pattern.pattern)
        return prefix + (text[1:] if prefix and text.startswith("^") else text)

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, join(prefix, p))
            else:
                yield join(prefix, p), p

    return list(walk(get_resolver().url_patterns))


def api_routes() -> dict[tuple[str, str], URLPattern]:
    """(route, METHOD) for every API route and each HTTP method its viewset maps."""
    out = {}
    for route, pattern in all_routes():
        if not route.startswith(API_PREFIX):
            continue
        actions = getattr(pattern.callback, "actions", None)
        methods = [m.upper() for m in actions] if actions else ["GET"]
        for method in methods:
            out[(route, method)] = pattern
    return out


def ingest_routes() -> dict[str, URLPattern]:
    return {route: p for route, p in all_routes() if route.startswith(INGEST_PREFIX)}


def admin_routes() -> dict[str, URLPattern]:
    return {route: p for route, p in all_routes() if route.startswith(ADMIN_PREFIX) and route not in EXEMPT_ROUTES}
