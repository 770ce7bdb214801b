"""The accounts list at 1440 px in a real headless Chromium: every column on screen beside the filters."""

import os
import shutil
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings

from tests.conftest import require_service, session_client
from tests.factories import AccountFactory, MembershipFactory, UserFactory
from tests.indicators.health_data import score_row

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
WIDTH = 1440


@pytest.fixture
def browser_context(monkeypatch):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require_service(sync_playwright is not None and shutil.which(CHROMIUM) is not None, "Playwright with Chromium")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser.new_context(viewport={"width": WIDTH, "height": 900})
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_the_renewal_and_csm_columns_are_on_screen_at_1440_px(live_server, browser_context, client, world_a):
    owner = MembershipFactory(
        tenant=world_a.tenant, role="csm", user=UserFactory(email="alexandra.papadopoulou@customer-success.test")
    )
    for n in range(5):  # long names and big figures: the widest rows a real book has
        account = AccountFactory(
            tenant=world_a.tenant, name=f"Consolidated Industrial Holdings International {n}", segment="Enterprise",
            lifecycle_stage="adopting", arr=Decimal("12500000"), renewal_on=date(2027, 6, 30), csm_owner=owner,
        )  # fmt: skip
        score_row(world_a.tenant, account, 35.5, change_7d=-12.3)
    session_client(client, world_a.admin)
    browser_context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])  # fmt: skip
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/admin/accounts/account/")
    # Django's results box scrolls sideways rather than widen the page: a column past its right edge is
    # off-screen although the page itself never overflows.
    results = page.locator("#changelist .results").bounding_box()
    visible_right = min(WIDTH, results["x"] + results["width"])
    for column in ("renewal", "csm", "arr_shown", "health_band", "stage"):
        box = page.locator(f"th.column-{column}").bounding_box()
        assert box is not None and box["x"] + box["width"] <= visible_right, column
    assert page.evaluate("(b => b.scrollWidth <= b.clientWidth)(document.querySelector('#changelist .results'))")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    rows = page.inner_text("#result_list")
    assert "12,500,000 USD" in rows and "2027-06-30" in rows
