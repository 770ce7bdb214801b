"""The hot path's by-id lookups, as short constant SQL on PostgreSQL.

A Django ``__in`` filter of a hundred ids is a statement with a hundred parameters: the ORM
compiles it and the driver re-parses it on every request. ``= ANY(%s)`` with one array
parameter is one constant statement, compiled once. Other databases use the ORM.
"""

from __future__ import annotations

from django.db import connection

from accounts.models import Account, Contact, Tenant

ACCOUNT_IDS = "SELECT external_id, id FROM accounts_account WHERE tenant_id = %s AND external_id = ANY(%s)"
CONTACT_IDS = "SELECT external_id, id, account_id FROM accounts_contact WHERE tenant_id = %s AND external_id = ANY(%s)"
# The accounts and the contacts of a batch, by external id, in one round trip: ('account', external id, id,
# NULL) and ('contact', external id, id, account id) rows.
IDENTITIES = """
SELECT 'account', external_id, id, NULL::bigint FROM accounts_account
WHERE tenant_id = %(tenant)s AND external_id = ANY(%(accounts)s)
UNION ALL
SELECT 'contact', external_id, id, account_id FROM accounts_contact
WHERE tenant_id = %(tenant)s AND external_id = ANY(%(contacts)s)
"""


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def account_ids(*, tenant: Tenant, external_ids: set[str]) -> dict[str, int]:
    """{external id: id} of the tenant's accounts among ``external_ids``."""
    if not external_ids:
        return {}
    if connection.vendor == "postgresql":
        return dict(_fetch(ACCOUNT_IDS, [tenant.pk, sorted(external_ids)]))
    return dict(
        Account.objects.for_tenant(tenant).filter(external_id__in=external_ids).values_list("external_id", "pk")
    )


def identities_ids(
    *, tenant: Tenant, account_external_ids: set[str], contact_external_ids: set[str]
) -> tuple[dict[str, int], list[tuple[str, int, int | None]]]:
    """``account_ids`` and ``contact_ids`` at once: on PostgreSQL in one statement."""
    if connection.vendor != "postgresql" or not account_external_ids or not contact_external_ids:
        return (
            account_ids(tenant=tenant, external_ids=account_external_ids),
            contact_ids(tenant=tenant, external_ids=contact_external_ids),
        )
    params = {"tenant": tenant.pk, "accounts": sorted(account_external_ids), "contacts": sorted(contact_external_ids)}
    accounts, contacts = {}, []
    with connection.cursor() as cursor:
        cursor.execute(IDENTITIES, params)
        for kind, external_id, pk, account_id in cursor.fetchall():
            if kind == "account":
                accounts[external_id] = pk
            else:
                contacts.append((external_id, pk, account_id))
    return accounts, contacts


def contact_ids(*, tenant: Tenant, external_ids: set[str]) -> list[tuple[str, int, int | None]]:
    """(external id, id, account id) of the tenant's contacts among ``external_ids``."""
    if not external_ids:
        return []
    if connection.vendor == "postgresql":
        return _fetch(CONTACT_IDS, [tenant.pk, sorted(external_ids)])
    rows = Contact.objects.for_tenant(tenant).filter(external_id__in=external_ids)
    return list(rows.values_list("external_id", "pk", "account_id"))
