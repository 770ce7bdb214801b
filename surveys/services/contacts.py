"""Finding the contact an integration or an import names: by id, external id or email (one of them)."""

from __future__ import annotations

from accounts.models import Contact, Tenant


class ContactNotFound(Exception):
    """The reference names no contact of the tenant (or more than one); the message says which."""


def contact_resolve(*, tenant: Tenant, contact_id=None, external_id: str = "", email: str = "") -> Contact:
    given = [name for name, value in (("id", contact_id), ("external id", external_id), ("email", email)) if value]
    if len(given) != 1:
        raise ContactNotFound("Name the contact by exactly one of: id, external id, email.")
    contacts = Contact.objects.for_tenant(tenant).select_related("account")
    if contact_id:
        try:
            found = list(contacts.filter(pk=int(contact_id)))
        except (TypeError, ValueError):
            raise ContactNotFound(f"{contact_id!r} is not a contact id.") from None
    elif external_id:
        found = list(contacts.filter(external_id=external_id))
    else:
        found = list(contacts.filter(email__iexact=email.strip())[:2])
    if not found:
        raise ContactNotFound(f"No contact with {given[0]} {contact_id or external_id or email!r}.")
    if len(found) > 1:
        raise ContactNotFound(f"More than one contact has email {email!r}; use the id or external id.")
    return found[0]
