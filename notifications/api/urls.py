"""REST routes of this app (included by csplatform/api_urls.py)."""

from accounts.api.urls import OptionalSlashRouter
from notifications.api.views import WebhookEndpointViewSet

router = OptionalSlashRouter()
router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")

urlpatterns = router.urls
