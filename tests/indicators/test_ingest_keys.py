"""Write keys are remembered for a few seconds per process; revocation wins once that time is over."""

import pytest

from accounts.services.api_keys import api_key_create, api_key_revoke
from indicators.ingest import keys
from indicators.ingest.keys import forget_keys, ingest_key_authenticate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_memory():
    forget_keys()
    yield
    forget_keys()


def test_a_remembered_key_is_not_looked_up_again(world_a, django_assert_num_queries):
    _, plaintext = api_key_create(tenant=world_a.tenant, name="pipe", scopes=["ingest"])
    first = ingest_key_authenticate(plaintext)
    with django_assert_num_queries(0):
        assert ingest_key_authenticate(plaintext) is first


def test_a_revoked_key_is_refused_once_its_memory_expires(world_a, monkeypatch):
    key, plaintext = api_key_create(tenant=world_a.tenant, name="pipe", scopes=["ingest"])
    assert ingest_key_authenticate(plaintext) is not None
    api_key_revoke(tenant=world_a.tenant, api_key=key)
    clock = keys.time.monotonic() + keys.TTL_SECONDS + 1
    monkeypatch.setattr(keys.time, "monotonic", lambda: clock)
    assert ingest_key_authenticate(plaintext) is None


def test_a_wrong_key_is_never_remembered(world_a):
    assert ingest_key_authenticate("csp_wrongwrongwr_" + "x" * 43) is None
    assert keys._remembered == {}
