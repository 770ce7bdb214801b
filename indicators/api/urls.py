from accounts.api.urls import OptionalSlashRouter
from indicators.api.health import AccountHealthViewSet
from indicators.api.views import EventViewSet, FeatureViewSet, ProductViewSet

router = OptionalSlashRouter()
router.register("events", EventViewSet, basename="event")
router.register("products", ProductViewSet, basename="product")
router.register("features", FeatureViewSet, basename="feature")
router.register("accounts", AccountHealthViewSet, basename="account-health")

urlpatterns = router.urls
