"""A contact's usage mask: kept exact by ingestion in any order of batches, read the same as the daily rollups."""

import random
from datetime import UTC, date, datetime, timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Contact
from indicators.ingest import usage_days
from indicators.ingest.store import NewEvent, contacts_seen_portable, events_store, usage_seen
from indicators.scoring.load import contact_usage_masks
from tests.factories import AccountFactory, ContactFactory, TenantFactory

START = date(2026, 1, 1)
day_sets = st.sets(st.integers(min_value=0, max_value=150), max_size=40).map(
    lambda offsets: {START + timedelta(days=o) for o in offsets}
)


def expected(days: set[date], today: date, window: int) -> int:
    """The mask seen from ``today``, straight from the days."""
    return sum(1 << (today - day).days for day in days if 0 <= (today - day).days < window)


@given(day_sets, day_sets)
def test_merging_two_masks_gives_the_mask_of_both_sets_of_days(first, second):
    merged = usage_days.mask_merged(*usage_days.mask_of(first), *usage_days.mask_of(second))
    both = usage_days.mask_of(first | second)
    assert merged == both
    if both[1] is not None:  # the newest 63 days are all there
        assert both[0] == expected(first | second, both[1], usage_days.MASK_BITS)


@given(day_sets, st.integers(min_value=-70, max_value=5), st.integers(min_value=1, max_value=61))
def test_a_mask_seen_from_another_day_shifts_or_says_it_cannot_tell(days, back, window):
    mask, to = usage_days.mask_of(days)
    if to is None:
        assert usage_days.mask_on(mask, to, START, window) == 0
        return
    today = to - timedelta(days=back)
    seen = usage_days.mask_on(mask, to, today, window)
    if back > usage_days.MASK_BITS - window:
        assert seen is None
    else:
        assert seen == expected(days, today, window)


def usage(message_id: str, account, contact, at: datetime, kind: str = "usage") -> NewEvent:
    return NewEvent(message_id=message_id, type=kind, name="Report", occurred_at=at, source="test",
                    account_id=account.pk, contact_id=contact.pk)  # fmt: skip


@pytest.mark.django_db
def test_batches_in_any_order_leave_each_contact_the_mask_of_all_its_usage_days():
    tenant = TenantFactory()
    account = AccountFactory(tenant=tenant)
    contacts = ContactFactory.create_batch(4, account=account)
    rng = random.Random(11)
    now = datetime(2026, 5, 20, 12, tzinfo=UTC)
    # Live usage, back-filled history (older than the mask holds, too), a non-usage event, and re-sent ids.
    events = [
        usage(f"m{i}", account, rng.choice(contacts), now - timedelta(hours=rng.randrange(24 * 90))) for i in range(300)
    ]
    events.append(usage("ticket", account, contacts[0], now + timedelta(hours=3), kind="support"))
    rng.shuffle(events)
    for start in range(0, len(events), 37):
        with transaction.atomic():
            events_store(tenant=tenant, events=events[start : start + 37] + events[:5])
    days = {c.pk: set() for c in contacts}
    for event in events:
        if event.type == "usage":
            days[event.contact_id].add(event.occurred_at.date())
    stored = {c.pk: (c.usage_days, c.usage_days_to) for c in Contact.objects.for_tenant(tenant)}
    assert stored == {pk: usage_days.mask_of(d) for pk, d in days.items()}
    # As the rollups tell it, over the 61 days the score reads.
    today = now.date()
    masks = contact_usage_masks(tenant, [account.pk], today - timedelta(days=60), today)
    assert {c: m for _, c, m in masks} == {
        pk: usage_days.mask_on(*stored[pk], today, 61) for pk in stored if usage_days.mask_on(*stored[pk], today, 61)
    }


@pytest.mark.django_db
@pytest.mark.postgres  # compares the PostgreSQL statement with the portable path
def test_the_portable_path_leaves_the_masks_the_postgresql_path_leaves():
    rng = random.Random(5)
    now = datetime(2026, 5, 20, 12, tzinfo=UTC)
    plan = [[(rng.randrange(3), now - timedelta(hours=rng.randrange(24 * 80))) for _ in range(30)] for _ in range(6)]
    results = []
    for name in ("sql", "portable"):
        tenant = TenantFactory(name=name, slug=name)
        contacts = ContactFactory.create_batch(3, account=AccountFactory(tenant=tenant))
        for batch in plan:
            seen = usage_seen([(contacts[c].pk, at) for c, at in batch])
            if name == "sql":
                with transaction.atomic():
                    events_store(
                        tenant=tenant,
                        events=[usage(f"{name}{i}-{at}", contacts[c].account, contacts[c], at)
                                for i, (c, at) in enumerate(batch)],
                    )  # fmt: skip
            else:
                contacts_seen_portable(tenant=tenant, seen=seen)
        results.append([
            (c.first_seen_at, c.last_seen_at, c.usage_days, c.usage_days_to)
            for c in Contact.objects.for_tenant(tenant).order_by("external_id")
        ])  # fmt: skip
    assert results[0] == results[1] and results[0][0][2]


@pytest.mark.django_db
def test_the_migration_fills_every_contact_s_mask_from_its_rollups():
    fill = import_module("indicators.migrations.0009_contact_usage_days_fill").fill
    tenant = TenantFactory()
    account = AccountFactory(tenant=tenant)
    contacts = ContactFactory.create_batch(3, account=account)
    now = datetime(2026, 5, 20, 12, tzinfo=UTC)
    with transaction.atomic():
        events_store(
            tenant=tenant,
            events=[usage(f"m{i}", account, contacts[i % 2], now - timedelta(days=i % 70)) for i in range(120)],
        )
    kept = {c.pk: (c.usage_days, c.usage_days_to) for c in Contact.objects.for_tenant(tenant)}
    Contact.objects.for_tenant(tenant).update(usage_days=0, usage_days_to=None)
    # What the migration's RunPython is given, minus the schema editor's own transaction (SQLite can't open
    # one inside the test's).
    editor = SimpleNamespace(connection=connection, execute=lambda sql: connection.cursor().execute(sql))
    fill(apps, editor)
    assert {c.pk: (c.usage_days, c.usage_days_to) for c in Contact.objects.for_tenant(tenant)} == kept
    assert kept[contacts[0].pk][0] and kept[contacts[2].pk] == (0, None)
