"""The one rule by which an account's ARR changes: a movement appended to the ledger, in the same transaction.

The kind follows from the ARR before and after: from 0 it is new (or a reactivation after a churn), to 0
a churn, up an expansion, down a contraction. The ledger always sums to the account's ARR: an ARR set
elsewhere (the account form, the accounts API, group traits) is reconciled by a movement of its own
before the next one, and by the daily reconciliation.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Account, Tenant
from accounts.zones import tenant_zone
from outcomes.models import ArrMovement, MovementKind, Renewal

ZERO = Decimal("0.00")
RECONCILED = "ARR set outside a renewal or commercial event"
OPENING = "Opening balance: the account's ARR when its ledger started"


def tenant_today(tenant: Tenant) -> date:
    return timezone.now().astimezone(tenant_zone(tenant)).date()


def movement_kind(before: Decimal, after: Decimal, *, churned_before: bool) -> str:
    if before <= 0:
        return MovementKind.REACTIVATION if churned_before else MovementKind.NEW
    if after <= 0:
        return MovementKind.CHURN
    return MovementKind.EXPANSION if after > before else MovementKind.CONTRACTION


def _ledger_arr(tenant: Tenant, account_id: int) -> Decimal:
    total = ArrMovement.objects.for_tenant(tenant).filter(account_id=account_id).aggregate(arr=Sum("amount"))["arr"]
    return total or ZERO


def _append(tenant: Tenant, account_id: int, before: Decimal, after: Decimal, on: date, **source) -> ArrMovement:
    churned_before = ArrMovement.objects.for_tenant(tenant).filter(account_id=account_id, kind=MovementKind.CHURN)
    return ArrMovement.objects.create(
        tenant=tenant, account_id=account_id, on=on, amount=after - before, arr_after=after,
        kind=movement_kind(before, after, churned_before=churned_before.exists()), **source,
    )  # fmt: skip


@transaction.atomic
def arr_move(*, tenant: Tenant, account: Account, arr: Decimal, on: date, renewal: Renewal | None = None,
             event_message_id: str = "", note: str = "") -> ArrMovement | None:  # fmt: skip
    """Set the account's ARR to ``arr`` from ``on`` (a date of the tenant's calendar); None when unchanged."""
    arr = max(Decimal(arr), ZERO).quantize(Decimal("0.01"))
    locked = Account.objects.for_tenant(tenant).select_for_update().get(pk=account.pk)
    _reconcile_locked(tenant, locked, on)
    if locked.arr == arr:
        return None
    movement = _append(tenant, locked.pk, locked.arr, arr, on, renewal=renewal,
                       event_message_id=event_message_id, note=note)  # fmt: skip
    locked.arr = account.arr = arr
    locked.save(update_fields=["arr", "updated_at"])
    return movement


def _reconcile_locked(tenant: Tenant, account: Account, on: date) -> ArrMovement | None:
    ledger = _ledger_arr(tenant, account.pk)
    if ledger == account.arr:
        return None
    opening = not ArrMovement.objects.for_tenant(tenant).filter(account_id=account.pk).exists()
    if opening and account.contract_start_on is not None:
        # The ARR known when the ledger starts has stood since the contract began, as far as anyone knows.
        return _append(tenant, account.pk, ledger, account.arr, min(on, account.contract_start_on), note=OPENING)
    return _append(tenant, account.pk, ledger, account.arr, on, note=OPENING if opening else RECONCILED)


def ledgers_reconcile(*, tenant: Tenant, on: date | None = None) -> int:
    """Append a movement for every account whose ARR differs from its ledger; return how many."""
    on = on or tenant_today(tenant)
    sums = dict(
        ArrMovement.objects.for_tenant(tenant).values("account_id").annotate(arr=Sum("amount"))
        .order_by().values_list("account_id", "arr")
    )  # fmt: skip
    moved = 0
    for pk, arr in Account.objects.for_tenant(tenant).values_list("pk", "arr"):
        if sums.get(pk, ZERO) != arr:
            with transaction.atomic():
                locked = Account.objects.for_tenant(tenant).select_for_update().get(pk=pk)
                moved += _reconcile_locked(tenant, locked, on) is not None
    return moved
