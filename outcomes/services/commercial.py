"""Commercial events already ingested (renewal, expansion, downsell, churn) close or open renewals and move
the account's ARR, so the renewals, the ledger and the account tell one story."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Account, Tenant
from accounts.zones import tenant_zone
from outcomes.models import Outcome, Renewal, RenewalSource
from outcomes.services.ledger import arr_move
from outcomes.services.renewals import outcome_of, renewal_save, years_before

logger = logging.getLogger(__name__)
# A renewal or churn event closes the pending renewal whose term ends nearest it, within this many days
# (renewals close early and late); none that near: the event is a renewal of its own, ending that day.
NEAR_DAYS = 120


def commercial_events_apply(*, tenant: Tenant, events) -> int:
    """Apply each move (oldest first, in the caller's transaction); return how many changed something.

    The ledger keeps each account's amounts in its own currency (the tenant's when it has none), so an
    amount in another currency is left to the ledger's reconciliation (converting it here would book a rate
    as ARR), and an event whose renewal contradicts a stored one is logged and skipped: the event itself is
    stored either way.
    """
    zone, applied = tenant_zone(tenant), 0
    accounts = {a.pk: a for a in Account.objects.for_tenant(tenant).filter(pk__in={e.account_id for e in events})}
    for event in events:
        account = accounts.get(event.account_id)
        amount = _amount(event.properties)
        if account is None or amount is None:
            continue
        currency = account.currency_in(tenant.currency)
        if event.properties.get("currency", currency) != currency:
            continue
        on = event.occurred_at.astimezone(zone).date()
        try:
            with transaction.atomic():
                applied += _apply(tenant, account, event, amount, on)
        except ValidationError as exc:
            logger.warning("Commercial event %s not applied to renewals: %s", event.message_id, exc.messages)
        account.refresh_from_db(fields=["arr", "renewal_on", "lifecycle_stage"])
    return applied


def _amount(properties) -> Decimal | None:
    try:
        amount = Decimal(str(properties.get("amount")))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if amount.is_finite() and amount >= 0 else None


def _apply(tenant: Tenant, account: Account, event, amount: Decimal, on: date) -> bool:
    source = {"event_message_id": event.message_id}
    if event.name == "expansion":
        return arr_move(tenant=tenant, account=account, arr=account.arr + amount, on=on, **source) is not None
    if event.name == "downsell":
        return arr_move(tenant=tenant, account=account, arr=account.arr - amount, on=on, **source) is not None
    closed_arr = Decimal(0) if event.name == "churn" else amount
    renewal = _nearest_pending(tenant, account, on)
    if renewal is None:
        renewal = Renewal(account=account, term_start=years_before(on), term_end=on, arr_due=account.arr or amount,
                          source=RenewalSource.EVENT)  # fmt: skip
    renewal.outcome = outcome_of(renewal.arr_due, closed_arr)
    renewal.closed_arr, renewal.closed_on = closed_arr, on
    renewal_save(tenant=tenant, renewal=renewal)
    return True


def _nearest_pending(tenant: Tenant, account: Account, on: date) -> Renewal | None:
    window = (on - timedelta(days=NEAR_DAYS), on + timedelta(days=NEAR_DAYS))
    pending = Renewal.objects.for_tenant(tenant).filter(account=account, outcome=Outcome.PENDING,
                                                        term_end__range=window)  # fmt: skip
    return min(pending, key=lambda r: abs((r.term_end - on).days), default=None)
