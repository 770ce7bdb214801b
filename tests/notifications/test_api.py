"""/api/v1/webhook-endpoints: admins and `write` keys manage them, secrets are shown once, destinations are checked."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from standardwebhooks import Webhook

from accounts.services.api_keys import api_key_create
from notifications.models import EndpointSecret, OutboxEvent, WebhookEndpoint
from notifications.services.secrets import live_secrets
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

ENDPOINTS = "/api/v1/webhook-endpoints/"
PUBLIC_URL = "https://93.184.216.34/hooks"  # a public literal address: resolves to itself, no DNS needed


def errors_by_attr(response):
    return {e["attr"]: e for e in response.json()["errors"]}


def key_client(plaintext: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


def created(client, **fields):
    body = {"url": PUBLIC_URL, "description": "CRM", "event_types": ["alert.opened"], **fields}
    response = client.post(ENDPOINTS, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture(autouse=True)
def no_loopback(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False  # as in production (it defaults to DEBUG)


# --- create, read, update, delete ---------------------------------------------------------------------


def test_an_admin_adds_an_endpoint_and_sees_its_secret_only_in_that_answer(world_a):
    admin = api_as(world_a.admin)
    answer = created(admin)
    endpoint = WebhookEndpoint.objects.for_tenant(world_a.tenant).get(pk=answer["id"])
    [stored] = EndpointSecret.objects.for_tenant(world_a.tenant).filter(endpoint=endpoint)
    assert answer["secret"] == stored.secret and answer["secret"].startswith("whsec_")
    assert (answer["url"], answer["description"], answer["event_types"]) == (PUBLIC_URL, "CRM", ["alert.opened"])
    assert (answer["enabled"], answer["disabled_reason"], answer["disabled_at"]) == (True, "", None)
    for read in (admin.get(ENDPOINTS), admin.get(f"{ENDPOINTS}{endpoint.pk}/")):
        assert read.status_code == 200
        assert stored.secret not in read.content.decode() and "secret" not in read.content.decode()


def test_a_write_key_adds_changes_and_deletes_an_endpoint(world_a, key_client_a):
    answer = created(key_client_a, event_types=["alert.opened", "alert.closed"])
    detail = f"{ENDPOINTS}{answer['id']}/"
    changed = key_client_a.patch(detail, {"description": "Billing", "event_types": ["alert.closed"]}, format="json")
    assert changed.status_code == 200
    assert (changed.json()["description"], changed.json()["event_types"]) == ("Billing", ["alert.closed"])
    replaced = key_client_a.put(detail, {"url": "https://93.184.216.35/h", "event_types": ["webhook.test"]},
                                format="json")  # fmt: skip
    assert replaced.status_code == 200 and replaced.json()["url"] == "https://93.184.216.35/h"
    assert key_client_a.delete(detail).status_code == 204
    assert not WebhookEndpoint.objects.for_tenant(world_a.tenant).exists()
    assert not EndpointSecret.objects.for_tenant(world_a.tenant).exists()


def test_unknown_event_types_are_a_400_naming_the_field_and_each_unknown_one(world_a):
    body = {"url": PUBLIC_URL, "event_types": ["alert.opened", "alert.exploded", "renewal.won"]}
    response = api_as(world_a.admin).post(ENDPOINTS, body, format="json")
    assert response.status_code == 400
    error = errors_by_attr(response)["event_types"]
    assert error["detail"].startswith("Unknown event types: alert.exploded, renewal.won (known: ")
    empty = api_as(world_a.admin).post(ENDPOINTS, {"url": PUBLIC_URL, "event_types": []}, format="json")
    assert errors_by_attr(empty)["event_types"]["detail"] == "Subscribe to at least one event type."
    assert not WebhookEndpoint.objects.for_tenant(world_a.tenant).exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://127.0.0.1/hook", "The host resolves to a non-public address (127.0.0.1)."),
        ("https://10.0.0.1/hook", "The host resolves to a non-public address (10.0.0.1)."),
        ("https://169.254.169.254/latest/meta-data/", "The host resolves to a non-public address (169.254.169.254)."),
        ("https://[::1]/hook", "The host resolves to a non-public address (::1)."),
        ("https://localhost/hook", "The host resolves to a non-public address (127.0.0.1)."),  # a name, resolved
        ("http://93.184.216.34/hook", "The URL must use https."),
        ("https://u:p@93.184.216.34/hook", "The URL may not carry credentials."),
    ],
)
def test_a_destination_off_limits_is_a_400_naming_url(world_a, url, message):
    admin = api_as(world_a.admin)
    response = admin.post(ENDPOINTS, {"url": url, "event_types": ["alert.opened"]}, format="json")
    assert response.status_code == 400
    assert errors_by_attr(response)["url"]["detail"] == message
    assert not WebhookEndpoint.objects.for_tenant(world_a.tenant).exists()
    existing = created(admin)
    moved = admin.patch(f"{ENDPOINTS}{existing['id']}/", {"url": url}, format="json")
    assert moved.status_code == 400 and errors_by_attr(moved)["url"]["detail"] == message
    assert WebhookEndpoint.objects.for_tenant(world_a.tenant).get().url == PUBLIC_URL


@pytest.mark.parametrize("field", ["secret", "tenant", "surprise"])
def test_an_unknown_body_field_is_a_400_naming_it(world_a, field):
    body = {"url": PUBLIC_URL, "event_types": ["alert.opened"], field: "x"}
    response = api_as(world_a.admin).post(ENDPOINTS, body, format="json")
    assert response.status_code == 400 and errors_by_attr(response)[field]["code"] == "unknown_field"
    endpoint = created(api_as(world_a.admin))
    for action in ("rotate-secret", "send-test"):
        sent = api_as(world_a.admin).post(f"{ENDPOINTS}{endpoint['id']}/{action}/", {field: "x"}, format="json")
        assert sent.status_code == 400 and errors_by_attr(sent)[field]["code"] == "unknown_field"
    assert EndpointSecret.objects.for_tenant(world_a.tenant).count() == 1
    assert not OutboxEvent.objects.for_tenant(world_a.tenant).exists()


def test_unknown_query_parameters_are_a_400_and_enabled_filters_the_list(world_a):
    admin = api_as(world_a.admin)
    on, off = created(admin), created(admin, enabled=False)
    assert [row["id"] for row in admin.get(ENDPOINTS, {"enabled": "false"}).json()["results"]] == [off["id"]]
    assert [row["id"] for row in admin.get(ENDPOINTS, {"enabled": "true"}).json()["results"]] == [on["id"]]
    for path in (ENDPOINTS, f"{ENDPOINTS}{on['id']}/"):
        response = admin.get(path, {"enabld": "true"})
        assert response.status_code == 400 and errors_by_attr(response)["enabld"]["code"] == "unknown_parameter"
    rotated = admin.post(f"{ENDPOINTS}{on['id']}/rotate-secret/?limit=1", {}, format="json")
    assert rotated.status_code == 400 and "limit" in errors_by_attr(rotated)
    assert admin.get(ENDPOINTS, {"enabled": "maybe"}).status_code == 400


# --- secrets and test events ----------------------------------------------------------------------------


def test_rotating_shows_the_new_secret_once_and_the_old_one_signs_until_the_overlap_ends(world_a, settings):
    settings.WEBHOOKS_SECRET_OVERLAP = timedelta(hours=2)
    admin = api_as(world_a.admin)
    answer = created(admin)
    endpoint = WebhookEndpoint.objects.for_tenant(world_a.tenant).get(pk=answer["id"])
    before = timezone.now()
    rotated = admin.post(f"{ENDPOINTS}{endpoint.pk}/rotate-secret/")
    after = timezone.now()
    assert rotated.status_code == 200
    new, until = rotated.json()["secret"], datetime.fromisoformat(rotated.json()["previous_secret_expires_at"])
    assert new.startswith("whsec_") and new != answer["secret"]
    assert before + timedelta(hours=2) <= until <= after + timedelta(hours=2)
    old_row = EndpointSecret.objects.for_tenant(world_a.tenant).get(secret=answer["secret"])
    assert old_row.expires_at == until
    assert live_secrets(endpoint) == [new, answer["secret"]]  # both sign during the overlap
    assert live_secrets(endpoint, now=until - timedelta(seconds=1)) == [new, answer["secret"]]
    assert live_secrets(endpoint, now=until) == [new]  # then only the new one
    for read in (admin.get(ENDPOINTS), admin.get(f"{ENDPOINTS}{endpoint.pk}/")):
        assert new not in read.content.decode() and answer["secret"] not in read.content.decode()


def test_rotating_an_endpoint_without_a_secret_says_nothing_expires(world_a):
    endpoint = WebhookEndpoint.objects.create(tenant=world_a.tenant, url=PUBLIC_URL, event_types=["alert.opened"])
    rotated = api_as(world_a.admin).post(f"{ENDPOINTS}{endpoint.pk}/rotate-secret/")
    assert rotated.status_code == 200 and rotated.json()["previous_secret_expires_at"] is None
    assert live_secrets(endpoint) == [rotated.json()["secret"]]


def test_send_test_queues_a_signed_test_event_and_after_a_410_needs_the_endpoint_enabled_again(
    world_a, receiver, django_capture_on_commit_callbacks
):
    admin = api_as(world_a.admin)
    answer = created(admin, url=receiver.url, event_types=["alert.closed"])
    detail = f"{ENDPOINTS}{answer['id']}/"
    receiver.answer(410)
    with django_capture_on_commit_callbacks(execute=True):
        queued = admin.post(f"{detail}send-test/")
    assert queued.status_code == 202
    event = OutboxEvent.objects.for_tenant(world_a.tenant).get(pk=queued.json()["event_id"])
    assert event.type == "webhook.test"
    [got] = receiver.received
    assert got.headers["webhook-id"] == event.pk
    assert Webhook(answer["secret"]).verify(got.body, got.headers)["data"] == {"endpoint_id": answer["id"]}
    gone = admin.get(detail).json()
    assert (gone["enabled"], gone["disabled_reason"]) == (False, "410 Gone") and gone["disabled_at"] is not None
    refused = admin.post(f"{detail}send-test/")
    assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "endpoint_disabled"
    assert OutboxEvent.objects.for_tenant(world_a.tenant).count() == 1
    enabled = admin.patch(detail, {"enabled": True}, format="json").json()
    assert (enabled["enabled"], enabled["disabled_reason"], enabled["disabled_at"]) == (True, "", None)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(f"{detail}send-test/").status_code == 202
    assert len(receiver.received) == 2


# --- who may do what --------------------------------------------------------------------------------------


def refused_writes(client, endpoint_id: int) -> list[int]:
    detail = f"{ENDPOINTS}{endpoint_id}/"
    return [
        client.post(ENDPOINTS, {"url": PUBLIC_URL, "event_types": ["alert.opened"]}, format="json").status_code,
        client.patch(detail, {"enabled": False}, format="json").status_code,
        client.put(detail, {"url": PUBLIC_URL, "event_types": ["alert.opened"]}, format="json").status_code,
        client.post(f"{detail}rotate-secret/").status_code,
        client.post(f"{detail}send-test/").status_code,
        client.delete(detail).status_code,
    ]


@pytest.mark.parametrize("who", ["csm", "viewer", "read_key"])
def test_csms_viewers_and_read_keys_neither_see_nor_change_endpoints(world_a, who):
    # A URL may be a credential (a Slack incoming webhook's is): endpoints are the admins' alone.
    answer = created(api_as(world_a.admin))
    if who == "read_key":
        client = key_client(api_key_create(tenant=world_a.tenant, name="ro", scopes=["read"])[1])
    else:
        client = api_as(getattr(world_a, who))
    assert client.get(ENDPOINTS).status_code == 403
    assert client.get(f"{ENDPOINTS}{answer['id']}/").status_code == 403
    assert refused_writes(client, answer["id"]) == [403] * 6
    endpoint = WebhookEndpoint.objects.for_tenant(world_a.tenant).get()
    assert (endpoint.enabled, endpoint.description) == (True, "CRM")
    assert live_secrets(endpoint) == [answer["secret"]] and not OutboxEvent.objects.for_tenant(world_a.tenant).exists()


def test_another_tenant_cannot_read_change_rotate_or_test_an_endpoint(world_a, world_b):
    answer = created(api_as(world_a.admin))
    detail = f"{ENDPOINTS}{answer['id']}/"
    for client in (api_as(world_b.admin), key_client(world_b.api_key_plaintext)):
        assert answer["id"] not in [row["id"] for row in client.get(ENDPOINTS).json()["results"]]
        assert client.get(detail).status_code == 404
        assert refused_writes(client, answer["id"])[1:] == [404] * 5  # [0] creates B's own endpoint
    endpoint = WebhookEndpoint.objects.for_tenant(world_a.tenant).get()
    assert (endpoint.enabled, endpoint.description) == (True, "CRM")
    assert live_secrets(endpoint) == [answer["secret"]] and not OutboxEvent.objects.for_tenant(world_a.tenant).exists()
    assert WebhookEndpoint.objects.for_tenant(world_b.tenant).count() == 2


def test_the_schema_documents_the_operations_under_their_tag(world_a):
    schema = api_as(world_a.admin).get("/api/schema/?format=json").json()
    tags = {tag["name"]: tag.get("description") for tag in schema["tags"]}
    assert tags["webhook-endpoints"].startswith("Where the tenant's events are sent")
    create = schema["paths"]["/api/v1/webhook-endpoints/"]["post"]
    assert create["tags"] == ["webhook-endpoints"] and "201" in create["responses"]
    assert set(schema["paths"]["/api/v1/webhook-endpoints/{id}/send-test/"]["post"]["responses"]) >= {"202", "404"}
    rotate = schema["paths"]["/api/v1/webhook-endpoints/{id}/rotate-secret/"]["post"]["responses"]["200"]
    name = rotate["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert set(schema["components"]["schemas"][name]["properties"]) == {"secret", "previous_secret_expires_at"}
    request = schema["components"]["schemas"]["WebhookEndpointRequest"]
    assert request["additionalProperties"] is False and "secret" not in request["properties"]


def test_a_slack_endpoint_has_no_secret_to_show_or_rotate(world_a):
    client = api_as(world_a.admin)
    answer = client.post(
        ENDPOINTS, {"url": PUBLIC_URL, "kind": "slack", "event_types": ["alert.opened"]}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    assert (answer.json()["kind"], answer.json()["secret"], answer.json()["failing_since"]) == ("slack", None, None)

    rotated = client.post(f"{ENDPOINTS}{answer.json()['id']}/rotate-secret/")

    assert rotated.status_code == 409
    assert rotated.json()["errors"][0]["code"] == "endpoint_unsigned"
    endpoint = WebhookEndpoint.objects.for_tenant(world_a.tenant).get()
    assert live_secrets(endpoint) == []
