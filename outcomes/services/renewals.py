"""Renewals from pending to their outcome; closing one moves the account's ARR and opens the next term."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction

from accounts.models import Account, Tenant
from accounts.tenancy import same_tenant
from outcomes.models import Outcome, ReasonKind, Renewal, RenewalSource
from outcomes.models.renewals import CLOSED_OUTCOMES
from outcomes.periods import year_before
from outcomes.services.ledger import ZERO, arr_move, tenant_today
from outcomes.signals import renewals_updated

REASON_KIND = {Outcome.CHURNED: ReasonKind.CHURN, Outcome.DOWNSOLD: ReasonKind.DOWNSELL}


@dataclass(frozen=True)
class Saved:
    renewal: Renewal
    created: bool
    next_renewal: Renewal | None = None  # the next term, opened when this one renewed


def outcome_of(arr_due: Decimal, closed_arr: Decimal) -> str:
    """The outcome a closed ARR means against the ARR due."""
    if closed_arr <= 0:
        return Outcome.CHURNED
    return Outcome.EXPANDED if closed_arr > arr_due else Outcome.DOWNSOLD if closed_arr < arr_due else Outcome.RENEWED


def renewal_validate(*, tenant: Tenant, renewal: Renewal) -> None:
    """The renewal's own rules, as forms ask them before saving; ``ValidationError`` naming the fields."""
    before = Renewal.objects.for_tenant(tenant).filter(pk=renewal.pk).first() if renewal.pk else None
    _defaults(tenant, renewal)
    _validate(tenant, renewal, before)


def _defaults(tenant: Tenant, renewal: Renewal) -> None:
    if renewal.outcome in CLOSED_OUTCOMES:
        if renewal.outcome == Outcome.CHURNED and renewal.closed_arr is None:
            renewal.closed_arr = ZERO
        renewal.closed_on = renewal.closed_on or tenant_today(tenant)


def _validate(tenant: Tenant, renewal: Renewal, before: Renewal | None) -> None:
    errors = {}
    if renewal.term_start and renewal.term_end and renewal.term_end <= renewal.term_start:
        errors["term_end"] = "The term ends after it starts."
    if renewal.arr_due is not None and renewal.arr_due < 0:
        errors["arr_due"] = "ARR due cannot be negative."
    if renewal.outcome == Outcome.PENDING:
        if before is not None and before.is_closed:
            errors["outcome"] = "A closed renewal cannot be reopened; correct it by closing it with another outcome."
        for field in ("closed_arr", "closed_on", "reason"):
            if getattr(renewal, field) is not None:
                errors[field] = "Only a closed renewal has this."
    else:
        if renewal.closed_arr is None:
            errors["closed_arr"] = "A closed renewal says its closed ARR (0 when churned)."
        elif renewal.closed_arr < 0:
            errors["closed_arr"] = "Closed ARR cannot be negative."
        elif renewal.arr_due is not None and outcome_of(renewal.arr_due, renewal.closed_arr) != renewal.outcome:
            said = outcome_of(renewal.arr_due, renewal.closed_arr)
            errors["outcome"] = f"A closed ARR of {renewal.closed_arr} against {renewal.arr_due} due is {said}."
    others = Renewal.objects.for_tenant(tenant).exclude(pk=renewal.pk)
    if renewal.account_id and renewal.term_end and others.filter(account_id=renewal.account_id,
                                                                  term_end=renewal.term_end).exists():  # fmt: skip
        errors["term_end"] = "The account already has a renewal whose term ends that day."
    if renewal.external_id and others.filter(external_id=renewal.external_id).exists():
        errors["external_id"] = "Another renewal has this external id."
    if renewal.reason_id is not None and renewal.reason.kind != REASON_KIND.get(renewal.outcome):
        errors["reason"] = "Give a churn reason to a churned renewal and a downsell reason to a downsold one."
    if renewal.csm_call and renewal.csm_call_on is None:
        renewal.csm_call_on = tenant_today(tenant)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def renewal_save(*, tenant: Tenant, renewal: Renewal, by=None) -> Saved:
    """Create or update ``renewal``; closing it (or correcting its close) moves the account's ARR."""
    same_tenant(tenant, account=renewal.account, reason=renewal.reason)
    renewal.tenant = tenant
    before = (
        Renewal.objects.for_tenant(tenant).select_for_update().filter(pk=renewal.pk).first() if renewal.pk else None
    )
    _defaults(tenant, renewal)
    _validate(tenant, renewal, before)
    renewal.full_clean(exclude=["tenant"], validate_unique=True)
    renewal.save()
    closing = renewal.is_closed and (
        before is None
        or not before.is_closed
        or (before.closed_arr, before.outcome) != (renewal.closed_arr, renewal.outcome)
    )
    next_renewal = None
    if closing:
        next_renewal = _close(tenant, renewal, correction=before is not None and before.is_closed)
    _account_renewal_date(tenant, renewal.account)
    change = "closed" if closing else "created" if before is None else "updated"
    changes = [(renewal, change)] + ([(next_renewal, "created")] if next_renewal is not None else [])
    renewals_updated.send(sender=Renewal, tenant=tenant, changes=changes)
    return Saved(renewal, created=before is None, next_renewal=next_renewal)


def _close(tenant: Tenant, renewal: Renewal, *, correction: bool) -> Renewal | None:
    account = renewal.account
    latest = (
        Renewal.objects.for_tenant(tenant).filter(account=account, outcome__in=CLOSED_OUTCOMES).order_by("-term_end")
    )
    if correction and latest.first() != renewal:
        raise ValidationError({"outcome": "Only the account's latest closed renewal can be corrected."})
    note = "Correction of the renewal's close" if correction else ""
    arr_move(tenant=tenant, account=account, arr=renewal.closed_arr, on=renewal.closed_on, renewal=renewal, note=note)
    if renewal.outcome == Outcome.CHURNED:
        Account.objects.for_tenant(tenant).filter(pk=account.pk).update(lifecycle_stage="churned")
        return None
    return _next_term(tenant, renewal)


def _next_term(tenant: Tenant, renewal: Renewal) -> Renewal | None:
    """The term after a renewed one, pending, of the same length, at the closed ARR (once)."""
    end = _same_length_after(renewal.term_start, renewal.term_end)
    existing = Renewal.objects.for_tenant(tenant).filter(account=renewal.account, term_end__gt=renewal.term_end)
    if existing.exists():
        return None
    return Renewal.objects.create(
        tenant=tenant, account=renewal.account, term_start=renewal.term_end, term_end=end,
        arr_due=renewal.closed_arr, source=renewal.source,
    )  # fmt: skip


def _same_length_after(start: date, end: date) -> date:
    """``end`` moved on by the term's length: whole years (or months) as years, else the days."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day == start.day and months > 0:
        total = end.month - 1 + months
        year, month = end.year + total // 12, total % 12 + 1
        try:
            return end.replace(year=year, month=month)
        except ValueError:  # the 29th, 30th or 31st of a shorter month: its last day
            return date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
    return end + (end - start)


def _account_renewal_date(tenant: Tenant, account: Account) -> None:
    """The account's renewal date follows its earliest pending renewal; after a churn, the end of the term it
    churned at (the date it stopped being a customer)."""
    renewals = Renewal.objects.for_tenant(tenant).filter(account=account)
    first = renewals.filter(outcome=Outcome.PENDING).order_by("term_end").values_list("term_end", flat=True).first()
    if first is None:
        outcome, first = renewals.order_by("-term_end").values_list("outcome", "term_end").first() or (None, None)
        if outcome != Outcome.CHURNED:
            return  # nothing pending: the date the account already has (from its CRM, say) stands
    Account.objects.for_tenant(tenant).filter(pk=account.pk).exclude(renewal_on=first).update(renewal_on=first)


def renewals_open_from_accounts(*, tenant: Tenant) -> int:
    """A pending renewal for every account whose renewal date has none yet (a one-year term ending then, at
    its ARR); return how many were opened."""
    covered = Renewal.objects.for_tenant(tenant).filter(term_end__gte=models.F("account__renewal_on"))
    accounts = (
        Account.objects.for_tenant(tenant).filter(renewal_on__isnull=False, arr__gt=0)
        .exclude(pk__in=covered.values("account_id")).exclude(lifecycle_stage="churned")
    )  # fmt: skip
    opened = [
        Renewal(tenant=tenant, account_id=pk, term_start=years_before(renewal_on), term_end=renewal_on, arr_due=arr,
                source=RenewalSource.OPENING)
        for pk, renewal_on, arr in accounts.values_list("pk", "renewal_on", "arr")
    ]  # fmt: skip
    with transaction.atomic():
        Renewal.objects.for_tenant(tenant).bulk_create(opened, batch_size=500)
        if opened:
            renewals_updated.send(sender=Renewal, tenant=tenant, changes=[(r, "created") for r in opened])
    return len(opened)


def years_before(day: date) -> date:
    """The same day a year earlier (28 February for a 29th)."""
    return year_before(day)
