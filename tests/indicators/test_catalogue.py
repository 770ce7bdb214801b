"""The product catalogue through the API: products, features, classification and merges."""

import pytest
from django.utils import timezone

from indicators.models import AccountDay, Feature, Product
from indicators.services.events import EventInput, events_record
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


def feature(tenant, key, **fields) -> Feature:
    return Feature.objects.create(tenant=tenant, key=key, name=fields.pop("name", key), **fields)


def errors(response) -> list[tuple[str, str]]:
    return sorted((e["code"], e["attr"]) for e in response.json()["errors"])


def test_a_write_key_manages_products(key_client_a, world_a):
    created = key_client_a.post("/api/v1/products/", {"key": "insights", "name": "Insights"}, format="json")
    assert created.status_code == 201, created.json()
    url = f"/api/v1/products/{created.json()['id']}/"
    assert key_client_a.patch(url, {"name": "Northwind Insights"}, format="json").json()["name"] == (
        "Northwind Insights"
    )
    assert [p["key"] for p in key_client_a.get("/api/v1/products/").json()["results"]] == ["insights"]
    assert key_client_a.delete(url).status_code == 204
    assert not Product.objects.for_tenant(world_a.tenant).exists()


def test_product_keys_are_unique_per_tenant(key_client_a, world_a, world_b):
    Product.objects.create(tenant=world_b.tenant, key="insights", name="Theirs")
    assert key_client_a.post("/api/v1/products/", {"key": "insights", "name": "A"}, format="json").status_code == 201
    again = key_client_a.post("/api/v1/products/", {"key": "insights", "name": "B"}, format="json")
    assert again.status_code == 400 and errors(again) == [("unique", "key")]


def test_only_admins_and_write_keys_change_the_catalogue(world_a):
    product = Product.objects.create(tenant=world_a.tenant, key="p", name="P")
    login = feature(world_a.tenant, "Login")
    for member in (world_a.csm, world_a.viewer):
        client = api_as(member)
        assert client.get("/api/v1/features/").status_code == 200
        assert client.post("/api/v1/products/", {"key": "q", "name": "Q"}, format="json").status_code == 403
        assert client.patch(f"/api/v1/products/{product.pk}/", {"name": "X"}, format="json").status_code == 403
        assert client.patch(f"/api/v1/features/{login.pk}/", {"is_core_value": True}, format="json").status_code == 403
    admin = api_as(world_a.admin)
    assert admin.patch(f"/api/v1/features/{login.pk}/", {"is_core_value": True}, format="json").status_code == 200


def test_features_are_renamed_classified_and_put_in_a_product(key_client_a, world_a):
    product = Product.objects.create(tenant=world_a.tenant, key="planning", name="Planning")
    login = feature(world_a.tenant, "Forecast Published")
    response = key_client_a.patch(
        f"/api/v1/features/{login.pk}/",
        {"name": "Publish a forecast", "is_core_value": True, "product": product.pk},
        format="json",
    )
    assert response.status_code == 200, response.json()
    login.refresh_from_db()
    assert (login.name, login.is_core_value, login.product) == ("Publish a forecast", True, product)
    core = key_client_a.get(f"/api/v1/features/?is_core_value=true&product={product.pk}").json()["results"]
    assert [f["id"] for f in core] == [login.pk]


def test_a_features_key_cannot_change_and_a_new_one_takes_its_key_as_name(key_client_a, world_a):
    created = key_client_a.post("/api/v1/features/", {"key": "Scenario Compared"}, format="json")
    assert created.status_code == 201 and created.json()["name"] == "Scenario Compared"
    url = f"/api/v1/features/{created.json()['id']}/"
    response = key_client_a.patch(url, {"key": "Scenario Diffed"}, format="json")
    assert response.status_code == 400 and errors(response) == [("immutable", "key")]
    duplicate = key_client_a.post("/api/v1/features/", {"key": "Scenario Compared"}, format="json")
    assert duplicate.status_code == 400 and errors(duplicate) == [("unique", "key")]


def test_another_tenants_product_or_feature_is_not_found(key_client_a, world_a, world_b):
    their_product = Product.objects.create(tenant=world_b.tenant, key="p", name="Theirs")
    their_feature = feature(world_b.tenant, "Theirs")
    mine = feature(world_a.tenant, "Mine")
    assert key_client_a.get(f"/api/v1/features/{their_feature.pk}/").status_code == 404
    assert key_client_a.get(f"/api/v1/products/{their_product.pk}/").status_code == 404
    response = key_client_a.patch(f"/api/v1/features/{mine.pk}/", {"product": their_product.pk}, format="json")
    assert response.status_code == 400 and errors(response) == [("does_not_exist", "product")]
    assert [f["key"] for f in key_client_a.get("/api/v1/features/").json()["results"]] == ["Mine"]


def merge(client, source, into):
    return client.post(f"/api/v1/features/{source.pk}/merge/", {"into": into}, format="json")


def test_after_a_merge_usage_of_the_merged_feature_counts_for_its_target(key_client_a, world_a, account_a):
    old = feature(world_a.tenant, "report_export")
    new = feature(world_a.tenant, "Report Exported")
    response = merge(key_client_a, old, new.pk)
    assert response.status_code == 200, response.json()
    assert response.json()["merged_into"] == new.pk
    body = {"type": "usage", "name": "report_export", "account": account_a.pk}
    assert key_client_a.post("/api/v1/events/", body, format="json").status_code == 201
    assert key_client_a.post("/api/v1/events/", {**body, "name": "Report Exported"}, format="json").status_code == 201
    day = AccountDay.objects.for_tenant(world_a.tenant).get(account=account_a)
    assert day.by_feature == {"Report Exported": 2}


def test_merges_never_chain(key_client_a, world_a):
    a, b, c, d = (feature(world_a.tenant, k) for k in "abcd")
    assert merge(key_client_a, b, c.pk).status_code == 200  # b -> c
    assert merge(key_client_a, a, b.pk).json()["merged_into"] == c.pk  # into a merged one: its target
    assert merge(key_client_a, d, a.pk).json()["merged_into"] == c.pk
    assert merge(key_client_a, c, d.pk).status_code == 400  # d is c's: c into itself
    fresh = feature(world_a.tenant, "e")
    assert merge(key_client_a, c, fresh.pk).status_code == 200  # c's followers follow it
    assert {f.key: f.merged_into.key for f in Feature.objects.for_tenant(world_a.tenant).exclude(merged_into=None)} == {
        "a": "e",
        "b": "e",
        "c": "e",
        "d": "e",
    }


def test_a_feature_cannot_be_merged_into_itself(key_client_a, world_a):
    login = feature(world_a.tenant, "Login")
    response = merge(key_client_a, login, login.pk)
    assert response.status_code == 400 and errors(response) == [("self_merge", "into")]


def test_merging_across_tenants_is_not_found(key_client_a, world_a, world_b):
    mine, theirs = feature(world_a.tenant, "Login"), feature(world_b.tenant, "Login")
    response = merge(key_client_a, mine, theirs.pk)
    assert response.status_code == 400 and errors(response) == [("does_not_exist", "into")]
    assert merge(key_client_a, theirs, mine.pk).status_code == 404
    theirs.refresh_from_db()
    assert theirs.merged_into is None


def test_merging_is_for_admins_and_write_keys(world_a):
    a, b = feature(world_a.tenant, "a"), feature(world_a.tenant, "b")
    assert merge(api_as(world_a.csm), a, b.pk).status_code == 403
    assert merge(api_as(world_a.admin), a, b.pk).status_code == 200


def test_merging_records_the_change_in_the_audit_trail(key_client_a, world_a):
    a, b = feature(world_a.tenant, "a"), feature(world_a.tenant, "b")
    merge(key_client_a, a, b.pk)
    latest = Feature.history.filter(id=a.pk).latest("history_date")
    assert latest.merged_into_id == b.pk and latest.history_api_key == world_a.api_key.prefix


def test_features_registered_by_usage_appear_in_the_catalogue_as_non_core(key_client_a, world_a, account_a):
    events_record(
        tenant=world_a.tenant,
        items=[EventInput(type="usage", name="Dashboard Viewed", account_id=account_a.pk, occurred_at=timezone.now())],
    )
    (listed,) = key_client_a.get("/api/v1/features/").json()["results"]
    assert (listed["key"], listed["is_core_value"], listed["merged_into"]) == ("Dashboard Viewed", False, None)
