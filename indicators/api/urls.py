from accounts.api.urls import OptionalSlashRouter
from indicators.api.contacts import AccountContactsHealthViewSet
from indicators.api.gut import GutReadViewSet
from indicators.api.health import AccountHealthViewSet
from indicators.api.scorecards import ScorecardViewSet
from indicators.api.views import EventViewSet, FeatureViewSet, ProductViewSet

router = OptionalSlashRouter()
router.register("events", EventViewSet, basename="event")
router.register("products", ProductViewSet, basename="product")
router.register("features", FeatureViewSet, basename="feature")
router.register("scorecards", ScorecardViewSet, basename="scorecard")
router.register("gut-reads", GutReadViewSet, basename="gut-read")
router.register("accounts", AccountHealthViewSet, basename="account-health")
router.register("accounts", AccountContactsHealthViewSet, basename="account-contacts-health")

urlpatterns = router.urls
