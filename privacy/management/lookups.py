"""How operator commands name a tenant (by slug) and a contact (by id or external id, within that tenant)."""

from __future__ import annotations

from django.core.management.base import CommandError

from accounts.models import Contact, Tenant


def tenant_by_slug(slug: str) -> Tenant:
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        raise CommandError(f"--tenant: no tenant with slug '{slug}'.")
    return tenant


def contact_of(tenant: Tenant, *, contact_id: int | None, external_id: str | None) -> Contact:
    if (contact_id is None) == (external_id is None):
        raise CommandError("Give exactly one of --contact-id and --external-id.")
    lookup = {"pk": contact_id} if contact_id is not None else {"external_id": external_id}
    contact = Contact.objects.for_tenant(tenant).filter(**lookup).first()
    if contact is None:
        raise CommandError(
            f"Tenant '{tenant.slug}' has no contact with {next(iter(lookup))} {next(iter(lookup.values()))}."
        )
    return contact


def add_contact_arguments(parser) -> None:
    parser.add_argument("--tenant", required=True, help="The tenant's slug.")
    parser.add_argument("--contact-id", type=int, help="The contact's id.")
    parser.add_argument("--external-id", help="The contact's external id (the tenant's own id for the person).")
