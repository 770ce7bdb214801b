"""REST routes of this app (included by csplatform/api_urls.py)."""

from accounts.api.urls import OptionalSlashRouter
from alerts.api.views import AlertRuleViewSet, AlertViewSet
from alerts.api.work_views import PlaybookViewSet, TaskViewSet

router = OptionalSlashRouter()
router.register("alert-rules", AlertRuleViewSet, basename="alert-rule")
router.register("alerts", AlertViewSet, basename="alert")
router.register("playbooks", PlaybookViewSet, basename="playbook")
router.register("tasks", TaskViewSet, basename="task")

urlpatterns = router.urls
