"""Values the database cannot hold (a NUL character, a lone surrogate, an id beyond 64 bits, deep
nesting) are a 400 naming the field on the events API, never a 500."""

import json

import pytest

from indicators.models import Event

pytestmark = pytest.mark.django_db

URL = "/api/v1/events/"
BULK = "/api/v1/events/bulk/"


def post(client, url, body):
    # Written by json.dumps, as most clients do: a lone surrogate travels as the JSON text "\ud83d".
    return client.post(url, json.dumps(body), content_type="application/json")


def attrs(errors) -> list[str]:
    return [e["attr"] for e in errors]


def usage(account, **fields) -> dict:
    return {"type": "usage", "name": "Login", "account": account.pk, **fields}


BAD_PROPERTIES = {
    "nul": {"note": "a\x00b"},
    "surrogate": {"note": "hi \ud83d"},
    "surrogate-in-a-key": {"k\udc00": 1},
    "nul-nested": {"a": [{"b": "\x00"}]},
}


@pytest.mark.parametrize("properties", BAD_PROPERTIES.values(), ids=BAD_PROPERTIES.keys())
def test_unstorable_text_in_properties_is_a_400_naming_properties(key_client_a, account_a, properties):
    response = post(key_client_a, URL, usage(account_a, properties=properties))
    assert response.status_code == 400, response.content
    assert attrs(response.json()["errors"]) == ["properties"]
    assert not Event.unscoped.exists()


@pytest.mark.parametrize("field", ["name", "message_id", "account_external_id"])
def test_a_lone_surrogate_in_another_text_field_is_a_400_naming_it(key_client_a, account_a, field):
    response = post(key_client_a, URL, usage(account_a, **{field: "x\ud83d"}))
    assert response.status_code == 400, response.content
    assert attrs(response.json()["errors"]) == [field]


@pytest.mark.parametrize("properties", BAD_PROPERTIES.values(), ids=BAD_PROPERTIES.keys())
def test_bulk_rejects_only_the_item_with_unstorable_text(key_client_a, account_a, properties):
    items = [usage(account_a, message_id="ok"), usage(account_a, message_id="bad", properties=properties)]
    response = post(key_client_a, BULK, items)
    assert response.status_code == 201, response.content
    body = response.json()
    assert [e["index"] for e in body["events"]] == [0]
    assert [(r["index"], attrs(r["errors"])) for r in body["rejected"]] == [(1, ["properties"])]
    assert list(Event.unscoped.values_list("message_id", flat=True)) == ["ok"]


def test_bulk_of_only_bad_items_names_index_and_field(key_client_a, account_a):
    response = post(key_client_a, BULK, [usage(account_a, properties={"note": "\ud83d"})])
    assert response.status_code == 400, response.content
    assert attrs(response.json()["errors"]) == ["0.properties"]


def communication(account, csm) -> dict:
    return {"type": "communication", "name": "call", "account": account.pk,
            "properties": {"direction": "proactive", "csm": csm}}  # fmt: skip


@pytest.mark.parametrize("csm", [2**64, 2**63, -(2**64), 10**30])
def test_an_id_beyond_64_bits_is_a_400_naming_the_field(key_client_a, account_a, csm):
    response = post(key_client_a, URL, communication(account_a, csm))
    assert response.status_code == 400, response.content
    assert attrs(response.json()["errors"]) == ["properties.csm"]


@pytest.mark.parametrize("field", ["account", "contact"])
def test_an_account_or_contact_id_beyond_64_bits_is_a_400_naming_it(key_client_a, account_a, field):
    response = post(key_client_a, URL, {**usage(account_a), field: 2**64})
    assert response.status_code == 400, response.content
    assert attrs(response.json()["errors"]) == [field]


def test_bulk_with_an_id_beyond_64_bits_rejects_that_item(key_client_a, world_a, account_a):
    items = [communication(account_a, world_a.csm.pk), communication(account_a, 2**64)]
    response = post(key_client_a, BULK, items)
    assert response.status_code == 201, response.content
    assert [(r["index"], attrs(r["errors"])) for r in response.json()["rejected"]] == [(1, ["properties.csm"])]
    response = post(key_client_a, BULK, items[1:])
    assert response.status_code == 400 and attrs(response.json()["errors"]) == ["0.properties.csm"]


def test_properties_nested_too_deep_are_a_400(key_client_a, account_a):
    deep = b'{"n":' * 5000 + b"1" + b"}" * 5000
    body = b'{"type":"usage","name":"Login","account":%d,"properties":' % account_a.pk + deep + b"}"
    response = key_client_a.post(URL, body, content_type="application/json")
    assert response.status_code == 400, response.content


def test_properties_over_the_depth_limit_are_a_400_naming_properties(key_client_a, account_a):
    properties: dict = {"leaf": 1}
    for _ in range(40):
        properties = {"n": properties}
    response = post(key_client_a, URL, usage(account_a, properties=properties))
    assert response.status_code == 400, response.content
    assert attrs(response.json()["errors"]) == ["properties"]
