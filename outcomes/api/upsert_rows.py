"""Many renewals created or updated in one transaction, all or nothing: the bulk API and the CSV import.

Each item goes through ``RenewalSerializer`` (types, choices, the service's rules), in order, so a file
that closes one term and then the next sees the first closed. An item names its renewal by
``external_id``; without one (allowed for files) by its account and term end, else it is new.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework.exceptions import ValidationError

from accounts.json_values import text_problem
from accounts.models import Tenant
from accounts.whole_numbers import whole_number
from outcomes.api.serializers import RenewalSerializer
from outcomes.models import Renewal


def renewals_upsert(
    *, tenant: Tenant, items: Iterable[dict], context: dict, require_external_id: bool, dry_run: bool = False,
    check: Callable[[Renewal], None] | None = None,
) -> tuple[list[dict], dict[int, dict]]:  # fmt: skip
    """(each saved item's index, id and whether it was created; errors by item index and field). Nothing is
    kept when any item fails, or when ``dry_run`` (every item still validated and saved, then rolled back)."""
    results, errors = [], {}
    renewals = Renewal.objects.for_tenant(tenant)
    with transaction.atomic():
        for index, item in enumerate(items):
            external_id = item.get("external_id")
            if require_external_id and (not isinstance(external_id, str) or not external_id):
                errors[index] = {"external_id": ["Each renewal in bulk has its external_id."]}
                continue
            instance = _existing(renewals, item)
            if instance is not None and check is not None:
                check(instance)
            serializer = RenewalSerializer(instance, data=item, partial=instance is not None, context=context)
            if not serializer.is_valid():
                errors[index] = serializer.errors
                continue
            try:
                with transaction.atomic():
                    saved = serializer.save()
            except ValidationError as exc:
                errors[index] = exc.detail
                continue
            results.append({"index": index, "id": saved.pk, "external_id": saved.external_id,
                            "created": instance is None})  # fmt: skip
        if errors or dry_run:
            transaction.set_rollback(True)
    return results, errors


def _existing(renewals, item: dict) -> Renewal | None:
    """The renewal an item names, looked up before the item is validated: a value the database could not
    compare (text it cannot store, an id beyond its integers, a malformed date) finds nothing, and the
    serializer then names it."""
    external_id = item.get("external_id")
    if isinstance(external_id, str) and external_id:
        return None if text_problem(external_id) else renewals.filter(external_id=external_id).first()
    account, term_end = whole_number(str(item.get("account") or "")), item.get("term_end")
    if account and isinstance(term_end, str) and not text_problem(term_end):
        try:
            return renewals.filter(account_id=account, term_end=term_end).first()
        except DjangoValidationError:
            return None
    return None
