"""Which indicators preceded churn: values as recorded before each term end, the ranking stored, the API."""

import random
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from indicators.models import HealthScoreHistory, Scorecard
from indicators.services.scorecards import scorecard_default_create
from outcomes.models import OutcomeAnalysis, Renewal
from outcomes.ranking import PRECEDED_CHURN, TOO_FEW
from outcomes.services.learning import as_of_moment, indicators_analyse, renewal_samples
from tests.conftest import api_as
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
TERM_END = date(2025, 6, 30)


def closed(account, outcome: str, term_end: date = TERM_END) -> Renewal:
    closed_arr = Decimal("0") if outcome == "churned" else Decimal("1000")
    return Renewal.objects.create(
        tenant=account.tenant, account=account, term_start=term_end - timedelta(days=365), term_end=term_end,
        arr_due=Decimal("1000"), outcome=outcome, closed_arr=closed_arr, closed_on=term_end,
    )  # fmt: skip


def recorded(account, at, **values) -> None:
    HealthScoreHistory.objects.create(tenant=account.tenant, account=account, at=at, values=values, scorecard="x")


def test_a_value_recorded_after_the_as_of_moment_changes_nothing(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    closed(account, "churned")
    moment = as_of_moment(TERM_END, 90, ZoneInfo(world_a.tenant.time_zone))
    recorded(account, moment - timedelta(days=1), license_utilization=60.0)
    [before] = renewal_samples(tenant=world_a.tenant, lead_days=90)[0]
    recorded(account, moment + timedelta(seconds=1), license_utilization=5.0)  # after it gave notice, say
    [after] = renewal_samples(tenant=world_a.tenant, lead_days=90)[0]
    assert before == after and after.values == {"license_utilization": 60.0} and after.churned


def test_the_ranking_finds_the_indicator_that_preceded_churn_and_is_stored(world_a, world_b):
    rng = random.Random(7)
    zone = ZoneInfo(world_a.tenant.time_zone)
    for n in range(80):
        churned = n < 25
        account = AccountFactory(tenant=world_a.tenant)
        closed(account, "churned" if churned else "renewed")
        usage = rng.gauss(25 if churned else 60, 15)  # low utilization came before churn, noisily
        recorded(account, as_of_moment(TERM_END, 90, zone) - timedelta(days=2),
                 license_utilization=usage, nps=rng.gauss(0, 30))  # fmt: skip
    run = indicators_analyse(tenant=world_a.tenant, lead_days=90)
    by_key = {r["indicator"]: r for r in run.result}
    assert (run.churned, run.renewed) == (25, 55)
    assert by_key["license_utilization"]["verdict"] == PRECEDED_CHURN
    assert by_key["license_utilization"]["auc_low"] > 0.5
    assert by_key["open_escalations"]["verdict"] == TOO_FEW  # no values recorded: not ranked
    assert not OutcomeAnalysis.objects.for_tenant(world_b.tenant).exists()


def test_the_api_shows_the_latest_run_and_an_admin_refreshes_it(world_a, world_b, django_capture_on_commit_callbacks):
    url = "/api/v1/outcomes/indicators/"
    viewer = api_as(world_a.viewer)
    assert viewer.get(url).json() == {"run": None, "indicators": []}
    assert viewer.post(f"{url}refresh/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert api_as(world_a.admin).post(f"{url}refresh/").status_code == 202
    body = viewer.get(url, {"lead_days": 180}).json()
    assert body["run"]["lead_days"] == 180 and len(body["indicators"]) > 40
    assert api_as(world_b.admin).get(url).json()["run"] is None  # another tenant's runs are not there
    assert viewer.get(url, {"lead_days": 30}).status_code == 400


def test_the_backtest_scores_the_recorded_indicators_with_the_scorecard(world_a, world_b):
    for world in (world_a, world_b):
        scorecard_default_create(tenant=world.tenant)
    rng = random.Random(11)
    zone = ZoneInfo(world_a.tenant.time_zone)
    for n in range(80):
        churned = n < 25
        account = AccountFactory(tenant=world_a.tenant)
        closed(account, "churned" if churned else "renewed")
        recorded(account, as_of_moment(TERM_END, 90, zone) - timedelta(days=2),
                 license_utilization=rng.gauss(20 if churned else 65, 15))  # fmt: skip
    response = api_as(world_a.viewer).get("/api/v1/outcomes/backtest/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["renewals"], body["churned"], body["scored"]) == (80, 25, 80)
    assert body["auc_low"] > 0.5  # the default scorecard's license utilization separated them
    red = next(b for b in body["bands"] if b["band"] == "red")
    assert red["churned"] > 0 and red["churn_rate"] > 25 / 80
    assert api_as(world_b.admin).get("/api/v1/outcomes/backtest/").json()["renewals"] == 0  # not A's renewals
    foreign = api_as(world_b.admin).get("/api/v1/scorecards/").json()["results"][0]["id"]
    assert api_as(world_a.viewer).get("/api/v1/outcomes/backtest/", {"scorecard": foreign}).status_code == 400


def test_a_suggested_draft_keeps_what_preceded_churn_and_is_compared_with_the_current(world_a, world_b):
    for world in (world_a, world_b):
        scorecard_default_create(tenant=world.tenant)
    rng = random.Random(13)
    zone = ZoneInfo(world_a.tenant.time_zone)
    for n in range(90):
        churned = n < 30
        account = AccountFactory(tenant=world_a.tenant)
        closed(account, "churned" if churned else "renewed")
        recorded(account, as_of_moment(TERM_END, 90, zone) - timedelta(days=2),
                 license_utilization=rng.gauss(20 if churned else 65, 15), nps=rng.gauss(0, 30))  # fmt: skip
    url = "/api/v1/outcomes/suggested-draft/"
    admin = api_as(world_a.admin)
    [error] = admin.post(url).json()["errors"]  # no ranking yet
    assert error["attr"] == "lead_days" and "No indicator has preceded churn" in error["detail"]
    indicators_analyse(tenant=world_a.tenant, lead_days=90)
    assert api_as(world_a.viewer).post(url).status_code == 403
    response = admin.post(url, {"lead_days": 90}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    [measure] = body["measures"]  # nps was noise: left out
    assert measure["indicator"] == "license_utilization" and measure["weight"] == 100
    assert measure["rule"] == "linear" and measure["lower"] < measure["upper"]
    comparison = body["comparison"]  # on the same 90 renewals: current (the default) and the draft
    assert comparison["paired"] == 90 and comparison["draft"]["renewals"] == comparison["current"]["renewals"] == 90
    assert comparison["draft_auc"] > 0.5 and comparison["difference_low"] <= comparison["difference"]
    draft = Scorecard.objects.for_tenant(world_a.tenant).get(pk=body["draft"])
    assert not draft.is_default and draft.segments == [] and draft.lifecycle_stages == []  # applies to no account

    compare = api_as(world_a.viewer).get("/api/v1/outcomes/backtest/compare/", {"draft": draft.pk})
    assert compare.status_code == 200 and compare.json()["comparison"] == comparison
    foreign = Scorecard.objects.for_tenant(world_b.tenant).get().pk
    rejected = api_as(world_a.viewer).get("/api/v1/outcomes/backtest/compare/", {"draft": foreign})
    assert rejected.status_code == 400 and rejected.json()["errors"][0]["attr"] == "draft"
    assert api_as(world_a.viewer).get("/api/v1/outcomes/backtest/compare/").status_code == 400  # draft required
    assert not Scorecard.objects.for_tenant(world_b.tenant).exclude(pk=foreign).exists()
