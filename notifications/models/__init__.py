from notifications.models.endpoint import EndpointKind, EndpointSecret, WebhookEndpoint, new_secret
from notifications.models.outbox import Delivery, DeliveryAttempt, DeliveryStatus, OutboxEvent

__all__ = [
    "Delivery",
    "DeliveryAttempt",
    "DeliveryStatus",
    "EndpointKind",
    "EndpointSecret",
    "OutboxEvent",
    "WebhookEndpoint",
    "new_secret",
]
