"""REST routes of this app (included by csplatform/api_urls.py)."""

from accounts.api.urls import OptionalSlashRouter
from privacy.api.views import ContactPrivacyViewSet, TenantDeletionViewSet, TenantExportViewSet

router = OptionalSlashRouter()
router.register("privacy/contacts", ContactPrivacyViewSet, basename="privacy-contact")
router.register("privacy/tenant-exports", TenantExportViewSet, basename="tenant-export")
router.register("privacy/tenant-deletions", TenantDeletionViewSet, basename="tenant-deletion")

urlpatterns = router.urls
