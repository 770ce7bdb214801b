"""NPS report endpoints: summary, trend, comparison, filtered by survey, segment, CSM and account."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from surveys.models import Channel
from surveys.services.responses import response_record
from tests.conftest import api_as
from tests.factories import AccountFactory, ContactFactory
from tests.surveys.conftest import make_survey


@pytest.fixture
def answers(world_a):
    """Enterprise (CSM's book): 9, 10, 3 in March; SMB: 7, 2 in April; one on the survey."""
    tz = ZoneInfo("UTC")
    enterprise = AccountFactory(tenant=world_a.tenant, segment="enterprise", csm_owner=world_a.csm)
    smb = AccountFactory(tenant=world_a.tenant, segment="smb")
    survey = make_survey(world_a.tenant)
    rows = [
        (enterprise, 9, datetime(2026, 3, 2, tzinfo=tz), survey),
        (enterprise, 10, datetime(2026, 3, 9, tzinfo=tz), None),
        (enterprise, 3, datetime(2026, 3, 20, tzinfo=tz), None),
        (smb, 7, datetime(2026, 4, 1, tzinfo=tz), None),
        (smb, 2, datetime(2026, 4, 30, 23, 0, tzinfo=tz), None),
    ]
    for n, (account, score, at, s) in enumerate(rows):
        response_record(
            tenant=world_a.tenant, contact=ContactFactory(account=account), score=score, dedup_key=f"r{n}",
            channel=Channel.IMPORT, responded_at=at, survey=s,
        )  # fmt: skip
    return {"enterprise": enterprise, "smb": smb, "survey": survey}


def test_summary_over_everything_and_each_filter(world_a, answers):
    api = api_as(world_a.viewer)
    everything = api.get("/api/v1/nps/summary/").json()
    # Adjusted over 5 answers: n = 8, p = d = 2.75/8; se = √(.6875/8) = .29315; reach = 1.96·se = 57.5 points.
    assert everything == {
        "nps": 0.0, "responses": 5, "promoters": 2, "passives": 1, "detractors": 2, "margin_of_error": 57.5,
        "interval_low": -57.5, "interval_high": 57.5,
    }  # fmt: skip
    assert api.get("/api/v1/nps/summary/", {"segment": "Enterprise"}).json()["nps"] == pytest.approx(33.3)
    assert api.get("/api/v1/nps/summary/", {"csm": world_a.csm.pk}).json()["responses"] == 3
    assert api.get("/api/v1/nps/summary/", {"account": answers["smb"].pk}).json()["nps"] == -50.0
    assert api.get("/api/v1/nps/summary/", {"survey": answers["survey"].pk}).json()["nps"] == 100.0
    april = api.get("/api/v1/nps/summary/", {"start": "2026-04-01", "end": "2026-04-30"}).json()
    assert april["responses"] == 2


def test_period_days_are_the_tenants_local_days(world_a, answers):
    world_a.tenant.time_zone = "Europe/Paris"  # 30 April 23:00 UTC is 1 May in Paris
    world_a.tenant.save()
    api = api_as(world_a.viewer)
    assert api.get("/api/v1/nps/summary/", {"start": "2026-04-01", "end": "2026-04-30"}).json()["responses"] == 1


def test_monthly_and_weekly_trend(world_a, answers):
    api = api_as(world_a.viewer)
    monthly = api.get("/api/v1/nps/trend/", {"interval": "month"}).json()
    assert [(p["period_start"], p["nps"], p["responses"]) for p in monthly["points"]] == [
        ("2026-03-01", pytest.approx(33.3), 3),
        ("2026-04-01", -50.0, 2),
    ]
    weekly = api.get("/api/v1/nps/trend/", {"interval": "week"}).json()
    assert weekly["points"][0]["period_start"] == "2026-03-02"  # a Monday
    assert len(weekly["points"]) == 5


def test_comparison_of_two_periods(world_a, answers):
    api = api_as(world_a.viewer)
    body = api.get(
        "/api/v1/nps/compare/",
        {
            "before_start": "2026-03-01",
            "before_end": "2026-03-31",
            "after_start": "2026-04-01",
            "after_end": "2026-04-30",
        },
    ).json()
    assert body["change"] == pytest.approx(-83.3, abs=0.1)
    assert body["significant"] is False and body["verdict"].startswith("Too few answers to compare (3 before, 2 after)")


@pytest.mark.parametrize(
    "query, attr",
    [
        ({"start": "not-a-date"}, "start"),
        ({"start": "2026-05-01", "end": "2026-04-01"}, "end"),
        ({"survey": 10**9}, "survey"),
        ({"unknown": "1"}, "unknown"),
    ],
)
def test_bad_report_queries_are_400s_naming_the_parameter(world_a, query, attr):
    answer = api_as(world_a.viewer).get("/api/v1/nps/summary/", query)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["attr"] == attr


def test_compare_needs_both_periods(world_a):
    answer = api_as(world_a.viewer).get("/api/v1/nps/compare/", {"before_start": "2026-01-01"})
    assert answer.status_code == 400


def test_trend_of_a_filter_with_no_answers_is_empty(world_a, answers):
    points = api_as(world_a.viewer).get("/api/v1/nps/trend/", {"segment": "none"}).json()["points"]
    assert points == []
