from accounts.api.urls import OptionalSlashRouter
from indicators.api.views import EventViewSet, FeatureViewSet, ProductViewSet

router = OptionalSlashRouter()
router.register("events", EventViewSet, basename="event")
router.register("products", ProductViewSet, basename="product")
router.register("features", FeatureViewSet, basename="feature")

urlpatterns = router.urls
