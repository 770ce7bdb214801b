import pytest

from accounts.services.api_keys import api_key_create
from tests.accounts.test_api_keys import bearer

pytestmark = pytest.mark.django_db


def test_a_key_over_its_rate_limit_gets_429_with_retry_after(world_a):
    _, plaintext = api_key_create(tenant=world_a.tenant, name="slow", scopes=["read"], rate_limit_per_minute=3)
    client = bearer(plaintext)
    statuses = [client.get("/api/v1/accounts/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/accounts/")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["errors"][0]["code"] == "throttled"


def test_rate_limits_are_per_key(world_a):
    _, first = api_key_create(tenant=world_a.tenant, name="a", scopes=["read"], rate_limit_per_minute=1)
    _, second = api_key_create(tenant=world_a.tenant, name="b", scopes=["read"], rate_limit_per_minute=1)
    assert bearer(first).get("/api/v1/accounts/").status_code == 200
    assert bearer(first).get("/api/v1/accounts/").status_code == 429
    assert bearer(second).get("/api/v1/accounts/").status_code == 200
