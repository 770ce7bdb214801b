"""Every tenant's departments start with the five built-in ones; tenants add their own."""

from django.db import transaction

from accounts.models import Tenant
from followups.models import Department
from followups.models.choices import DEFAULT_DEPARTMENTS


def departments_ensure_defaults(*, tenant: Tenant) -> list[Department]:
    """Create the built-in departments the tenant lacks (by kind); idempotent."""
    with transaction.atomic():
        existing = set(Department.objects.for_tenant(tenant).values_list("kind", flat=True))
        names = set(Department.objects.for_tenant(tenant).values_list("name", flat=True))
        created = []
        for kind, label in DEFAULT_DEPARTMENTS:
            if kind in existing or label in names:
                continue
            department = Department(tenant=tenant, kind=kind, name=label)
            department.save()
            created.append(department)
    return created
