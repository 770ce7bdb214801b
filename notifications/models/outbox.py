"""Events waiting to go out, one delivery per subscribed endpoint, and every attempt made."""

import uuid

from django.db import models

from accounts.tenancy import TenantOwned
from notifications.models.endpoint import WebhookEndpoint

RESPONSE_BODY_KEPT = 2048  # bytes of a receiver's answer kept with an attempt, for the delivery log


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class OutboxEvent(TenantOwned):
    """An event as sent: its id is the webhook-id header, so a receiver can drop a replayed duplicate."""

    id = models.CharField(primary_key=True, max_length=40, default=new_message_id, editable=False)
    type = models.CharField(max_length=60)
    version = models.PositiveSmallIntegerField(default=1)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "outbox event"

    def __str__(self):
        return f"{self.type} {self.id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed, will retry"
    DEAD = "dead", "Dead"


class Delivery(TenantOwned):
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # The sweep reads due rows across tenants (a field index: model indexes lead with the tenant).
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"{self.event_id} to {self.endpoint_id}: {self.status}"


class DeliveryAttempt(TenantOwned):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField()
    error = models.TextField(blank=True)
    response_body = models.TextField(blank=True, help_text=f"The first {RESPONSE_BODY_KEPT} bytes of the answer.")

    class Meta:
        ordering = ["attempted_at", "id"]

    def __str__(self):
        return f"{self.delivery_id} at {self.attempted_at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"
