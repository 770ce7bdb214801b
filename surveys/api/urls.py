"""REST routes of this app (included by csplatform/api_urls.py)."""

from accounts.api.urls import OptionalSlashRouter
from surveys.api.views import NpsReportViewSet, SurveyResponseViewSet, SurveySendViewSet, SurveyViewSet

router = OptionalSlashRouter()
router.register("surveys", SurveyViewSet, basename="survey")
router.register("survey-sends", SurveySendViewSet, basename="survey-send")
router.register("survey-responses", SurveyResponseViewSet, basename="survey-response")
router.register("nps", NpsReportViewSet, basename="nps")

urlpatterns = router.urls
