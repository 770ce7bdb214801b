"""API keys: ``csp_<key_id>_<secret>``. The key id finds the row; only SHA-256 of the secret is kept.

The secret is 256 random bits, so a fast hash is as strong as a slow one here (nothing to
brute-force), and it keeps authentication cheap on the ingestion hot path.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import ApiKey, Tenant, User
from accounts.rls import operator_scope, tenant_scope
from accounts.roles import ALL_SCOPES

KEY_PATTERN = re.compile(r"^csp_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$")
LAST_USED_RESOLUTION = timedelta(minutes=1)


class InvalidScopes(ValueError):
    pass


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def validate_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(ALL_SCOPES))
    if unknown or not scopes:
        raise InvalidScopes(f"Scopes must be a non-empty subset of {ALL_SCOPES}; unknown: {unknown}.")
    return sorted(set(scopes), key=ALL_SCOPES.index)


def api_key_create(
    *,
    tenant: Tenant,
    name: str,
    scopes: list[str],
    created_by: User | None = None,
    expires_at: datetime | None = None,
    rate_limit_per_minute: int | None = None,
) -> tuple[ApiKey, str]:
    """Create a key and return it with its plaintext, which is never available again."""
    key_id = "".join(secrets.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(12))
    secret = secrets.token_urlsafe(32)
    api_key = ApiKey(
        tenant=tenant,
        name=name,
        key_id=key_id,
        secret_hash=hash_secret(secret),
        scopes=validate_scopes(scopes),
        created_by=created_by,
        expires_at=expires_at,
        rate_limit_per_minute=rate_limit_per_minute,
    )
    # The model's rules (the platform's ceiling on the rate among them) hold for keys made by code too.
    api_key.full_clean(validate_unique=False, validate_constraints=False)
    api_key.save(force_insert=True)
    return api_key, f"csp_{key_id}_{secret}"


def api_key_revoke(*, tenant: Tenant, api_key: ApiKey) -> ApiKey:
    with transaction.atomic():
        key = ApiKey.objects.for_tenant(tenant).select_for_update().get(pk=api_key.pk)
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
    return key


def api_key_authenticate(raw_key: str) -> ApiKey | None:
    """The active key matching ``raw_key``, or None. One of the three doors a tenant enters by."""
    match = KEY_PATTERN.match(raw_key or "")
    if not match:
        return None
    key_id, secret = match.groups()
    # Crossing tenants is the point here: the key itself names its tenant.
    with operator_scope():
        key = ApiKey.unscoped.select_related("tenant").filter(key_id=key_id).first()
    if key is None or not hmac.compare_digest(key.secret_hash, hash_secret(secret)):
        return None
    if not key.is_active:
        return None
    with tenant_scope(key.tenant_id):
        _touch(key)
    return key


def _touch(key: ApiKey) -> None:
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        # A plain update: no history row, no race with admin edits of other fields.
        ApiKey.objects.for_tenant(key.tenant).filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
