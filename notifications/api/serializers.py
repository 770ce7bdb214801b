"""Webhook endpoints at the API's edge: what may be written, and the secret shown once."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers_base import TenantModelSerializer
from notifications.event_types import EVENT_TYPES
from notifications.models import WebhookEndpoint
from notifications.models.endpoint import validate_event_types


@extend_schema_field(
    {"type": "array", "items": {"type": "string", "enum": sorted(EVENT_TYPES)}, "minItems": 1},
)
class EventTypesField(serializers.ListField):
    """A list of registered event types; the unknown ones are named together under the field itself."""

    child = serializers.CharField()

    def __init__(self, **kwargs):
        super().__init__(validators=[validate_event_types], **kwargs)


EVENT_TYPES_HELP = "The events sent here: " + ", ".join(f"`{name}` ({text})" for name, text in EVENT_TYPES.items())


class WebhookEndpointSerializer(TenantModelSerializer):
    event_types = EventTypesField(help_text=EVENT_TYPES_HELP)

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id", "url", "kind", "description", "event_types", "enabled", "disabled_reason", "disabled_at",
            "failing_since", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "disabled_reason", "disabled_at", "failing_since", "created_at", "updated_at"]
        extra_kwargs = {
            "url": {"help_text": "https, to a public address (every address the host resolves to is checked)."},
            "kind": {
                "help_text": "`standard`: the signed JSON envelope. `slack`: a Slack incoming-webhook URL, sent "
                "a readable message (`text` and `blocks`), unsigned (the URL is the secret)."
            },
            "enabled": {
                "help_text": "Enabling an endpoint clears `disabled_reason`, `disabled_at` and `failing_since`."
            },
            "failing_since": {
                "help_text": "The first failed attempt since the last success; null when working. "
                "Failing for WEBHOOKS_DISABLE_AFTER_DAYS disables the endpoint."
            },
            "disabled_reason": {"help_text": "Why deliveries switched it off (e.g. the receiver answered 410 Gone)."},
        }


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True, allow_null=True,
        help_text="The signing secret (`whsec_…`). Shown only here: store it now. Null for a `slack` endpoint.",
    )  # fmt: skip

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class SecretRotatedSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The new signing secret (`whsec_…`). Shown only here: store it now.")
    previous_secret_expires_at = serializers.DateTimeField(
        allow_null=True,
        help_text="Until then the replaced secret signs too (each delivery carries both signatures); "
        "null when there was no current secret.",
    )


class TestEventQueuedSerializer(serializers.Serializer):
    event_id = serializers.CharField(
        help_text="The queued `webhook.test` event: the `webhook-id` header it arrives with."
    )
