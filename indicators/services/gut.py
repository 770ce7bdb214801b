"""Setting the CSM's gut read of an account; the account is rescored after commit."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.background import enqueue_on_commit
from accounts.models import Account, Membership, Tenant, User
from accounts.roles import Role
from accounts.tenancy import same_tenant
from indicators.models import GutLevelChoice, GutRead
from indicators.stale.marks import accounts_mark_for_recompute


def gut_read_may_set(*, membership: Membership | None, account: Account) -> bool:
    """Admins may set any account's read; a CSM the reads of the accounts they own."""
    if membership is None or membership.tenant_id != account.tenant_id:
        return False
    if membership.role == Role.ADMIN:
        return True
    return membership.role == Role.CSM and account.csm_owner_id == membership.pk


def gut_read_validate(*, level: str, expires_at: datetime, now: datetime | None = None) -> None:
    now = now or timezone.now()
    errors = {}
    if level not in GutLevelChoice.values:
        errors["level"] = f"Choose one of {', '.join(GutLevelChoice.values)}."
    if expires_at is None or timezone.is_naive(expires_at):
        errors["expires_at"] = "Give the expiry as a date and time with a time zone."
    elif expires_at <= now:
        errors["expires_at"] = "The expiry must be in the future."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def gut_read_set(
    *, tenant: Tenant, account: Account, level: str, expires_at: datetime, note: str = "", set_by: User | None
) -> GutRead:
    """A new read for ``account``: it replaces the previous one and counts until ``expires_at``."""
    same_tenant(tenant, account=account)
    now = timezone.now()
    gut_read_validate(level=level, expires_at=expires_at, now=now)
    read = GutRead.objects.create(
        tenant=tenant, account=account, level=level, note=note, expires_at=expires_at, set_by=set_by, set_at=now
    )
    gut_read_rescore(tenant=tenant, account=account)
    return read


def gut_read_rescore(*, tenant: Tenant, account: Account) -> None:
    """Mark the account for the durable sweep and recompute it after commit (its final score moves)."""
    from indicators.tasks import recompute_accounts

    accounts_mark_for_recompute(tenant=tenant, account_ids={account.pk})
    enqueue_on_commit(recompute_accounts, tenant_id=tenant.pk, account_ids=[account.pk])
