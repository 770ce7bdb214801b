"""Thin Celery tasks: stable names, id arguments, a service call; safe to run twice."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from accounts.background import tenant_task
from accounts.models import Account, Tenant
from indicators.ingest.rebuild import rollups_rebuild
from indicators.ingest.retention import ingestion_records_prune
from indicators.models import Scorecard
from indicators.partitions.maintenance import events_partitions_maintain
from indicators.scoring.recompute import TASK_ACCOUNTS, accounts_recompute
from indicators.scoring.scorecards import scorecard_rescore_targets
from indicators.stale.expiries import expired_gut_reads_mark
from indicators.stale.hint import recompute_hold
from indicators.stale.sweep import chunks_by_tenant, dirty_sweep, marked_sweep


@tenant_task(name="indicators.recompute_accounts", acks_late=True, reject_on_worker_lost=True)
def recompute_accounts(*, tenant: Tenant, account_ids: list[int]) -> int:
    # The tenant scopes every query: an account id of another tenant is simply not found.
    return accounts_recompute(tenant=tenant, account_ids=account_ids)


def _publish(tenant_id: int, account_ids: list[int]) -> None:
    recompute_accounts.apply_async(kwargs={"tenant_id": tenant_id, "account_ids": account_ids})


@tenant_task(name="indicators.rebuild_rollups", acks_late=True)
def rebuild_rollups(*, tenant: Tenant) -> int:
    """After the tenant's time zone changed: its rollups in its new calendar (the accounts are marked)."""
    return rollups_rebuild(tenant=tenant)


@tenant_task(name="indicators.rescore_scorecard", ignore_result=True)
def rescore_scorecard(*, tenant: Tenant, scorecard_id: int) -> int:
    """After a scorecard changed: its accounts (now and before), one recompute task per TASK_ACCOUNTS of them;
    held like any other recompute inside ``recompute_held`` (bulk seeding scores once, at its end)."""
    scorecard = Scorecard.objects.for_tenant(tenant).filter(pk=scorecard_id).first()
    if scorecard is None:
        return 0
    ids = scorecard_rescore_targets(tenant=tenant, scorecard=scorecard)
    if not recompute_hold(tenant_id=tenant.pk, account_ids=ids):
        for start in range(0, len(ids), TASK_ACCOUNTS):
            _publish(tenant.pk, ids[start : start + TASK_ACCOUNTS])
    return len(ids)


@shared_task(name="indicators.sweep_dirty_accounts", ignore_result=True)
def sweep_dirty_accounts(**kwargs) -> int:
    return dirty_sweep(_publish, size=TASK_ACCOUNTS)


@shared_task(name="indicators.sweep_marked_accounts", ignore_result=True)
def sweep_marked_accounts(**kwargs) -> int:
    return marked_sweep(_publish, size=TASK_ACCOUNTS, grace=timedelta(seconds=settings.RECOMPUTE_MARK_GRACE_SECONDS))


@shared_task(name="indicators.sweep_expired_gut_reads", ignore_result=True)
def sweep_expired_gut_reads(**kwargs) -> int:
    """Every few seconds: an expired gut read stops counting now, so its account is rescored now."""
    return expired_gut_reads_mark()


@shared_task(name="indicators.recompute_all_accounts", ignore_result=True)
def recompute_all_accounts(**kwargs) -> int:
    """Every six hours: time-driven indicators (days since ...) move without events; also writes the history."""
    work = chunks_by_tenant(Account.unscoped.values_list("tenant_id", "pk"), size=TASK_ACCOUNTS)
    for tenant_id, ids in work:
        _publish(tenant_id, ids)
    return len(work)


@shared_task(name="indicators.prune_ingestion_records", ignore_result=True)
def prune_ingestion_records(**kwargs) -> int:
    """Daily: the ingestion-error log and applied and stored message ids past their keeping time."""
    return ingestion_records_prune()


@shared_task(name="indicators.maintain_event_partitions", ignore_result=True)
def maintain_event_partitions(**kwargs) -> int:
    """Daily: the coming months' event partitions created, events past each tenant's retention dropped."""
    done = events_partitions_maintain()
    return len(done.created) + len(done.dropped)
