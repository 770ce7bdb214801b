"""Where a tenant's events are sent, and the secrets its deliveries are signed with."""

import base64
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from accounts.tenancy import TenantOwned
from notifications.event_types import EVENT_TYPES, unknown_event_types
from notifications.ssrf import DestinationRefused, check_destination


def validate_destination(url: str) -> None:
    """A URL we may call (ssrf.check_destination), as a field error."""
    try:
        check_destination(url, allow_loopback=settings.WEBHOOKS_ALLOW_LOOPBACK)
    except DestinationRefused as refused:
        raise ValidationError(str(refused), code="destination_refused") from refused


def validate_event_types(value) -> None:
    unknown = unknown_event_types(value)
    if unknown:
        known = ", ".join(sorted(EVENT_TYPES))
        raise ValidationError(f"Unknown event types: {', '.join(unknown)} (known: {known}).", code="invalid_choice")
    if not value:
        raise ValidationError("Subscribe to at least one event type.", code="required")


class EndpointKind(models.TextChoices):
    STANDARD = "standard", "Standard Webhooks (signed JSON envelope)"
    SLACK = "slack", "Slack incoming webhook"


class WebhookEndpoint(TenantOwned):
    url = models.URLField(max_length=500, validators=[validate_destination])
    # A Slack endpoint gets a message rendered from the event, unsigned: its URL is the secret.
    kind = models.CharField(max_length=10, choices=EndpointKind.choices, default=EndpointKind.STANDARD)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, validators=[validate_event_types])
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=200, blank=True, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The first failed attempt of the current run of failures; cleared by any 2xx (services/failing.py).
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "webhook endpoint"

    def __str__(self):
        return self.description or self.url

    def csm_may_change(self, membership) -> bool:
        return False  # endpoints are the tenant admin's: they send the tenant's data out

    @property
    def is_signed(self) -> bool:
        return self.kind == EndpointKind.STANDARD


def new_secret() -> str:
    """``whsec_`` and 24 random bytes in base64: the form standardwebhooks reads."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class EndpointSecret(TenantOwned):
    """One signing secret of an endpoint: the current one has no expiry; a rotated one signs until it expires."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="secrets")
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = "endpoint secret"

    def __str__(self):
        return f"{self.endpoint} secret {self.pk}"
