"""Back-filled history reads only what had happened by each point: a back-filled point equals a live score
computed at that moment by a tenant that only ever received the earlier events."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.ingest.store import NewEvent, events_store
from indicators.models import GutRead, HealthScore, HealthScoreHistory
from indicators.scoring.backfill import backfill_moments, history_backfill
from indicators.scoring.recompute import accounts_recompute
from tests.factories import AccountFactory, ContactFactory, TenantFactory

UNTIL = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)  # the 14 days before it hold New York's spring change
DAYS = 14
KINDS = ("usage:Report Built", "usage:Dashboard Viewed", "communication:meeting", "communication:call",
         "support:ticket_opened", "commercial:refund_requested")  # fmt: skip

happenings = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=(DAYS + 1) * 24 * 60),  # minutes before UNTIL
        st.sampled_from(KINDS),
        st.integers(min_value=0, max_value=2),  # which contact
    ),
    max_size=30,
)
gut_reads = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=DAYS * 24),  # hours before UNTIL it was set
        st.integers(min_value=1, max_value=6 * 24),  # hours it lives
        st.sampled_from(["very_negative", "neutral", "very_positive"]),
    ),
    max_size=3,
)


def world(zone: str):
    account = AccountFactory(tenant=TenantFactory(time_zone=zone), licenses=4, objectives_documented=True)
    return account, [ContactFactory(account=account) for _ in range(3)]


def store(account, contacts, items, *, up_to: datetime) -> None:
    """The happenings dated by ``up_to``; each contact first used the product before the period."""
    first = [(DAYS + 2) * 24 * 60, "usage:Report Built", 0], [(DAYS + 2) * 24 * 60, "usage:Report Built", 1]
    first = [*first, [(DAYS + 2) * 24 * 60, "usage:Report Built", 2]]
    events = []
    for n, (minutes, kind, who) in enumerate([*[(m, k, c) for m, k, c in first], *items]):
        at = UNTIL - timedelta(minutes=minutes)
        if at > up_to:
            continue
        type_, name = kind.split(":")
        events.append(NewEvent(
            message_id=f"m-{n}", type=type_, name=name, occurred_at=at, source="api", account_id=account.pk,
            contact_id=contacts[who].pk if type_ == "usage" else None,
            properties={"direction": "proactive"} if type_ == "communication" else {"ticket_id": f"T{n}"},
        ))  # fmt: skip
    with transaction.atomic():
        events_store(tenant=account.tenant, events=events)


def set_reads(account, reads) -> None:
    for hours_before, lives, level in reads:
        set_at = UNTIL - timedelta(hours=hours_before)
        GutRead.objects.create(tenant=account.tenant, account=account, level=level, set_at=set_at,
                               expires_at=set_at + timedelta(hours=lives))  # fmt: skip


@pytest.mark.django_db
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    zone=st.sampled_from(["America/New_York", "Pacific/Auckland"]),
    items=happenings,
    reads=gut_reads,
    checked=st.lists(st.integers(min_value=0, max_value=DAYS), min_size=1, max_size=3, unique=True),
)
def test_a_backfilled_point_equals_a_live_score_from_the_earlier_events_alone(zone, items, reads, checked):
    account, contacts = world(zone)
    store(account, contacts, items, up_to=UNTIL)
    set_reads(account, reads)
    history_backfill(tenant=account.tenant, account_ids=[account.pk], days=DAYS, until=UNTIL)
    moments = backfill_moments(until=UNTIL, days=DAYS, step_days=1, zone=ZoneInfo(zone))
    for moment in (moments[i] for i in checked):
        back = HealthScoreHistory.objects.for_tenant(account.tenant).get(account=account, at=moment)
        live_account, live_contacts = world(zone)  # knows only what had happened by the moment
        store(live_account, live_contacts, items, up_to=moment)
        set_reads(
            live_account, [(h, lives, level) for h, lives, level in reads if UNTIL - timedelta(hours=h) <= moment]
        )
        accounts_recompute(tenant=live_account.tenant, account_ids=[live_account.pk], as_of=moment)
        live = HealthScore.objects.for_tenant(live_account.tenant).get(account=live_account)
        assert (back.score, back.band, back.coverage, back.gut) == (live.score, live.band, live.coverage, live.gut)
        assert back.result == live.result


@pytest.mark.django_db
def test_no_point_counts_usage_from_later_in_its_day():
    """Hand-worked: a fourth user's first use at 14:00 New York time on March 10 counts in no point before it:
    license utilization is 3/4 = 75% until then and 4/4 = 100% from then on."""
    account, contacts = world("America/New_York")
    store(account, contacts, [], up_to=UNTIL)
    fourth = ContactFactory(account=account)
    afternoon = datetime(2026, 3, 10, 14, 0, tzinfo=ZoneInfo("America/New_York"))
    with transaction.atomic():
        events_store(tenant=account.tenant, events=[NewEvent(
            message_id="fourth", type="usage", name="Report Built", occurred_at=afternoon, source="api",
            account_id=account.pk, contact_id=fourth.pk)])  # fmt: skip
    history_backfill(tenant=account.tenant, account_ids=[account.pk], days=DAYS, until=UNTIL)
    rows = HealthScoreHistory.objects.for_tenant(account.tenant).filter(account=account).order_by("at")
    seen = [(row.at, utilization(row.result)) for row in rows]
    assert len(seen) == DAYS + 1
    assert [value for at, value in seen] == [100.0 if at >= afternoon else 75.0 for at, _ in seen]


def utilization(result: dict) -> float:
    return next(m["value"] for m in result["measures"] if m["indicator"] == "license_utilization")
