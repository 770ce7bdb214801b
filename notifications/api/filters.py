from accounts.api.strict_filters import StrictFilterSet
from notifications.models import WebhookEndpoint


class WebhookEndpointFilter(StrictFilterSet):
    class Meta:
        model = WebhookEndpoint
        fields = ["enabled"]
