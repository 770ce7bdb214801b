"""REST routes of this app (included by csplatform/api_urls.py)."""

from accounts.api.urls import OptionalSlashRouter
from outcomes.api.views import ArrMovementViewSet, OutcomesViewSet, RenewalViewSet

router = OptionalSlashRouter()
router.register("renewals", RenewalViewSet, basename="renewal")
router.register("arr-movements", ArrMovementViewSet, basename="arr-movement")
router.register("outcomes", OutcomesViewSet, basename="outcomes")

urlpatterns = router.urls
