"""REST routes of this app (included by csplatform/api_urls.py)."""

from accounts.api.urls import OptionalSlashRouter
from outcomes.api.exchange_rates import ExchangeRateViewSet
from outcomes.api.views import ArrMovementViewSet, OutcomesViewSet, RenewalViewSet

router = OptionalSlashRouter()
router.register("renewals", RenewalViewSet, basename="renewal")
router.register("arr-movements", ArrMovementViewSet, basename="arr-movement")
router.register("outcomes", OutcomesViewSet, basename="outcomes")
router.register("exchange-rates", ExchangeRateViewSet, basename="exchange-rate")

urlpatterns = router.urls
