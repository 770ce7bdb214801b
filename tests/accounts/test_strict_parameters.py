"""Query parameters are read strictly on every API view: cursors, limit, ordering, filters, unknown names."""

import re
from base64 import b64encode

import pytest
from django.urls import URLPattern, URLResolver
from django.urls import get_resolver as django_get_resolver

from accounts.models import Account
from tests.conftest import api_as
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def b64(text: str) -> str:
    return b64encode(text.encode("latin-1")).decode("ascii")


def errors(response) -> list[tuple[str, str]]:
    return [(e["code"], e["attr"]) for e in response.json()["errors"]]


TAMPERED_CURSORS = {
    "not base64": "not*base64!",
    "base64 without padding": "bz0",
    "percent garbage": "%%%",
    "valid base64 of garbage": b64("hello world"),
    "valid base64 of bytes": b64("\xff\xfe\x00"),
    "unknown key": b64("x=1"),
    "offset not a number": b64("o=abc"),
    "negative offset": b64("o=-1"),
    "huge offset": b64("o=" + "9" * 30),
    "offset beyond the cap": b64("o=5000"),
    "superscript offset": b64("o=²"),
    "reverse not 0 or 1": b64("r=2"),
    "repeated key": b64("o=1&o=2"),
    "NUL in position": b64("p=\x00"),
    "position not a time": b64("p=yesterday"),
    "position year 99999": b64("p=99999-01-01 00:00:00+00:00"),
    "non-ascii": "é",
    "very long": "QUFB" * 2000,
}


@pytest.mark.parametrize("url", ["/api/v1/accounts/", "/api/v1/contacts/", "/api/v1/renewals/"])
@pytest.mark.parametrize("cursor", TAMPERED_CURSORS.values(), ids=TAMPERED_CURSORS.keys())
def test_a_tampered_cursor_is_a_400_invalid_cursor(key_client_a, url, cursor):
    response = key_client_a.get(url, {"cursor": cursor})
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [{"code": "invalid_cursor", "detail": "Invalid cursor", "attr": "cursor"}]


@pytest.mark.parametrize(
    "ordering, position",
    [("licenses", "abc"), ("licenses", "9" * 30), ("-arr", "NaN-ish"), ("arr", "1e999999"), ("name", "\x00")],
)
def test_a_cursor_position_that_is_no_value_of_the_ordering_field_is_a_400(key_client_a, world_a, ordering, position):
    AccountFactory.create_batch(2, tenant=world_a.tenant)
    response = key_client_a.get("/api/v1/accounts/", {"ordering": ordering, "cursor": b64(f"p={position}")})
    assert response.status_code == 400, response.content
    assert errors(response) == [("invalid_cursor", "cursor")]


def test_links_the_api_gave_still_page_forward_and_back(key_client_a, world_a):
    AccountFactory.create_batch(5, tenant=world_a.tenant)
    first = key_client_a.get("/api/v1/accounts/?limit=2&ordering=name").json()
    second = key_client_a.get(first["next"]).json()
    back = key_client_a.get(second["previous"]).json()
    assert [a["id"] for a in back["results"]] == [a["id"] for a in first["results"]]
    assert key_client_a.get("/api/v1/accounts/?cursor=").status_code == 200  # empty: the first page


@pytest.mark.parametrize("limit", ["100000", "501", "abc", "0", "-1", "²", "1.5", " "])
@pytest.mark.parametrize("url", ["/api/v1/accounts/", "/api/v1/events/", "/api/v1/gut-reads/"])
def test_a_limit_that_is_not_a_whole_number_from_1_to_500_is_a_400_naming_limit(key_client_a, url, limit):
    response = key_client_a.get(url, {"limit": limit})
    assert response.status_code == 400, response.content
    assert [attr for _, attr in errors(response)] == ["limit"]
    assert "500" in response.json()["errors"][0]["detail"]


def test_the_largest_page_is_500(key_client_a):
    assert key_client_a.get("/api/v1/accounts/?limit=500").status_code == 200


# --- unknown parameters ------------------------------------------------------------------------------------


def api_routes():
    """(concrete path, method) for every API route: path parameters filled with placeholders."""

    def walk(patterns, prefix):
        for p in patterns:
            text = str(p.pattern).lstrip("^").replace("$", "")
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + text)
            elif isinstance(p, URLPattern) and getattr(p.callback, "actions", None):
                for method in p.callback.actions:
                    yield prefix + text, method

    out = set()
    for route, method in walk(django_get_resolver().url_patterns, "/"):
        if not route.startswith("/api/v1/") or route.endswith(r"\.(?P<format>[a-z0-9]+)/?"):
            continue
        path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route).replace("/?", "/")
        out.add((path, method))
    return sorted(out)


ROUTES = api_routes()


def test_the_route_list_covers_every_app():
    paths = {path for path, _ in ROUTES}
    for prefix in ("accounts", "events", "surveys", "follow-ups", "alerts", "renewals", "nps", "outcomes"):
        assert any(p.startswith(f"/api/v1/{prefix}/") for p in paths), prefix


@pytest.mark.parametrize("path, method", ROUTES, ids=[f"{m.upper()} {p}" for p, m in ROUTES])
def test_an_unknown_query_parameter_is_a_400_naming_it_on_every_route(world_a, path, method):
    client = api_as(world_a.admin)
    response = getattr(client, method)(f"{path}?segmnt=x", format="json")
    assert response.status_code == 400, (response.status_code, response.content)
    assert ("unknown_parameter", "segmnt") in errors(response)


def test_a_typo_in_a_filter_does_not_list_everything(key_client_a, world_a):
    AccountFactory(tenant=world_a.tenant, segment="smb")
    response = key_client_a.get("/api/v1/accounts/", {"segmnt": "enterprise"})
    assert response.status_code == 400
    assert errors(response) == [("unknown_parameter", "segmnt")]


@pytest.mark.parametrize(
    "url, query",
    [
        ("/api/v1/accounts/", {"renewal_on_after": "2026-01-01", "arr_min": "1", "arr_max": "9", "ordering": "name"}),
        ("/api/v1/accounts/", {"updated_at_before": "2030-01-01T00:00:00Z", "limit": "3", "cursor": ""}),
        ("/api/v1/contacts/", {"is_executive": "true", "last_seen_at_after": "2026-01-01T00:00:00Z"}),
        ("/api/v1/scorecards/", {"is_default": "false"}),
        ("/api/v1/follow-ups/", {"open": "true", "assignee": "me", "due_at_before": "2030-01-01T00:00:00Z"}),
        ("/api/v1/departments/queue/", {"since": "2026-01-01T00:00:00Z"}),
        ("/api/v1/nps/summary/", {"segment": "smb"}),
        ("/api/v1/outcomes/indicators/", {"lead_days": "90"}),
    ],
)
def test_the_parameters_a_view_reads_are_accepted(key_client_a, url, query):
    response = key_client_a.get(url, query)
    assert response.status_code == 200, response.content


def test_a_filter_sent_to_a_detail_page_is_a_400(key_client_a, world_a):
    account = AccountFactory(tenant=world_a.tenant, segment="smb")
    response = key_client_a.get(f"/api/v1/accounts/{account.pk}/", {"segment": "enterprise"})
    assert errors(response) == [("unknown_parameter", "segment")]


def test_an_unknown_parameter_on_a_write_changes_nothing(key_client_a, world_a):
    response = key_client_a.post("/api/v1/accounts/?dry_run=1", {"external_id": "n1", "name": "N"}, format="json")
    assert errors(response) == [("unknown_parameter", "dry_run")]
    assert not Account.objects.for_tenant(world_a.tenant).exists()


def test_a_single_valued_parameter_sent_twice_is_a_400(key_client_a):
    response = key_client_a.get("/api/v1/accounts/?segment=smb&segment=enterprise&limit=1&limit=2")
    assert errors(response) == [("repeated_parameter", "limit"), ("repeated_parameter", "segment")]
    response = key_client_a.get("/api/v1/nps/summary/?segment=a&segment=b")
    assert errors(response) == [("repeated_parameter", "segment")]


def test_a_filter_of_several_values_may_repeat(key_client_a, world_a):
    AccountFactory(tenant=world_a.tenant, lifecycle_stage="onboarding")
    AccountFactory(tenant=world_a.tenant, lifecycle_stage="adopting")
    response = key_client_a.get("/api/v1/accounts/?lifecycle_stage=onboarding&lifecycle_stage=adopting")
    assert response.status_code == 200 and len(response.json()["results"]) == 2


def test_a_stranger_learns_nothing_from_parameters():
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/accounts/?segmnt=x").status_code == 401


# --- ordering ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ordering", ["nam", "-tenant", "name,bogus", "--name", "name,,arr", "\x00"])
@pytest.mark.parametrize("url", ["/api/v1/accounts/", "/api/v1/follow-ups/", "/api/v1/alerts/"])
def test_ordering_by_an_unknown_field_is_a_400_listing_the_allowed_ones(key_client_a, url, ordering):
    response = key_client_a.get(url, {"ordering": ordering})
    assert response.status_code == 400, response.content
    assert errors(response) == [("invalid_ordering", "ordering")]
    assert "created_at" in response.json()["errors"][0]["detail"]


def test_allowed_orderings_still_order(key_client_a, world_a):
    AccountFactory(tenant=world_a.tenant, name="B", arr=1)
    AccountFactory(tenant=world_a.tenant, name="A", arr=2)
    names = [a["name"] for a in key_client_a.get("/api/v1/accounts/?ordering=-arr,name").json()["results"]]
    assert names == ["A", "B"]


# --- filter values -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, param, value",
    [
        ("/api/v1/contacts/", "is_executive", "garbage"),
        ("/api/v1/contacts/", "is_champion", "yes please"),
        ("/api/v1/scorecards/", "is_default", "maybe"),
        ("/api/v1/follow-ups/", "open", "perhaps"),
        ("/api/v1/follow-ups/", "overdue", "2"),
        ("/api/v1/alerts/", "overdue", "nah"),
        ("/api/v1/themes/", "is_active", "\x00"),
        ("/api/v1/accounts/", "renewal_on_after", "2024-02-30"),
        ("/api/v1/accounts/", "renewal_on_before", "\x00"),
        ("/api/v1/accounts/", "arr_min", "lots"),
        ("/api/v1/accounts/", "arr_max", "²"),
        ("/api/v1/accounts/", "updated_at_after", "2026-13-01T00:00:00Z"),
        ("/api/v1/accounts/", "lifecycle_stage", "nonsense"),
        ("/api/v1/accounts/", "csm_owner", "abc"),
        ("/api/v1/accounts/", "csm_owner", "²"),
        ("/api/v1/accounts/", "segment", "\x00"),
        ("/api/v1/accounts/", "name", "a\x00b"),
        ("/api/v1/contacts/", "account", "99999999999999999999999"),
        ("/api/v1/surveys/", "status", "\x00"),
        ("/api/v1/renewals/", "term_end_after", "+99:00"),
    ],
)
def test_a_malformed_filter_value_is_a_400_naming_the_parameter(key_client_a, world_a, url, param, value):
    ContactFactory(account=AccountFactory(tenant=world_a.tenant))
    response = key_client_a.get(url, {param: value})
    assert response.status_code == 400, response.content
    assert param in [attr for _, attr in errors(response)]


def test_a_strict_boolean_still_filters(key_client_a, world_a):
    account = AccountFactory(tenant=world_a.tenant)
    boss = ContactFactory(account=account, is_executive=True)
    ContactFactory(account=account, is_executive=False)
    for value in ("true", "True", "1"):
        found = key_client_a.get("/api/v1/contacts/", {"is_executive": value}).json()["results"]
        assert [c["id"] for c in found] == [boss.pk]


def test_the_schema_documents_the_limit_cap_and_the_cursor_rule(key_client_a):
    schema = key_client_a.get("/api/schema/?format=json", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "a whole number from 1 to 500" in text and "invalid_cursor" in text


def walk(client, url: str, link: str) -> list[int]:
    """Every row id met following ``link`` from ``url``."""
    ids, page = [], client.get(url)
    while True:
        assert page.status_code == 200, page.content
        ids += [row["id"] for row in page.json()["results"]]
        if not page.json()[link]:
            return ids
        page = client.get(page.json()[link])


@pytest.mark.parametrize("ordering", ["renewal_on", "-renewal_on"])
def test_pages_ordered_by_a_date_some_rows_lack_reach_every_row_once(key_client_a, world_a, ordering):
    from datetime import date

    days = [date(2026, 1, 1), None, date(2026, 3, 1), None, None, date(2026, 3, 1), None]
    accounts = [AccountFactory(tenant=world_a.tenant, renewal_on=day) for day in days]
    forward = walk(key_client_a, f"/api/v1/accounts/?ordering={ordering}&limit=2", "next")
    assert sorted(forward) == sorted(a.pk for a in accounts)
    dated = [pk for pk in forward if next(a for a in accounts if a.pk == pk).renewal_on is not None]
    assert forward[: len(dated)] == dated if not ordering.startswith("-") else forward[-len(dated) :] == dated


def test_pages_ordered_by_a_time_some_rows_lack_reach_every_row_once(key_client_a, world_a):
    from django.utils import timezone

    account = AccountFactory(tenant=world_a.tenant)
    seen = [timezone.now(), None, None, timezone.now(), None]
    contacts = [ContactFactory(account=account, last_seen_at=moment) for moment in seen]
    forward = walk(key_client_a, "/api/v1/contacts/?ordering=-last_seen_at&limit=1", "next")
    assert sorted(forward) == sorted(c.pk for c in contacts)
