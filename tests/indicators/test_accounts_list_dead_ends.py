"""The accounts list: bands by severity, ARR as money, churned out by default, renewals ahead, my accounts."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from tests.conftest import session_client
from tests.factories import AccountFactory, MembershipFactory, UserFactory
from tests.indicators.health_data import score_row

pytestmark = pytest.mark.django_db

ACCOUNTS = "/admin/accounts/account/"


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def account(world, name, *, score=None, **fields):
    row = AccountFactory(tenant=world.tenant, name=name, **fields)
    if score is not None:
        score_row(world.tenant, row, score)
    return row


def order(page, *names):
    return sorted(names, key=page.index)


def sort_index(page, column) -> str:
    """The ``o`` value of a column's header link (its position depends on the actions the member has)."""
    match = re.search(rf'class="[^"]*column-{column}[^"]*">.*?href="\?o=(\d+)', page, re.S)
    return match.group(1)


def test_the_band_column_sorts_by_severity_not_by_name(client, world_a):
    account(world_a, "Green Co", score=80)
    account(world_a, "Red Co", score=20)
    account(world_a, "Yellow Co", score=50)
    account(world_a, "Unscored Co")
    c = session_client(client, world_a.csm)
    band = sort_index(page_of(c.get(ACCOUNTS)), "health_band")
    page = page_of(c.get(ACCOUNTS, {"o": band}))
    assert order(page, "Green Co", "Red Co", "Yellow Co", "Unscored Co") == [
        "Red Co", "Yellow Co", "Green Co", "Unscored Co",
    ]  # fmt: skip
    reverse = page_of(c.get(ACCOUNTS, {"o": f"-{band}"}))
    assert order(reverse, "Green Co", "Red Co", "Yellow Co", "Unscored Co") == [
        "Unscored Co", "Green Co", "Yellow Co", "Red Co",
    ]  # fmt: skip


def test_arr_shows_thousands_and_the_currency(client, world_a):
    world_a.tenant.currency = "EUR"
    world_a.tenant.save()
    account(world_a, "Big Co", arr=Decimal("1250000.00"))
    account(world_a, "Dollar Co", arr=Decimal("98000"), currency="USD")
    page = page_of(session_client(client, world_a.csm).get(ACCOUNTS))
    assert "1,250,000 EUR" in page and "98,000 USD" in page and "1250000" not in page


def test_churned_accounts_are_out_of_the_list_unless_asked_for(client, world_a):
    account(world_a, "Gone Co", score=10, arr=Decimal("900000"), lifecycle_stage="churned")
    account(world_a, "Live Co", score=15, arr=Decimal("1000"))
    c = session_client(client, world_a.csm)
    arr = sort_index(page_of(c.get(ACCOUNTS)), "arr_shown")
    red_by_arr = page_of(c.get(ACCOUNTS, {"band": "red", "o": f"-{arr}"}))
    assert "Live Co" in red_by_arr and "Gone Co" not in red_by_arr
    assert "Gone Co" in page_of(c.get(ACCOUNTS, {"churned": "show"}))
    assert "Gone Co" in page_of(c.get(ACCOUNTS, {"lifecycle_stage__exact": "churned"}))
    only = page_of(c.get(ACCOUNTS, {"churned": "only"}))
    assert "Gone Co" in only and "Live Co" not in only


def test_the_renewal_filter_looks_ahead_on_the_tenants_calendar(client, world_a):
    world_a.tenant.time_zone = "Pacific/Auckland"
    world_a.tenant.save()
    # 20:00 UTC on 1 March is already 2 March in Auckland.
    with time_machine.travel(datetime(2027, 3, 1, 20, 0, tzinfo=UTC), tick=False):
        today = date(2027, 3, 2)
        account(world_a, "Soon Co", renewal_on=today + timedelta(days=29))
        account(world_a, "Later Co", renewal_on=today + timedelta(days=30))
        account(world_a, "Yesterday Co", renewal_on=today - timedelta(days=1))
        account(world_a, "Past Co", renewal_on=today - timedelta(days=31))
        c = session_client(client, world_a.csm)
        next30 = page_of(c.get(ACCOUNTS, {"renewal": "next30"}))
        assert "Soon Co" in next30 and "Later Co" not in next30 and "Yesterday Co" not in next30
        assert "Later Co" in page_of(c.get(ACCOUNTS, {"renewal": "next60"}))
        past = page_of(c.get(ACCOUNTS, {"renewal": "past30"}))
        assert "Yesterday Co" in past and "Past Co" not in past and "Soon Co" not in past
        assert "Renews in the next 180 days" in next30 and "Renewal date passed, last 90 days" in next30


def test_my_accounts_are_those_i_own(client, world_a, world_b):
    other = MembershipFactory(tenant=world_a.tenant, role="csm", user=UserFactory())
    account(world_a, "Mine Co", csm_owner=world_a.csm)
    account(world_a, "Theirs Co", csm_owner=other)
    account(world_b, "Other Tenant Co", csm_owner=world_b.csm)
    page = page_of(session_client(client, world_a.csm).get(ACCOUNTS, {"mine": "yes"}))
    assert "Mine Co" in page and "Theirs Co" not in page and "Other Tenant Co" not in page
