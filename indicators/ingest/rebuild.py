"""A tenant's daily rollups and contacts' usage days rebuilt from its stored events.

Rollup days are dates of the tenant's calendar, so a change of its time zone moves every event's day:
the rows are rebuilt from the events, in one transaction (scores read either the old rows or the new).
Only the days whose events are all still kept are rebuilt: older raw events may be past the tenant's
retention and dropped, and the rollups are then all that is left of them, so they stay as they were.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Account, Contact, Tenant
from accounts.zones import tenant_zone
from indicators.engine.calendar import local_day
from indicators.ingest.rollups import rollups_add
from indicators.ingest.rollups.deltas import EventFact
from indicators.ingest.store import contacts_seen, features_register, usage_seen
from indicators.models import AccountDay, ContactDay, Event, EventType
from indicators.partitions.months import retention_cutoff
from indicators.stale.marks import accounts_mark_stale

BATCH = 5_000  # events per pass: the rollups take a batch's sums in a few statements


def rollups_rebuild(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Rebuild the tenant's rollups in its calendar and mark its accounts for a recompute; return events read."""
    zone, read, after = tenant_zone(tenant), 0, 0
    cutoff = retention_cutoff(now or timezone.now(), tenant.setting("event_retention_months"))
    # The first whole day of the new calendar on or after the retention cutoff, and the moment it begins.
    since = local_day(cutoff, zone) + timedelta(days=1)
    begins = datetime.combine(since, datetime.min.time(), tzinfo=zone)
    with transaction.atomic():
        AccountDay.objects.for_tenant(tenant).filter(day__gte=since).delete()
        ContactDay.objects.for_tenant(tenant).filter(day__gte=since).delete()
        Contact.objects.for_tenant(tenant).update(usage_days=0, usage_days_to=None)
        events = (
            Event.objects.for_tenant(tenant).filter(account_id__isnull=False, occurred_at__gte=begins).order_by("pk")
        )
        while rows := list(
            events.filter(pk__gt=after)[:BATCH].values_list(
                "pk", "account_id", "contact_id", "occurred_at", "type", "name"
            )
        ):
            after, read = rows[-1][0], read + len(rows)
            features = features_register(tenant=tenant, keys={r[5] for r in rows if r[4] == EventType.USAGE})
            rollups_add(
                tenant=tenant,
                facts=[
                    EventFact(account, contact, at, kind, features.get(name) if kind == EventType.USAGE else None)
                    for _, account, contact, at, kind, name in rows
                ],
            )
            usage = [(contact, at) for _, _, contact, at, kind, _ in rows if contact and kind == EventType.USAGE]
            contacts_seen(tenant=tenant, seen=usage_seen(usage, zone))
        accounts_mark_stale(
            tenant=tenant, account_ids=set(Account.objects.for_tenant(tenant).values_list("pk", flat=True))
        )
    return read
