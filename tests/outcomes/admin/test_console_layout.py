"""The outcomes pages in a real headless Chromium at 1440 px: nothing wider than the window, sidebar open.

Filled as a busy tenant would fill them: long account names, every indicator of the catalogue in a run.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.conf import settings

from accounts.middleware import SESSION_KEY
from indicators.engine import ACCOUNT_INDICATORS
from indicators.models import HealthScoreHistory, Scorecard
from indicators.services.scorecards import scorecard_save
from outcomes.models import AnalysisKind, CsmCall, OutcomeAnalysis
from tests.browser import screenshot
from tests.factories import AccountFactory
from tests.outcomes.admin.console_data import NOW, closed, pending

MEASURES = [{"indicator": "license_utilization", "weight": 1.0, "rule": "linear", "lower": 0.0, "upper": 100.0}]
PAGES = ["renewals-ahead/?horizon=180", "dashboard/?period=ttm", "churn-indicators/", "backtest/", ""]


def busy_tenant(world) -> None:
    t = world.tenant
    card = Scorecard(name="Usage and sentiment", is_default=True)
    scorecard_save(tenant=t, scorecard=card, measures=MEASURES, changed_by=None)
    for n in range(60):
        account = AccountFactory(tenant=t)
        churned = n % 4 == 0
        closed(t, account, date(2025, 6, 30), "churned" if churned else "renewed", "1000", "0" if churned else "1000")
        values = {"license_utilization": 20 + (n * 37) % 80}
        HealthScoreHistory.objects.create(tenant=t, account=account, at=datetime(2025, 3, 1, tzinfo=UTC),
                                          scorecard="x", values=values)  # fmt: skip
    for n in range(30):
        pending(t, f"Consolidated Industrial Holdings {n} International", n * 6 - 10, f"{(n + 1) * 13750}",
                csm=world.csm, segment="enterprise" if n % 3 else "mid-market", score=15 + n * 2.7,
                call=[CsmCall.COMMIT, CsmCall.AT_RISK, ""][n % 3], call_on=date(2026, 1, 5))  # fmt: skip
    result = [
        {"indicator": i.key, "direction": 1, "churned": 31, "renewed": 240, "verdict": verdict, "reason": "",
         "auc": auc, "auc_low": auc - 0.09, "auc_high": min(auc + 0.08, 1.0), "q_value": 0.01, "lift": 1.8,
         "lift_low": 1.2, "lift_high": 2.4, "coverage": 0.55, "coverage_low": 0.4, "coverage_high": 0.7}
        for n, i in enumerate(ACCOUNT_INDICATORS)
        for auc, verdict in [(0.8 - n * 0.007, "preceded churn" if n < 6 else "not distinguishable from noise")]
    ]  # fmt: skip
    OutcomeAnalysis.objects.create(
        tenant=t, kind=AnalysisKind.INDICATORS, lead_days=90, ran_at=datetime(2026, 3, 1, tzinfo=UTC),
        first_term_end=date(2023, 1, 31), last_term_end=date(2026, 2, 28), churned=31, renewed=240, result=result,
    )  # fmt: skip


@pytest.fixture
def on_the_book_day():
    with time_machine.travel(NOW):  # the clock ticks on: the live server's requests need it to
        yield


@pytest.mark.django_db(transaction=True)
def test_every_page_fits_a_1440_pixel_window(live_server, chromium, world_a, client, on_the_book_day):
    busy_tenant(world_a)
    client.force_login(world_a.admin.user)
    session = client.session
    session[SESSION_KEY] = world_a.tenant.pk
    session.save()
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}])
    page = context.new_page()
    for path in PAGES:
        page.goto(f"{live_server.url}/admin/outcomes/{path}" if path else f"{live_server.url}/admin/")
        assert page.locator("#content").count() == 1, path
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], (path, widths)
        screenshot(page, path.split("/")[0] or "index")
