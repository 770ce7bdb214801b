"""Accounts through the REST API: CRUD, upsert by external id, filters, ordering, pagination."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Account
from tests.conftest import api_as
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_key_with_write_scope_creates_an_account_in_its_own_tenant(key_client_a, world_a):
    response = key_client_a.post(
        "/api/v1/accounts/", {"external_id": "crm-1", "name": "Globex", "arr": "12000.50"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["currency"] == "USD" and body["arr"] == "12000.50"
    assert Account.objects.for_tenant(world_a.tenant).get(external_id="crm-1").name == "Globex"


def test_list_is_cursor_paginated_and_only_shows_the_callers_tenant(key_client_a, world_a, world_b):
    AccountFactory.create_batch(3, tenant=world_a.tenant)
    AccountFactory.create_batch(2, tenant=world_b.tenant)
    page = key_client_a.get("/api/v1/accounts/?limit=2").json()
    assert len(page["results"]) == 2 and page["next"]
    rest = key_client_a.get(page["next"]).json()
    assert len(rest["results"]) == 1 and rest["next"] is None


def test_upsert_by_external_id_creates_then_updates_only_the_fields_sent(key_client_a, world_a):
    url = "/api/v1/accounts/by-external-id/sf-001"
    created = key_client_a.put(url, {"name": "Initech", "licenses": 40}, format="json")
    assert created.status_code == 201, created.json()
    updated = key_client_a.put(url, {"licenses": 55}, format="json")
    assert updated.status_code == 200
    assert updated.json()["name"] == "Initech" and updated.json()["licenses"] == 55
    assert Account.objects.for_tenant(world_a.tenant).filter(external_id="sf-001").count() == 1
    assert key_client_a.get(url).json()["id"] == created.json()["id"]


def test_upsert_rejects_a_body_external_id_that_differs_from_the_path(key_client_a):
    response = key_client_a.put("/api/v1/accounts/by-external-id/a", {"external_id": "b", "name": "X"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "external_id"


def test_filters_and_ordering(key_client_a, world_a):
    AccountFactory(tenant=world_a.tenant, name="Small", arr=1000, segment="smb")
    AccountFactory(tenant=world_a.tenant, name="Big", arr=900000, segment="enterprise")
    names = [a["name"] for a in key_client_a.get("/api/v1/accounts/?ordering=-arr").json()["results"]]
    assert names == ["Big", "Small"]
    found = key_client_a.get("/api/v1/accounts/?segment=ENTERPRISE").json()["results"]
    assert [a["name"] for a in found] == ["Big"]
    assert [a["name"] for a in key_client_a.get("/api/v1/accounts/?arr_min=5000").json()["results"]] == ["Big"]


def test_executive_sponsor_must_be_a_contact_of_the_account(key_client_a, world_a):
    account = AccountFactory(tenant=world_a.tenant)
    other = ContactFactory(account=AccountFactory(tenant=world_a.tenant))
    mine = ContactFactory(account=account)
    bad = key_client_a.patch(f"/api/v1/accounts/{account.pk}/", {"executive_sponsor": other.pk}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["attr"] == "executive_sponsor"
    good = key_client_a.patch(f"/api/v1/accounts/{account.pk}/", {"executive_sponsor": mine.pk}, format="json")
    assert good.status_code == 200


def test_duplicate_external_id_is_a_validation_error_not_a_500(key_client_a, world_a):
    AccountFactory(tenant=world_a.tenant, external_id="dup")
    response = key_client_a.post("/api/v1/accounts/", {"external_id": "dup", "name": "Again"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "code": "unique",
        "detail": "An account with this external_id already exists.",
        "attr": "external_id",
    }


def test_the_same_external_id_may_exist_in_another_tenant(key_client_a, world_b):
    AccountFactory(tenant=world_b.tenant, external_id="shared-id")
    assert (
        key_client_a.post("/api/v1/accounts/", {"external_id": "shared-id", "name": "Mine"}, format="json").status_code
        == 201
    )


def test_viewer_reads_but_cannot_write(world_a):
    viewer = api_as(world_a.viewer)
    assert viewer.get("/api/v1/accounts/").status_code == 200
    response = viewer.post("/api/v1/accounts/", {"external_id": "v", "name": "V"}, format="json")
    assert response.status_code == 403
    assert response.json()["type"] == "client_error"


def test_csm_may_update_the_accounts_they_own_and_no_others(world_a):
    theirs = AccountFactory(tenant=world_a.tenant, csm_owner=world_a.csm)
    not_theirs = AccountFactory(tenant=world_a.tenant)
    csm = api_as(world_a.csm)
    assert csm.patch(f"/api/v1/accounts/{theirs.pk}/", {"segment": "smb"}, format="json").status_code == 200
    assert csm.patch(f"/api/v1/accounts/{not_theirs.pk}/", {"segment": "smb"}, format="json").status_code == 403
    assert csm.delete(f"/api/v1/accounts/{theirs.pk}/").status_code == 403
    assert csm.put("/api/v1/accounts/by-external-id/new-one", {"name": "N"}, format="json").status_code == 403


def test_admin_deletes_an_account(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    assert api_as(world_a.admin).delete(f"/api/v1/accounts/{account.pk}/").status_code == 204
    assert not Account.objects.for_tenant(world_a.tenant).filter(pk=account.pk).exists()


def test_members_endpoint_lists_the_tenants_people_read_only(key_client_a, world_a, world_b):
    emails = {m["email"] for m in key_client_a.get("/api/v1/members/").json()["results"]}
    assert emails == {"admin@alpha.test", "csm@alpha.test", "viewer@alpha.test"}
    assert key_client_a.post("/api/v1/members/", {}, format="json").status_code == 405


def test_unauthenticated_requests_get_401_with_the_error_shape(db):
    response = APIClient().get("/api/v1/accounts/")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"
