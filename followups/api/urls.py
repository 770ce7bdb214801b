"""REST routes of this app (included by csplatform/api_urls.py)."""

from accounts.api.urls import OptionalSlashRouter
from followups.api.views import (
    DepartmentViewSet,
    FollowUpViewSet,
    RootCauseViewSet,
    ThemeKeywordRuleViewSet,
    ThemeViewSet,
)

router = OptionalSlashRouter()
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
router.register("themes", ThemeViewSet, basename="theme")
router.register("theme-rules", ThemeKeywordRuleViewSet, basename="theme-rule")
router.register("departments", DepartmentViewSet, basename="department")
router.register("root-causes", RootCauseViewSet, basename="root-cause")

urlpatterns = router.urls
