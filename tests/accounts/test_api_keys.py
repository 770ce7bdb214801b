from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiKey
from accounts.services.api_keys import KEY_PATTERN, api_key_authenticate, api_key_create, api_key_revoke, hash_secret

pytestmark = pytest.mark.django_db


def bearer(plaintext):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


def test_keys_look_like_csp_id_secret_and_only_a_hash_is_stored(world_a):
    key, plaintext = api_key_create(tenant=world_a.tenant, name="CRM sync", scopes=["read"])
    assert KEY_PATTERN.match(plaintext)
    _, key_id, secret = plaintext.split("_", 2)
    stored = ApiKey.unscoped.get(pk=key.pk)
    assert stored.key_id == key_id and stored.prefix == f"csp_{key_id}"
    assert secret not in str(stored.__dict__) and stored.secret_hash == hash_secret(secret)


def test_a_key_authenticates_for_its_own_tenant_and_records_last_use(world_a):
    key, plaintext = api_key_create(tenant=world_a.tenant, name="k", scopes=["read"])
    assert api_key_authenticate(plaintext) == key
    assert ApiKey.objects.for_tenant(world_a.tenant).get(pk=key.pk).last_used_at is not None


def test_a_wrong_secret_with_a_real_key_id_is_rejected(world_a):
    _, plaintext = api_key_create(tenant=world_a.tenant, name="k", scopes=["read"])
    tampered = plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")
    assert api_key_authenticate(tampered) is None
    assert bearer(tampered).get("/api/v1/accounts/").status_code == 401


def test_a_revoked_key_gets_401(world_a):
    key, plaintext = api_key_create(tenant=world_a.tenant, name="k", scopes=["read"])
    assert bearer(plaintext).get("/api/v1/accounts/").status_code == 200
    api_key_revoke(tenant=world_a.tenant, api_key=key)
    response = bearer(plaintext).get("/api/v1/accounts/")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_key_gets_401(world_a):
    _, plaintext = api_key_create(
        tenant=world_a.tenant, name="k", scopes=["read"], expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert bearer(plaintext).get("/api/v1/accounts/").status_code == 401


def test_scopes_decide_what_a_key_may_do(world_a):
    _, read_only = api_key_create(tenant=world_a.tenant, name="r", scopes=["read"])
    _, ingest_only = api_key_create(tenant=world_a.tenant, name="i", scopes=["ingest"])
    assert bearer(read_only).get("/api/v1/accounts/").status_code == 200
    assert (
        bearer(read_only).post("/api/v1/accounts/", {"external_id": "x", "name": "X"}, format="json").status_code == 403
    )
    assert bearer(ingest_only).get("/api/v1/accounts/").status_code == 403


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer csp_short_x", "Bearer not-a-key"])
def test_malformed_authorization_headers_get_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/accounts/").status_code == 401


def test_the_key_decides_the_tenant(key_client_a, world_a, world_b):
    from tests.factories import AccountFactory

    AccountFactory(tenant=world_b.tenant, name="Theirs")
    AccountFactory(tenant=world_a.tenant, name="Ours")
    assert [a["name"] for a in key_client_a.get("/api/v1/accounts/").json()["results"]] == ["Ours"]
