"""An account's custom attributes in the REST API (read, merged on write) and on its admin page."""

import json

import pytest

from accounts.custom_attributes import MAX_ATTRIBUTES
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_the_api_shows_an_accounts_custom_attributes(key_client_a, world_a):
    account = AccountFactory(tenant=world_a.tenant, custom_attributes={"employees": 250, "industry": "Energy"})
    body = key_client_a.get(f"/api/v1/accounts/{account.pk}/").json()
    assert body["custom_attributes"] == {"employees": 250, "industry": "Energy"}


def test_a_write_merges_custom_attributes_and_null_removes_one(key_client_a, world_a):
    account = AccountFactory(tenant=world_a.tenant, custom_attributes={"employees": 250, "industry": "Energy"})
    changes = {"custom_attributes": {"employees": 300, "industry": None, "region": "EMEA"}}
    response = key_client_a.patch(f"/api/v1/accounts/{account.pk}/", changes, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["custom_attributes"] == {"employees": 300, "region": "EMEA"}
    account.refresh_from_db()
    assert account.custom_attributes == {"employees": 300, "region": "EMEA"}


@pytest.mark.parametrize(
    "value",
    [["a"], {"k": [1]}, {"k": "a\x00b"}, {"k": "\ud83d"}, {f"a{i}": i for i in range(MAX_ATTRIBUTES + 1)}],
    ids=["not-an-object", "list", "nul", "surrogate", "too-many"],
)
def test_bad_custom_attributes_are_a_400_naming_the_field(key_client_a, world_a, value):
    account = AccountFactory(tenant=world_a.tenant)
    body = json.dumps({"custom_attributes": value})  # escaped as JSON text: "\ud83d" is a lone surrogate
    response = key_client_a.patch(f"/api/v1/accounts/{account.pk}/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert [e["attr"] for e in response.json()["errors"]] == ["custom_attributes"]


def test_the_admin_account_page_shows_custom_attributes_read_only(admin_client_a, world_a):
    account = AccountFactory(tenant=world_a.tenant, custom_attributes={"industry": "Energy", "public": True})
    page = admin_client_a.get(f"/admin/accounts/account/{account.pk}/change/").content.decode()
    assert "<th scope='row'>industry</th><td>Energy</td>" in page
    assert "<th scope='row'>public</th><td>true</td>" in page
    assert 'name="custom_attributes"' not in page  # shown, not an input


def test_another_tenants_custom_attributes_are_not_shown(admin_client_a, key_client_a, world_b):
    theirs = AccountFactory(tenant=world_b.tenant, custom_attributes={"secret": "x"})
    assert admin_client_a.get(f"/admin/accounts/account/{theirs.pk}/change/").status_code == 404
    assert key_client_a.get(f"/api/v1/accounts/{theirs.pk}/").status_code == 404
