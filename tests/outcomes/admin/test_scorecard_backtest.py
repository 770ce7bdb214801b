"""The scorecard backtest page: AUC with its interval, churn rate per band with Wilson intervals, coverage.

A scorecard "Usage only" scores license utilization on a straight ramp (0% -> 0 points, 100% -> 100 points;
red below 40, green from 70). Each closed renewal ended 2025-06-30 and had its utilization recorded two days
before the 90-day mark:

Small book (13 renewals, 5 churned: "not enough outcomes yet", fewer than 20 of each):
  red (20 pts)     3 churned, 1 renewed (30)     churn 3/4 = 75%, Wilson 95% 30% to 95%
  yellow (50 pts)  1 churned, 2 renewed           churn 1/3 = 33%
  green (90 pts)   1 churned, 4 renewed           churn 1/5 = 20%; 1 of 5 churners was green, 2 green or yellow
  no score         1 renewed (nothing recorded)   coverage 12 of 13 renewals, 5 of 5 churned ones
Large book (41 renewals): 20 churned at 10% and 1 at 90%, 20 renewed at 90%. Of the 21 x 20 pairs, the
churned renewal was riskier in 400 and tied in 20: AUC = (400 + 20/2) / 420 = 0.976.
"""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import HealthScoreHistory, Scorecard
from indicators.services.scorecards import scorecard_save
from outcomes.services.learning import as_of_moment, indicators_analyse
from tests.conftest import session_client
from tests.factories import AccountFactory
from tests.outcomes.admin.console_data import closed

pytestmark = pytest.mark.django_db
URL = "/admin/outcomes/backtest/"
TERM_END = date(2025, 6, 30)
USAGE_ONLY = [{"indicator": "license_utilization", "weight": 1.0, "rule": "linear", "lower": 0.0, "upper": 100.0}]


def usage_scorecard(tenant, name="Usage only", *, default=True) -> Scorecard:
    card = Scorecard(name=name, is_default=default, green_min=70, yellow_min=40)
    return scorecard_save(tenant=tenant, scorecard=card, measures=USAGE_ONLY, changed_by=None).scorecard


def renewal(tenant, churned: bool, utilization: float | None) -> None:
    account = AccountFactory(tenant=tenant)
    closed(tenant, account, TERM_END, "churned" if churned else "renewed", "1000", "0" if churned else "1000")
    if utilization is not None:
        moment = as_of_moment(TERM_END, 90, ZoneInfo(tenant.time_zone)) - timedelta(days=2)
        HealthScoreHistory.objects.create(tenant=tenant, account=account, at=moment, scorecard="x",
                                          values={"license_utilization": utilization})  # fmt: skip


@pytest.fixture
def small_book(world_a):
    card = usage_scorecard(world_a.tenant)
    for churned, utilization, times in [(True, 20, 3), (False, 30, 1), (True, 50, 1), (False, 50, 2), (True, 90, 1),
                                        (False, 90, 4), (False, None, 1)]:  # fmt: skip
        for _ in range(times):
            renewal(world_a.tenant, churned, utilization)
    return card


def band_rows(html: str) -> dict[str, str]:
    body = html.split('id="backtest-bands"')[1].split("</tbody>")[0]
    rows = {}
    for row in body.split("<tr data-band=")[1:]:
        band = row.split(">")[0].strip('"')
        cells = [c.split("</td>")[0] for c in row.split('<td class="num">')[1:]]
        rows[band] = " | ".join(cells)
    return rows


@pytest.mark.parametrize("role", ["admin", "csm", "viewer"])
def test_every_member_reads_the_churn_rate_per_band_and_not_enough_outcomes_yet(client, world_a, small_book, role):
    response = session_client(client, getattr(world_a, role)).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Usage only</strong>" in html and "13 closed renewals, 5 churned" in html
    assert "Not enough outcomes yet" in html and "5 churned and 7 renewed renewals had a score" in html
    assert band_rows(html) == {
        "red": "4 | 3 | 75% | 30–95% | 60%",
        "yellow": "3 | 1 | 33% | 6–79% | 20%",
        "green": "5 | 1 | 20% | 4–62% | 20%",
        "none": "1 | 0 | 0% | 0–79% | 0%",
    }
    assert '<div class="outcomes-big">1 of 5</div>' in html and "2 were green or yellow" in html
    assert "12 of 13 renewals had a score then (92%); 5 of 5 churned ones (100%)" in html


def test_the_auc_and_its_interval_once_there_are_enough_outcomes(client, world_a):
    usage_scorecard(world_a.tenant)
    for churned, utilization, times in [(True, 10, 20), (True, 90, 1), (False, 90, 20)]:
        for _ in range(times):
            renewal(world_a.tenant, churned, utilization)
    response = session_client(client, world_a.viewer).get(URL)
    result = response.context["report"].result
    assert result.auc == pytest.approx(410 / 420)
    assert result.auc_low <= result.auc <= result.auc_high <= 1.0
    html = response.content.decode()
    assert '<div class="outcomes-big">0.98</div>' in html
    assert f"95% interval {result.auc_low:.2f} to {result.auc_high:.2f}" in html
    assert "Not enough outcomes yet" not in html


def test_another_scorecard_and_the_180_day_lead_are_picked_by_the_filters(client, world_a, small_book):
    draft = usage_scorecard(world_a.tenant, "Draft", default=False)
    response = session_client(client, world_a.viewer).get(URL, {"scorecard": draft.pk, "lead": 180})
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.scorecard_name, report.lead_days) == ("Draft", 180)
    # Read 180 days before, the values recorded 92 days before are not there yet: nothing was scored.
    assert (report.result.renewals, report.result.scored) == (13, 0)


def test_another_tenants_scorecard_is_not_found_and_its_renewals_never_count(client, world_a, world_b, small_book):
    theirs = usage_scorecard(world_b.tenant, "Theirs")
    renewal(world_b.tenant, True, 5)
    as_a = session_client(client, world_a.admin)
    assert as_a.get(URL, {"scorecard": theirs.pk}).status_code == 404
    assert as_a.get(URL, {"scorecard": 999999}).status_code == 404
    assert as_a.get(URL, {"lead": 45}).status_code == 400
    assert as_a.get(URL).context["report"].result.renewals == 13
    response = session_client(client, world_b.viewer).get(URL)
    assert response.context["report"].result.renewals == 1
    assert "Usage only" not in response.content.decode()


def test_a_tenant_without_a_scorecard_is_told_so(client, world_b):
    response = session_client(client, world_b.viewer).get(URL)
    assert response.status_code == 200 and 'id="no-scorecard"' in response.content.decode()


def test_the_page_reads_a_fixed_number_of_queries_however_many_renewals(client, world_a, small_book):
    as_viewer = session_client(client, world_a.viewer)
    as_viewer.get(URL)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert as_viewer.get(URL).status_code == 200
        return len(captured)

    before = queries()
    for n in range(30):
        renewal(world_a.tenant, n % 3 == 0, 10 + n)
    assert queries() == before <= 18  # one more: the "compare with" choices; three: the two-factor gate


def large_book(tenant) -> None:
    for churned, utilization, times in [(True, 10, 20), (True, 90, 1), (False, 90, 20)]:
        for _ in range(times):
            renewal(tenant, churned, utilization)


def test_a_draft_is_compared_on_the_same_renewals(client, world_a):
    """A draft with the same measure and only other thresholds orders the renewals the same way: same AUC
    (410/420), a difference of exactly 0 and a paired interval of 0 to 0. Its red band (below 95) holds every
    renewal (churn 21/41 = 51%); the current one's red band holds the 20 churned at 10% (100%)."""
    usage_scorecard(world_a.tenant)
    draft = Scorecard(name="Strict draft", is_default=False, green_min=99, yellow_min=95)
    draft = scorecard_save(tenant=world_a.tenant, scorecard=draft, measures=USAGE_ONLY, changed_by=None).scorecard
    large_book(world_a.tenant)
    response = session_client(client, world_a.viewer).get(URL, {"draft": draft.pk})
    comparison = response.context["comparison"]
    assert comparison.paired == 41 and comparison.current_auc == comparison.draft_auc == pytest.approx(410 / 420)
    assert (comparison.difference, comparison.difference_low, comparison.difference_high) == (0.0, 0.0, 0.0)
    html = response.content.decode()
    assert "Usage only against Strict draft" in html and "not distinguishable on these renewals" in html
    assert "100% of 20" in html and "51% of 41" in html


def test_an_admin_gets_a_suggested_draft_from_what_preceded_churn(client, world_a, world_b):
    usage_scorecard(world_a.tenant)
    large_book(world_a.tenant)
    admin = session_client(client, world_a.admin)
    response = admin.post(f"{URL}suggest/", {"lead": "90"})
    assert response["Location"] == f"{URL}?lead=90"  # no ranking yet: nothing to suggest
    assert not Scorecard.objects.for_tenant(world_a.tenant).filter(is_default=False).exists()
    indicators_analyse(tenant=world_a.tenant, lead_days=90)
    response = admin.post(f"{URL}suggest/", {"lead": "90"})
    draft = Scorecard.objects.for_tenant(world_a.tenant).get(is_default=False)
    assert response["Location"] == f"{URL}?lead=90&draft={draft.pk}"
    [measure] = draft.measures.all()
    assert (measure.indicator, measure.weight) == ("license_utilization", 100)
    assert not Scorecard.objects.for_tenant(world_b.tenant).exists()
    page = admin.get(response["Location"]).content.decode()
    assert f"Usage only against {draft.name}" in page


@pytest.mark.parametrize("role", ["csm", "viewer"])
def test_csms_and_viewers_cannot_create_a_draft(client, world_a, role):
    usage_scorecard(world_a.tenant)
    member = session_client(client, getattr(world_a, role))
    assert member.post(f"{URL}suggest/", {"lead": "90"}).status_code == 403
    assert "Suggest a draft" not in member.get(URL).content.decode()
