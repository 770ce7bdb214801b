"""The demo's survey rounds: believable answers, comments, and idempotent."""

from accounts.models import LifecycleStage
from demo.surveys import demo_surveys_seed
from indicators.models import Event
from surveys.models import Survey, SurveyResponse, SurveyRound, SurveySend, SurveyStatus
from tests.factories import AccountFactory, ContactFactory


def test_demo_rounds_have_answers_of_every_kind_and_run_once(world_a):
    for n in range(12):
        stage = [LifecycleStage.MATURE, LifecycleStage.ADOPTING, LifecycleStage.RENEWING][n % 3]
        account = AccountFactory(tenant=world_a.tenant, lifecycle_stage=stage)
        for _ in range(4):
            ContactFactory(account=account)
    stored = demo_surveys_seed(tenant=world_a.tenant)
    responses = SurveyResponse.objects.for_tenant(world_a.tenant)
    assert stored == responses.count() > 10
    assert SurveyRound.objects.for_tenant(world_a.tenant).count() == 2
    assert set(responses.values_list("channel", flat=True)) == {"email", "import"}
    assert set(responses.values_list("category", flat=True)) == {"promoter", "passive", "detractor"}
    assert responses.exclude(comment="").exists()
    assert SurveySend.objects.for_tenant(world_a.tenant).filter(sent_at=None).count() == 0
    survey = Survey.objects.for_tenant(world_a.tenant).get()
    assert survey.status == SurveyStatus.ACTIVE and survey.next_round_at is not None
    assert Event.objects.for_tenant(world_a.tenant).filter(name="nps_response").count() == stored
    assert demo_surveys_seed(tenant=world_a.tenant) == 0
    assert responses.count() == stored
