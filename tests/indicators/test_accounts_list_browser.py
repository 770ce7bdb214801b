"""The accounts list at 1440 px in a real headless Chromium: every column on screen beside the filters."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings

from tests.browser import screenshot
from tests.conftest import session_client
from tests.factories import AccountFactory, MembershipFactory, UserFactory
from tests.indicators.health_data import score_row

WIDTH = 1440


@pytest.mark.django_db(transaction=True)
def test_the_renewal_and_csm_columns_are_on_screen_at_1440_px(live_server, chromium, client, world_a):
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
    browser_context = chromium.new_context(viewport={"width": WIDTH, "height": 900})
    browser_context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])  # fmt: skip
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/admin/accounts/account/")
    screenshot(page, "accounts-list-1440")
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
