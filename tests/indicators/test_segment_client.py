"""The official Segment library (segment-analytics-python), pointed at a running csplatform.

The client posts every upload to ``{host}/v1/batch`` with the write key as the Basic user name, the
way it talks to api.segment.io; these tests run it against pytest-django's live server (so the
database is transactional) and look at the rows it leaves behind.
"""

import threading
import time

import pytest
import requests
from segment.analytics import Client
from segment.analytics import request as segment_request
from segment.analytics.request import APIError

from accounts.models import Account, Contact
from accounts.services.api_keys import api_key_create
from indicators.models import AccountDay, Event


@pytest.fixture
def write_key(world_a):
    return api_key_create(tenant=world_a.tenant, name="segment library", scopes=["ingest"])[1]


@pytest.fixture
def uploads(monkeypatch):
    """Every request the library sends: its URL and its Content-Encoding.

    The library posts through one module-level ``requests`` session; each test gets its own, and closes
    its kept-alive connections at the end, so no live-server thread serving one outlives the test.
    """
    sent, session = [], requests.Session()
    post = session.post

    def recording_post(url, **kwargs):
        sent.append((url, kwargs["headers"].get("Content-Encoding")))
        return post(url, **kwargs)

    session.post = recording_post
    monkeypatch.setattr(segment_request, "_session", session)
    yield sent
    pools = session.get_adapter("http://").poolmanager.pools
    for key in list(pools.keys()):  # the container refuses plain iteration
        pools[key].close()  # urllib3 2 closes the pools it drops only once nothing refers to them
    session.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any("process_request_thread" in t.name for t in threading.enumerate()):
        time.sleep(0.01)  # the server notices the closed connections and finishes those requests


@pytest.fixture
def make_client(live_server, uploads):
    """A client for the live server; ``errors`` collects what it reports through ``on_error``."""
    clients, errors = [], []

    def make(write_key: str, **options) -> Client:
        client = Client(
            write_key=write_key,
            host=live_server.url,
            on_error=lambda error, batch: errors.append((error, batch)),
            timeout=10,
            max_retries=1,
            upload_interval=0.05,
            **options,
        )
        clients.append(client)
        return client

    make.errors = errors
    yield make
    for client in clients:
        if not client.sync_mode:
            client.shutdown()


def test_identify_group_and_track_become_a_contact_an_account_and_an_event(
    world_a, write_key, make_client, uploads, live_server
):
    client = make_client(write_key)

    client.identify("u-ada", {"email": "Ada@Globex.example", "name": "Ada Lovelace", "title": "CTO"})
    client.group("u-ada", "g-globex", {"name": "Globex", "plan": "enterprise", "arr": 120000, "seats": 250})
    client.track("u-ada", "Report Exported", {"format": "csv"})
    client.flush()  # waits until the consumer thread has uploaded everything

    assert make_client.errors == []
    assert uploads and {url for url, _ in uploads} == {f"{live_server.url}/v1/batch"}
    account = Account.objects.for_tenant(world_a.tenant).get(external_id="g-globex")
    assert (account.name, account.segment, account.arr, account.licenses) == ("Globex", "enterprise", 120000, 250)
    contact = Contact.objects.for_tenant(world_a.tenant).get(external_id="u-ada")
    assert (contact.email, contact.name, contact.title, contact.account) == (
        "ada@globex.example",
        "Ada Lovelace",
        "CTO",
        account,
    )
    event = Event.objects.for_tenant(world_a.tenant).get()
    assert (event.type, event.name, event.account, event.contact, event.user_id) == (
        "usage",
        "Report Exported",
        account,
        contact,
        "u-ada",
    )
    assert event.properties == {"format": "csv"}
    assert event.source == "segment"
    assert abs(event.received_at - event.occurred_at).total_seconds() < 60  # the library stamps the time
    day = AccountDay.objects.for_tenant(world_a.tenant).get(account=account)
    assert (day.events, day.usage_events, day.active_users) == (1, 1, 1)


def test_a_wrong_write_key_is_reported_through_on_error_and_stores_nothing(world_a, make_client, uploads):
    client = make_client("csp_notarealkey_" + "x" * 43)

    client.identify("u-eve", {"email": "eve@example.com"})
    client.track("u-eve", "Login")
    client.flush()

    errors = make_client.errors
    assert errors  # the server refused the upload, and the library said so...
    assert all(isinstance(error, APIError) and error.status == 401 for error, _ in errors)
    assert [message["type"] for _, batch in errors for message in batch] == ["identify", "track"]
    assert len(uploads) == len(errors)  # ...without retrying: a 401 is final
    assert not Event.unscoped.exists()
    assert not Contact.unscoped.filter(external_id="u-eve").exists()


def test_gzip_bodies_in_sync_mode(world_a, write_key, make_client, uploads, live_server):
    client = make_client(write_key, gzip=True, sync_mode=True)

    client.group("u-bob", "g-initech", {"name": "Initech"})
    for n in range(3):
        client.track("u-bob", "Dashboard Viewed", {"n": n}, message_id=f"gz-{n}")
    client.track("u-bob", "Dashboard Viewed", {"n": 0}, message_id="gz-0")  # a retry: stored once

    assert uploads == [(f"{live_server.url}/v1/batch", "gzip")] * 5
    events = Event.objects.for_tenant(world_a.tenant).order_by("message_id")
    assert [(e.message_id, e.account.external_id, e.properties) for e in events] == [
        (f"gz-{n}", "g-initech", {"n": n}) for n in range(3)
    ]


def test_a_queue_larger_than_one_upload_goes_in_several_gzip_batches(world_a, write_key, make_client, uploads):
    client = make_client(write_key, gzip=True, upload_size=100)

    client.group("u-kim", "g-umbrella", {"name": "Umbrella"})
    for n in range(249):
        client.track("u-kim", "Query Run", {"n": n})
    client.flush()

    assert make_client.errors == []
    assert len(uploads) >= 3 and {encoding for _, encoding in uploads} == {"gzip"}
    account = Account.objects.for_tenant(world_a.tenant).get(external_id="g-umbrella")
    assert Event.objects.for_tenant(world_a.tenant).filter(account=account).count() == 249
    assert sum(AccountDay.objects.for_tenant(world_a.tenant).values_list("usage_events", flat=True)) == 249
