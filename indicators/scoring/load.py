"""Bulk-loading engine inputs for a chunk of accounts: a fixed number of queries, whatever the chunk size."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from accounts.models import Account, Contact, Tenant
from indicators import engine
from indicators.models import AccountDay, ContactDay, Event, EventType, Feature, Product


def tenant_facts(tenant: Tenant) -> engine.TenantFacts:
    features = dict(Feature.objects.for_tenant(tenant).filter(merged_into=None).values_list("key", "is_core_value"))
    return engine.TenantFacts(features=features, products_in_catalogue=Product.objects.for_tenant(tenant).count())


def inputs_load(
    *,
    tenant: Tenant,
    account_ids: list[int],
    as_of: datetime,
    history_from: datetime | None = None,
    facts: engine.TenantFacts | None = None,
) -> dict[int, engine.AccountInputs]:
    """Inputs for each account at ``as_of``; ``history_from`` loads further back (for back-filled history)."""
    start = history_from or as_of
    rollups_since = (start - timedelta(days=engine.ROLLUP_DAYS)).date()
    events_since = start - timedelta(days=engine.EVENT_DAYS)
    facts = facts or tenant_facts(tenant)
    accounts = Account.objects.for_tenant(tenant).filter(pk__in=account_ids)
    contacts = defaultdict(list)
    for c in Contact.objects.for_tenant(tenant).filter(account_id__in=account_ids):
        contacts[c.account_id].append(
            engine.ContactFacts(
                id=c.pk, is_executive=c.is_executive, is_decision_maker=c.is_decision_maker,
                is_champion=c.is_champion, is_advocate=c.is_advocate, reports_to_id=c.reports_to_id,
                first_seen_at=c.first_seen_at, last_seen_at=c.last_seen_at,
            )
        )  # fmt: skip
    days = defaultdict(list)
    for r in AccountDay.objects.for_tenant(tenant).filter(account_id__in=account_ids, day__gte=rollups_since):
        days[r.account_id].append(
            engine.DayRollup(day=r.day, events=r.events, usage_events=r.usage_events, active_users=r.active_users,
                             by_feature=r.by_feature, by_type=r.by_type)
        )  # fmt: skip
    contact_days = defaultdict(list)
    for r in ContactDay.objects.for_tenant(tenant).filter(account_id__in=account_ids, day__gte=rollups_since):
        contact_days[r.account_id].append(
            engine.ContactDayRollup(contact_id=r.contact_id, day=r.day, usage_events=r.usage_events,
                                    by_feature=r.by_feature)
        )  # fmt: skip
    events = defaultdict(list)
    recent = Event.objects.for_tenant(tenant).filter(account_id__in=account_ids, occurred_at__gte=events_since)
    for account_id, type_, name, at, contact_id, properties in recent.exclude(type=EventType.USAGE).values_list(
        "account_id", "type", "name", "occurred_at", "contact_id", "properties"
    ):
        events[account_id].append(
            engine.EventRecord(type=type_, name=name, occurred_at=at, contact_id=contact_id, properties=properties)
        )
    return {
        a.pk: engine.AccountInputs(
            as_of=as_of,
            account=engine.AccountFacts(
                licenses=a.licenses,
                lifecycle_stage=a.lifecycle_stage,
                onboarding_started_on=a.onboarding_started_on,
                onboarding_completed_on=a.onboarding_completed_on,
                objectives_documented=a.objectives_documented,
                contract_start_on=a.contract_start_on,
                renewal_on=a.renewal_on,
                executive_sponsor_id=a.executive_sponsor_id,
            ),
            tenant=facts,
            contacts=tuple(contacts[a.pk]),
            days=tuple(days[a.pk]),
            contact_days=tuple(contact_days[a.pk]),
            events=tuple(events[a.pk]),
            rollups_since=rollups_since,
            events_since=events_since,
        )
        for a in accounts
    }
