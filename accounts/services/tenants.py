"""Creating tenants and their first people."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from accounts.models import ApiKey, Membership, Tenant, User
from accounts.roles import ALL_SCOPES, Role
from accounts.services.api_keys import api_key_create
from accounts.signals import tenant_created


@dataclass(frozen=True)
class TenantCreated:
    tenant: Tenant
    admin: User
    admin_password: str | None
    api_key: ApiKey
    api_key_plaintext: str


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "tenant"
    slug, n = base, 1
    while Tenant.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def user_get_or_create(*, email: str, password: str | None = None, full_name: str = "") -> tuple[User, bool]:
    """The user with this email (any case), or a new one. Raises ValidationError for a bad address."""
    validate_email(email)
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    return User.objects.create_user(email=email, password=password, full_name=full_name), True


def membership_set(*, tenant: Tenant, user: User, role: str) -> Membership:
    """Give ``user`` ``role`` in ``tenant``; saves (and audits) only when something changes."""
    membership, created = Membership.objects.for_tenant(tenant).get_or_create(
        tenant=tenant, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def tenant_create(
    *,
    name: str,
    admin_email: str,
    password: str | None = None,
    slug: str | None = None,
    time_zone: str = "UTC",
    currency: str = "USD",
) -> TenantCreated:
    """A tenant, its first admin (new or existing user) and an API key with every scope.

    The apps above answer ``tenant_created`` with the tenant's defaults, in this transaction.
    """
    tenant = Tenant(name=name, slug=slug or unique_slug(name), time_zone=time_zone, currency=currency)
    tenant.full_clean()
    tenant.save()
    user, created = user_get_or_create(email=admin_email)
    generated = None
    # A new user, or one invited somewhere but never joined, needs a password to sign in.
    if created or not user.has_usable_password():
        generated = password or secrets.token_urlsafe(12)
        user.set_password(generated)
        user.save(update_fields=["password"])
    membership_set(tenant=tenant, user=user, role=Role.ADMIN)
    api_key, plaintext = api_key_create(tenant=tenant, name="Initial key", scopes=ALL_SCOPES, created_by=user)
    tenant_created.send(sender=Tenant, tenant=tenant, admin=user)
    return TenantCreated(tenant, user, generated, api_key, plaintext)
