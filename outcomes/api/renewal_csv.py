"""Renewals from a CSV file (a CRM export): a dry run that saves every row and rolls back, then the import.

The rows go through the same all-or-nothing upsert as the bulk API (``upsert_rows.py``), in file order,
so the preview shows what the import would do, closings and next terms included; the import itself is
allowed only when the dry run had no error. The account is named by ``account_external_id`` (or
``account``, its id), a reason by its name; an empty cell leaves a field as it is.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from accounts.models import Account, Tenant
from outcomes.api.upsert_rows import renewals_upsert
from outcomes.models import RenewalReason

COLUMNS = ("external_id", "account_external_id", "account", "term_start", "term_end", "arr_due", "outcome",
           "closed_arr", "closed_on", "reason", "csm_call", "csm_call_on", "notes")  # fmt: skip
MAX_ROWS = 5000


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, column, message)
    file_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_errors


def renewals_import(*, tenant: Tenant, text: str, context: dict, dry_run: bool) -> ImportResult:
    """Check (``dry_run``) or import every row of ``text``; nothing is stored unless every row is valid."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in ("term_end",) if c not in header]
    if "account_external_id" not in header and "account" not in header and "external_id" not in header:
        missing.append("account_external_id, account or external_id")
    if unknown or missing:
        problems = [f"Unknown column(s): {', '.join(unknown)}."] if unknown else []
        problems += [f"Missing column(s): {', '.join(missing)}."] if missing else []
        return ImportResult(file_errors=[*problems, f"Columns: {', '.join(COLUMNS)}."])
    raw_rows = list(reader)
    if len(raw_rows) > MAX_ROWS:
        return ImportResult(file_errors=[f"More than {MAX_ROWS} rows: split the file."])
    result = ImportResult(rows=len(raw_rows))
    items = [_item(tenant, line, raw, result) for line, raw in enumerate(raw_rows, start=2)]
    saved, errors = renewals_upsert(tenant=tenant, items=items, context=context, require_external_id=False,
                                    dry_run=dry_run)  # fmt: skip
    looked_up = {line for line, _, _ in result.errors}  # an unknown account or reason is said once, by name
    for index, fields in errors.items():
        if index + 2 in looked_up:
            continue
        for column, messages in fields.items():
            for message in messages if isinstance(messages, list) else [messages]:
                result.errors.append((index + 2, column, str(message)))
    result.errors.sort()
    result.created = sum(s["created"] for s in saved)
    result.updated = len(saved) - result.created
    return result


def _item(tenant: Tenant, line: int, raw: dict, result: ImportResult) -> dict:
    item = {key: value.strip() for key, value in raw.items() if key and isinstance(value, str) and value.strip()}
    account = item.pop("account_external_id", None)
    if account is not None:
        found = Account.objects.for_tenant(tenant).filter(external_id=account).values_list("pk", flat=True).first()
        if found is None:
            result.errors.append((line, "account_external_id", f"No account has the external id {account!r}."))
        item["account"] = found
    reason = item.pop("reason", None)
    if reason is not None:
        found = RenewalReason.objects.for_tenant(tenant).filter(name__iexact=reason).values_list("pk", flat=True)
        if not found:
            result.errors.append((line, "reason", f"No renewal reason is named {reason!r}."))
        item["reason"] = found[0] if found else None
    return item
