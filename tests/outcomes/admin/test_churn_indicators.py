"""Which indicators preceded churn: the latest stored run per lead time as an AUC chart, and "Run now".

Tenant A's stored runs (figures chosen by hand, as the analysis stores them):
  lead 90, 2026-03-01: 25 churned, 55 renewed over terms ending 2024-01-31 to 2025-12-31
      license_utilization  preceded churn  AUC 0.78 (0.68 to 0.87), q 0.002, lift 2.10 (1.50 to 2.60), coverage 64%
      nps                  noise           AUC 0.55 (0.42 to 0.67), q 0.600
      open_escalations     too few         3 churned, 9 renewed
  lead 90, 2026-02-01: an older run (its single row must not show)
  lead 180, 2026-03-01: 4 churned, 30 renewed: not enough outcomes yet
The chart's plot runs from x = 320 (AUC 0) to x = 804 (AUC 1): 484 px per unit of AUC.
"""

import re
from datetime import UTC, date, datetime
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from outcomes.models import AnalysisKind, OutcomeAnalysis
from tests.conftest import session_client

pytestmark = pytest.mark.django_db
URL = "/admin/outcomes/churn-indicators/"
RUN_URL = "/admin/outcomes/churn-indicators/run/"
SVG = "{http://www.w3.org/2000/svg}"
PRECEDED = {
    "indicator": "license_utilization", "direction": 1, "churned": 25, "renewed": 55, "verdict": "preceded churn",
    "reason": "AUC 0.78 (95% interval 0.68 to 0.87), q = 0.002: low values preceded churn.", "auc": 0.78,
    "auc_low": 0.68, "auc_high": 0.87, "q_value": 0.002, "lift": 2.1, "lift_low": 1.5, "lift_high": 2.6,
    "coverage": 0.64, "coverage_low": 0.45, "coverage_high": 0.8, "threshold": 40.0,
}  # fmt: skip
NOISE = {
    "indicator": "nps", "direction": 1, "churned": 22, "renewed": 50, "verdict": "not distinguishable from noise",
    "reason": "AUC 0.55 (95% interval 0.42 to 0.67), q = 0.600: above 0.1 after correcting for the indicators tested.",
    "auc": 0.55, "auc_low": 0.42, "auc_high": 0.67, "q_value": 0.6,
}  # fmt: skip
TOO_FEW = {"indicator": "open_escalations", "direction": -1, "churned": 3, "renewed": 9,
           "verdict": "not enough outcomes yet", "reason": "3 churned and 9 renewed renewals with a value"}  # fmt: skip


def run(tenant, lead, ran_at, churned, renewed, result) -> OutcomeAnalysis:
    return OutcomeAnalysis.objects.create(
        tenant=tenant, kind=AnalysisKind.INDICATORS, lead_days=lead, ran_at=ran_at, first_term_end=date(2024, 1, 31),
        last_term_end=date(2025, 12, 31), churned=churned, renewed=renewed, result=result,
    )  # fmt: skip


@pytest.fixture
def runs(world_a, world_b):
    march, february = datetime(2026, 3, 1, 6, 0, tzinfo=UTC), datetime(2026, 2, 1, 6, 0, tzinfo=UTC)
    run(world_a.tenant, 90, march, 25, 55, [PRECEDED, NOISE, TOO_FEW])
    run(world_a.tenant, 90, february, 20, 40, [{**NOISE, "indicator": "mau", "auc": 0.51}])
    run(world_a.tenant, 180, march, 4, 30, [{**TOO_FEW, "indicator": "nps", "churned": 4, "renewed": 30}])
    theirs = {**PRECEDED, "indicator": "advocates", "auc": 0.93, "reason": "theirs-only reason"}
    run(world_b.tenant, 90, datetime(2026, 3, 5, tzinfo=UTC), 300, 900, [theirs])


def chart(html: str) -> ElementTree.Element:
    start = html.index('class="csp-chart"')
    return ElementTree.fromstring(html[html.rindex("<svg", 0, start) : html.index("</svg>", start) + 6])


@pytest.mark.parametrize("role", ["admin", "csm", "viewer"])
def test_every_member_reads_the_latest_run_as_a_chart_and_a_table(client, world_a, runs, role):
    response = session_client(client, getattr(world_a, role)).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Run at 2026-03-01 06:00, over 25 churned and 55 renewed renewals" in html
    assert "from 2024-01-31 to 2025-12-31" in html and "90 days before the term end" in html
    svg = chart(html)
    points = {c.find(f"{SVG}title").text: c.get("fill") for c in svg.iter(f"{SVG}circle")}
    assert points == {
        "License utilization (30d): 0.78 (95% interval 0.68 to 0.87), preceded churn": "#198754",
        "NPS: 0.55 (95% interval 0.42 to 0.67), not distinguishable from noise": "#6c757d",
    }  # the indicator without enough outcomes has no point, and the older run's "mau" is not there
    bars = [(line.get("x1"), line.get("x2")) for line in svg.iter(f"{SVG}line") if line.get("class") == "interval"]
    assert bars == [("649.12", "741.08"), ("523.28", "644.28")]  # 320 + 484 x AUC
    [reference] = [line for line in svg.iter(f"{SVG}line") if line.get("class") == "reference"]
    assert reference.get("x1") == "562"
    rows = html.split('id="indicator-evidence"')[1]
    assert "0.78 (0.68–0.87)" in rows and "2.10 (1.50–2.60)" in rows and "64%" in rows and "25 / 55" in rows
    assert "Open escalated tickets" in rows and "not enough outcomes yet" in rows and "3 / 9" in rows
    counts = html.split('id="verdict-counts">')[1].split("</p>")[0]
    assert re.sub(r"<[^>]+>", "", counts) == (
        "1 preceded churn · 1 not distinguishable from noise · 1 not enough outcomes yet"
    )
    assert "Advocates" not in html and "theirs-only" not in html
    assert ('id="run-now"' in html) is (role == "admin")


def test_the_180_day_switch_shows_not_enough_outcomes_yet(client, world_a, runs):
    html = session_client(client, world_a.viewer).get(URL, {"lead": 180}).content.decode()
    assert "Not enough outcomes yet:</strong> 4 churned and 30 renewed renewals" in html
    assert "No indicator had enough outcomes to be tested" in html


def test_a_tenant_without_a_run_is_told_so(client, world_b, world_a, runs):
    response = session_client(client, world_b.viewer).get(URL, {"lead": 180})
    assert response.status_code == 200 and 'id="no-run"' in response.content.decode()
    assert session_client(client, world_b.viewer).get(URL, {"lead": 30}).status_code == 400


def test_an_admin_runs_it_now_for_their_tenant_only(world_a, world_b, django_capture_on_commit_callbacks):
    admin = session_client(Client(enforce_csrf_checks=True), world_a.admin)
    assert admin.post(RUN_URL, {"lead": "180"}).status_code == 403  # no CSRF token
    page = admin.get(URL)
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin.post(RUN_URL, {"lead": "180", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == f"{URL}?lead=180"
    assert len(callbacks) == 1
    runs = OutcomeAnalysis.objects.for_tenant(world_a.tenant).order_by("lead_days")
    assert [(r.lead_days, r.churned, r.renewed) for r in runs] == [(90, 0, 0), (180, 0, 0)]
    assert not OutcomeAnalysis.objects.for_tenant(world_b.tenant).exists()


@pytest.mark.parametrize("role", ["csm", "viewer"])
def test_csms_and_viewers_cannot_run_it(client, world_a, role, django_capture_on_commit_callbacks):
    member = session_client(client, getattr(world_a, role))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert member.post(RUN_URL).status_code == 403
    assert callbacks == [] and not OutcomeAnalysis.objects.for_tenant(world_a.tenant).exists()
    assert member.get(RUN_URL).status_code == 405


def test_the_page_reads_one_stored_run_however_many_indicators(client, world_a, runs):
    as_viewer = session_client(client, world_a.viewer)
    as_viewer.get(URL)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert as_viewer.get(URL).status_code == 200
        return len(captured)

    before = queries()
    every = [{**NOISE, "indicator": key} for key in ("mau", "wau", "dau", "advocates", "nps", "gut_read")]
    run(world_a.tenant, 90, datetime(2026, 3, 2, tzinfo=UTC), 25, 55, [PRECEDED, *every, TOO_FEW])
    # 7 for the page, 3 for the two-factor gate every console page passes (the member's devices, their
    # tenants' requirement, the session's record).
    assert queries() == before <= 10
