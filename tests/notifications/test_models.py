"""Webhook endpoints validate what they will be asked to do: where to send and which events."""

import base64

import pytest
from django.core.exceptions import ValidationError

from notifications.models import EndpointSecret, WebhookEndpoint


@pytest.fixture
def endpoint_of(world_a):
    def make(url="https://127.0.0.1:9/hook", event_types=("alert.opened",)):
        return WebhookEndpoint(tenant=world_a.tenant, url=url, event_types=list(event_types))

    return make


@pytest.mark.parametrize(
    "url",
    ["https://10.0.0.1/hook", "https://169.254.169.254/latest", "https://[::ffff:127.0.0.1]/", "ftp://x.example/"],
)
def test_a_destination_off_limits_is_refused_at_validation(endpoint_of, url, settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError) as caught:
        endpoint_of(url=url).full_clean()
    assert "url" in caught.value.message_dict


def test_loopback_passes_validation_only_when_allowed(endpoint_of, settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    endpoint_of(url="http://127.0.0.1:8080/hook").full_clean()
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError):
        endpoint_of(url="http://127.0.0.1:8080/hook").full_clean()


@pytest.mark.parametrize("event_types", [["alert.nope"], [], "alert.opened", [3]])
def test_event_types_must_be_a_non_empty_list_of_registered_types(endpoint_of, event_types, settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    endpoint = endpoint_of()
    endpoint.event_types = event_types
    with pytest.raises(ValidationError) as caught:
        endpoint.full_clean()
    assert "event_types" in caught.value.message_dict


def test_a_new_secret_is_whsec_and_24_random_bytes(world_a):
    endpoint = WebhookEndpoint.objects.create(
        tenant=world_a.tenant, url="https://127.0.0.1/", event_types=["alert.opened"]
    )
    first = EndpointSecret.objects.create(tenant=world_a.tenant, endpoint=endpoint)
    second = EndpointSecret.objects.create(tenant=world_a.tenant, endpoint=endpoint)
    assert first.secret.startswith("whsec_")
    assert len(base64.b64decode(first.secret.removeprefix("whsec_"))) == 24
    assert first.secret != second.secret
