from notifications.models.endpoint import EndpointSecret, WebhookEndpoint, new_secret
from notifications.models.outbox import Delivery, DeliveryAttempt, DeliveryStatus, OutboxEvent

__all__ = [
    "Delivery",
    "DeliveryAttempt",
    "DeliveryStatus",
    "EndpointSecret",
    "OutboxEvent",
    "WebhookEndpoint",
    "new_secret",
]
