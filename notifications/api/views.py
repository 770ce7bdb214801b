"""/api/v1/webhook-endpoints/: where the tenant's events are sent.

They send the tenant's data out, and a URL may carry a credential (a Slack incoming webhook's URL is its
own secret), so only admins (and `write` keys) see, create, change, delete, rotate and test them.
Secrets are shown once: in the answer that made them (create, rotate-secret), never on a read.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.errors import Conflict
from accounts.api.serializers_base import NoBodySerializer
from accounts.api.viewsets import TenantCrudViewSet
from accounts.roles import Role, Scope
from notifications.api.filters import WebhookEndpointFilter
from notifications.api.serializers import (
    SecretRotatedSerializer,
    TestEventQueuedSerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointSerializer,
)
from notifications.models import WebhookEndpoint
from notifications.services.endpoints import endpoint_save, endpoint_secret_rotate
from notifications.services.publish import send_test_event

# A public literal address, so the example is accepted as it stands (a name must resolve to public addresses).
NEW_ENDPOINT = OpenApiExample(
    "A CRM receiving alerts",
    value={"url": "https://93.184.216.34/webhooks", "description": "CRM", "event_types": ["alert.opened"]},
    request_only=True,
)


def _no_body(view) -> None:
    NoBodySerializer(data=view.request.data, context=view.get_serializer_context()).is_valid(raise_exception=True)


@extend_schema_view(
    list=extend_schema(summary="List webhook endpoints"),
    retrieve=extend_schema(summary="Retrieve a webhook endpoint", description="Never shows its secrets."),
    create=extend_schema(
        summary="Add a webhook endpoint",
        description="The answer carries the signing `secret`, shown this once. The URL must be https to a host "
        "whose every address is public.",
        responses={201: WebhookEndpointCreatedSerializer},
        examples=[NEW_ENDPOINT],
    ),
    update=extend_schema(summary="Replace a webhook endpoint"),
    partial_update=extend_schema(summary="Change a webhook endpoint"),
    destroy=extend_schema(summary="Delete a webhook endpoint", description="Its deliveries and their log go too."),
)
class WebhookEndpointViewSet(TenantCrudViewSet):
    """The tenant's webhook endpoints: the admins' (and `write` keys') alone."""

    model = WebhookEndpoint
    serializer_class = WebhookEndpointSerializer
    filterset_class = WebhookEndpointFilter
    ordering_fields = ["created_at", "url"]
    required_roles = dict.fromkeys(("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"), Role.ADMIN)
    required_scopes = dict.fromkeys(("GET", "HEAD", "OPTIONS"), Scope.WRITE)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = WebhookEndpoint(**serializer.validated_data)
        secret = endpoint_save(tenant=self.tenant, endpoint=endpoint)
        answer = {**WebhookEndpointSerializer(endpoint, context=self.get_serializer_context()).data}
        return Response({**answer, "secret": secret.secret if secret else None}, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        endpoint = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(endpoint, name, value)
        endpoint_save(tenant=self.tenant, endpoint=endpoint)

    @extend_schema(
        summary="Rotate the signing secret",
        description="Makes a new current secret, shown this once. The replaced one keeps signing (every delivery "
        "carries both signatures) until `previous_secret_expires_at`, so receivers can switch without losing "
        "a delivery. A `slack` endpoint has no secret: 409.",
        request=NoBodySerializer,
        responses={200: SecretRotatedSerializer},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        endpoint = self.get_object()
        _no_body(self)
        if not endpoint.is_signed:
            raise Conflict("A Slack endpoint has no signing secret: its URL is the secret.", code="endpoint_unsigned")
        rotation = endpoint_secret_rotate(tenant=self.tenant, endpoint=endpoint)
        answer = {"secret": rotation.secret.secret, "previous_secret_expires_at": rotation.previous_expires_at}
        return Response(SecretRotatedSerializer(answer).data)

    @extend_schema(
        summary="Send a test event",
        description="Queues a `webhook.test` event to this endpoint only, whatever it subscribes to; its delivery "
        "is logged like any other. A disabled endpoint answers 409: enable it first.",
        request=NoBodySerializer,
        responses={202: TestEventQueuedSerializer},
    )
    @action(detail=True, methods=["post"], url_path="send-test")
    def send_test(self, request, pk=None):
        endpoint = self.get_object()
        _no_body(self)
        if not endpoint.enabled:  # its delivery would only be logged as refused
            raise Conflict("The endpoint is disabled: enable it first.", code="endpoint_disabled")
        event = send_test_event(endpoint)
        return Response(TestEventQueuedSerializer({"event_id": event.pk}).data, status=status.HTTP_202_ACCEPTED)
