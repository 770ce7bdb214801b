"""Renewal forecasts end to end: snapshots as recorded, band rates by hand, the model, the API, accuracy."""

import random
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from indicators.models import HealthScoreHistory
from outcomes.models import AnalysisKind, OutcomeAnalysis, Renewal, RenewalForecast
from outcomes.services.forecast import closed_snapshots, forecast_accuracy, renewals_forecast
from outcomes.services.learning import as_of_moment
from outcomes.services.ledger import tenant_today
from outcomes.tasks import forecast_renewals
from tests.conftest import api_as
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
FIRST_END = date(2023, 3, 1)


def renewal(account, term_end: date, outcome: str = "pending", **fields) -> Renewal:
    closed = {} if outcome == "pending" else {
        "closed_arr": Decimal("0") if outcome == "churned" else Decimal("11000"), "closed_on": term_end}  # fmt: skip
    return Renewal.objects.create(
        tenant=account.tenant, account=account, term_start=term_end - timedelta(days=365), term_end=term_end,
        arr_due=Decimal("10000"), outcome=outcome, **(closed | fields),
    )  # fmt: skip


def recorded(account, at, score: float, band: str, **values) -> HealthScoreHistory:
    return HealthScoreHistory(tenant=account.tenant, account=account, at=at, score=score, band=band,
                              values=values, scorecard="x")  # fmt: skip


def seen(account, term_end, score: float, band: str) -> list[HealthScoreHistory]:
    """History a day before each lead's moment, and 30 days before that (the trend's earlier point)."""
    zone = ZoneInfo(account.tenant.time_zone)
    rows = []
    for lead in (30, 90, 180):
        moment = as_of_moment(term_end, lead, zone) - timedelta(days=1)
        rows += [recorded(account, moment, score, band), recorded(account, moment - timedelta(days=30), score, band)]
    return rows


def test_a_value_recorded_after_a_snapshot_changes_nothing(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    renewal(account, FIRST_END, "churned")
    moment = as_of_moment(FIRST_END, 90, ZoneInfo(world_a.tenant.time_zone))
    HealthScoreHistory.objects.bulk_create([recorded(account, moment - timedelta(hours=1), 35.0, "red")])
    before = [s for s in closed_snapshots(world_a.tenant) if s.lead_days == 90]
    HealthScoreHistory.objects.bulk_create([recorded(account, moment + timedelta(seconds=1), 90.0, "green")])
    after = [s for s in closed_snapshots(world_a.tenant) if s.lead_days == 90]
    assert before == after and after[0].features["score"] == 35.0 and after[0].band == "red"


def test_few_outcomes_give_band_rates_worked_by_hand(world_a, world_b):
    # 12 closed renewals seen 90 days ahead: 4 red (3 churned), 8 green (1 churned); overall 1/3.
    rows = []
    for n, (band, outcome) in enumerate([("red", "churned")] * 3 + [("red", "renewed"), ("green", "churned")]
                                        + [("green", "renewed")] * 7):  # fmt: skip
        account = AccountFactory(tenant=world_a.tenant)
        term_end = FIRST_END + timedelta(days=30 * n)
        renewal(account, term_end, outcome)
        rows += seen(account, term_end, 30.0 if band == "red" else 80.0, band)
    pending_account = AccountFactory(tenant=world_a.tenant)
    pending = renewal(pending_account, tenant_today(world_a.tenant) + timedelta(days=60))
    rows.append(recorded(pending_account, timezone.now() - timedelta(hours=2), 31.0, "red"))
    HealthScoreHistory.objects.bulk_create(rows)
    other = renewal(AccountFactory(tenant=world_b.tenant), date(2027, 1, 1))  # another tenant's pending renewal

    run = renewals_forecast(tenant=world_a.tenant)

    assert run.result["method"] == "band rates" and (run.churned, run.renewed) == (4, 8)
    forecast = RenewalForecast.unscoped.get(renewal=pending)
    # red: Beta(3 + 10/3, 1 + 20/3): churn (19/3)/14, so 1 - 19/42 = 23/42 to renew
    assert forecast.probability == pytest.approx(23 / 42)
    assert forecast.low < forecast.probability < forecast.high
    # ARR due x chance x ARR kept by those that renewed (11,000 of 10,000 due: 1.1)
    assert forecast.expected_arr == Decimal(str(round(10000 * 23 / 42 * 1.1, 2)))
    assert forecast.model_version == f"band rates #{run.pk}" and forecast.made_on == tenant_today(world_a.tenant)
    assert "3 of 4 closed renewals in band red" in forecast.drivers[0]
    assert not RenewalForecast.unscoped.filter(renewal=other).exists()
    assert not OutcomeAnalysis.objects.for_tenant(world_b.tenant).exists()

    again = renewals_forecast(tenant=world_a.tenant)  # a second run rewrites the one forecast
    assert RenewalForecast.unscoped.get(renewal=pending).run_id == again.pk
    assert RenewalForecast.objects.for_tenant(world_a.tenant).count() == 1


def test_enough_outcomes_fit_a_model_tested_on_later_renewals(world_a):
    rng, rows = random.Random(5), []
    for n in range(260):
        account = AccountFactory(tenant=world_a.tenant)
        term_end = FIRST_END + timedelta(days=n * 3)
        churned = rng.random() < 0.2
        score = max(0.0, min(100.0, rng.gauss(40 if churned else 70, 12)))
        renewal(account, term_end, "churned" if churned else "renewed")
        rows += seen(account, term_end, score, "red" if score < 50 else "green")
    at_risk, healthy = AccountFactory(tenant=world_a.tenant), AccountFactory(tenant=world_a.tenant)
    due = tenant_today(world_a.tenant) + timedelta(days=45)
    low, high = renewal(at_risk, due, csm_call="commit"), renewal(healthy, due, csm_call="commit")
    rows += [recorded(at_risk, timezone.now() - timedelta(hours=1), 25.0, "red"),
             recorded(healthy, timezone.now() - timedelta(hours=1), 85.0, "green")]  # fmt: skip
    HealthScoreHistory.objects.bulk_create(rows)

    run = renewals_forecast(tenant=world_a.tenant)

    model = run.result
    assert model["method"] == "logistic", model["reason"]
    assert model["fit_window"][1] < model["test_window"][0]
    assert model["features"][0] == "score" and model["validation"]["90"]["brier_skill"] > 0
    at_risk_forecast, healthy_forecast = (
        RenewalForecast.unscoped.get(renewal=low),
        RenewalForecast.unscoped.get(renewal=high),
    )
    assert at_risk_forecast.probability < 0.5 < healthy_forecast.probability
    assert at_risk_forecast.drivers[0].startswith("Health score 25 (typical")

    body = api_as(world_a.viewer).get(f"/api/v1/renewals/{low.pk}/").json()
    assert body["forecast"]["probability"] == pytest.approx(at_risk_forecast.probability)
    assert body["disagrees_with_csm"] is True  # a commit call on a renewal the model expects to lose
    assert api_as(world_a.viewer).get(f"/api/v1/renewals/{high.pk}/").json()["disagrees_with_csm"] is False
    report = api_as(world_a.viewer).get("/api/v1/outcomes/forecast/").json()
    assert report["model"]["method"] == "logistic" and report["run"]["model_version"] == f"logistic #{run.pk}"


def test_the_api_refreshes_for_admins_only_and_keeps_tenants_apart(world_a, world_b,
                                                                 django_capture_on_commit_callbacks):  # fmt: skip
    url = "/api/v1/outcomes/forecast/"
    assert api_as(world_a.viewer).get(url).json() == {"run": None, "accuracy": []}
    assert api_as(world_a.viewer).post(f"{url}refresh/").status_code == 403
    assert api_as(world_a.viewer).get(url, {"lead": 90}).status_code == 400  # no parameters: named in a 400
    assert api_as(world_a.admin).post(f"{url}refresh/", {"now": True}, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert api_as(world_a.admin).post(f"{url}refresh/").status_code == 202
    assert api_as(world_a.viewer).get(url).json()["model"]["method"] == "none"  # no closed renewals yet
    assert api_as(world_b.admin).get(url).json()["run"] is None
    assert forecast_renewals.apply(kwargs={"tenant_id": world_b.tenant.pk}).get() == 1
    assert OutcomeAnalysis.objects.for_tenant(world_a.tenant).filter(kind=AnalysisKind.FORECAST).count() == 1


def test_accuracy_compares_the_standing_forecast_and_the_call_with_what_happened(world_a, world_b):
    """Q1 2026: three closed renewals.
    a: renewed, forecast 0.8 made before it closed, call commit  -> model right, CSM right
    b: churned, forecast 0.7 made before it closed, call likely  -> model wrong, CSM wrong
    c: churned, forecast 0.2 made after it closed (not counted), call lost made before -> CSM right
    Brier over a and b: ((0.8 - 1)^2 + (0.7 - 0)^2) / 2 = (0.04 + 0.49) / 2 = 0.265."""
    run = OutcomeAnalysis.objects.create(tenant=world_a.tenant, kind=AnalysisKind.FORECAST, ran_at=timezone.now())
    end = date(2026, 2, 1)
    cases = [("renewed", 0.8, date(2026, 1, 20), "commit"), ("churned", 0.7, date(2026, 1, 20), "likely"),
             ("churned", 0.2, date(2026, 2, 5), "lost")]  # fmt: skip
    for outcome, probability, made_on, call in cases:
        closed = renewal(AccountFactory(tenant=world_a.tenant), end, outcome, csm_call=call,
                         csm_call_on=date(2026, 1, 10))  # fmt: skip
        RenewalForecast.objects.create(
            tenant=world_a.tenant, renewal=closed, run=run, model_version="x", method="logistic", made_on=made_on,
            made_at=timezone.now(), probability=probability, expected_arr=Decimal(10000 * probability),
        )  # fmt: skip
    renewal(AccountFactory(tenant=world_b.tenant), end, "churned", csm_call="commit", csm_call_on=date(2026, 1, 1))
    [quarter] = forecast_accuracy(tenant=world_a.tenant)
    assert quarter["period"] == "2026 Q1" and (quarter["closed"], quarter["renewed"]) == (3, 1)
    assert quarter["forecasts"] == 2 and quarter["expected_renewals"] == pytest.approx(1.5)
    assert quarter["brier"] == pytest.approx(0.265) and "squared_error" not in quarter
    assert quarter["model_right_share"] == pytest.approx(0.5)
    assert (quarter["calls"], quarter["calls_right"]) == (3, 2)
