"""Importing responses from another survey tool's CSV export, with a dry run and per-row errors.

Plain ``csv`` rather than an import framework: every row must go through ``response_record`` (the
event, the signal, de-duplication, one answer per person within the amend window) and resolve contacts
inside the tenant, which is exactly this module. Rows are recorded in file order; the rule decides by
``responded_at``, so a file listing a person's answers in any order ends with their latest word.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date, parse_datetime

from accounts.models import Contact, Tenant
from accounts.whole_numbers import whole_number
from indicators.engine import nps
from surveys.models import Channel, Survey, SurveyResponse
from surveys.services.contacts import ContactNotFound, contact_resolve
from surveys.services.responses import Outcome, response_record

COLUMNS = ("contact_id", "contact_external_id", "contact_email", "score", "comment", "responded_at", "dedup_key")
MAX_ROWS = 5000


@dataclass
class RowResult:
    line: int  # line number in the file (the header is line 1)
    errors: list[str] = field(default_factory=list)
    contact: Contact | None = None
    score: int | None = None
    comment: str = ""
    responded_at: datetime | None = None
    dedup_key: str = ""
    outcome: str = ""  # surveys.services.responses.Outcome, once recorded
    duplicate: bool = False  # nothing new: the key was stored already, or the answer already says this

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportResult:
    rows: list[RowResult]
    file_errors: list[str] = field(default_factory=list)
    stored: int = 0  # new answers
    amended: int = 0  # rows that amended an answer given within the amend window
    duplicates: int = 0

    @property
    def valid(self) -> int:
        return sum(r.ok for r in self.rows)

    @property
    def invalid(self) -> int:
        return sum(not r.ok for r in self.rows)


def _moment(text: str, tenant: Tenant) -> datetime | None:
    text = text.strip()
    try:
        moment = parse_datetime(text)
        day = parse_date(text) if moment is None else None
    except ValueError:  # well formed but impossible: 2024-02-30, 25:00, an offset of +99:00
        return None
    if moment is None:
        if day is None:
            return None
        moment = datetime.combine(day, time(12))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tenant.time_zone))
    return moment


def _row(tenant: Tenant, line: int, raw: dict, now: datetime) -> RowResult:
    row = RowResult(line=line)
    try:
        row.contact = contact_resolve(
            tenant=tenant,
            contact_id=(raw.get("contact_id") or "").strip() or None,
            external_id=(raw.get("contact_external_id") or "").strip(),
            email=(raw.get("contact_email") or "").strip(),
        )
        if row.contact.account_id is None:
            row.errors.append("contact: not linked to an account")
    except ContactNotFound as error:
        row.errors.append(f"contact: {error}")
    score = (raw.get("score") or "").strip()
    if (value := whole_number(score)) is not None and nps.is_score(value):
        row.score = value
    else:
        row.errors.append(f"score: {score!r} is not a whole number from {nps.SCALE_MIN} to {nps.SCALE_MAX}")
    row.comment = (raw.get("comment") or "").strip()
    row.responded_at = _moment(raw.get("responded_at") or "", tenant)
    if row.responded_at is None:
        row.errors.append(f"responded_at: {raw.get('responded_at')!r} is not a date or date-time (ISO 8601)")
    elif row.responded_at > now:
        row.errors.append("responded_at: in the future")
    key = (raw.get("dedup_key") or "").strip()
    if not key and row.contact is not None and row.score is not None and row.responded_at is not None:
        # Same answer, same key: importing a file twice stores its rows once. The comment is part of the
        # answer: a row corrected and imported again is another answer (which the amend rule then places).
        answer = f"{row.contact.pk}|{row.responded_at.isoformat()}|{row.score}|{row.comment}"
        digest = hashlib.sha256(answer.encode()).hexdigest()
        key = f"import-{digest[:32]}"
    row.dedup_key = key[:191]
    return row


def responses_import(*, tenant: Tenant, text: str, survey: Survey | None, dry_run: bool, now: datetime) -> ImportResult:
    """Check every row; unless ``dry_run``, store the valid ones (duplicates by dedup key are skipped)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in ("score", "responded_at") if c not in header]
    if not any(c in header for c in ("contact_id", "contact_external_id", "contact_email")):
        missing.append("contact_id, contact_external_id or contact_email")
    if missing:
        return ImportResult(rows=[], file_errors=[f"Missing column(s): {', '.join(missing)}."])
    rows = []
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            return ImportResult(rows=[], file_errors=[f"More than {MAX_ROWS} rows: split the file."])
        rows.append(_row(tenant, number, raw, now))
    seen: dict[str, int] = {}
    for row in rows:
        if row.ok and row.dedup_key in seen:
            row.errors.append(f"dedup_key: repeats line {seen[row.dedup_key]}")
        elif row.ok:
            seen[row.dedup_key] = row.line
    result = ImportResult(rows=rows)
    if dry_run:
        stored = _keys_stored(tenant, rows, list(seen))
        for row in rows:
            row.duplicate = row.ok and row.dedup_key in stored
        result.duplicates = sum(r.duplicate for r in rows)
        return result
    for row in rows:
        if not row.ok:
            continue
        try:
            recorded = response_record(
                tenant=tenant,
                contact=row.contact,
                score=row.score,
                comment=row.comment,
                responded_at=row.responded_at,
                dedup_key=row.dedup_key,
                channel=Channel.IMPORT,
                survey=survey,
            )
        except ValidationError as error:
            row.errors.extend(_messages(error))
            continue
        row.outcome = recorded.outcome.value
        row.duplicate = recorded.outcome in (Outcome.DUPLICATE, Outcome.UNCHANGED)
        result.stored += recorded.outcome is Outcome.CREATED
        result.amended += recorded.outcome is Outcome.AMENDED
        result.duplicates += row.duplicate
    return result


def _keys_stored(tenant: Tenant, rows: list[RowResult], keys: list[str]) -> set[str]:
    """Which of ``keys`` are stored already: as the key that created an answer, or one that amended it."""
    answers = SurveyResponse.objects.for_tenant(tenant)
    stored = set(answers.filter(dedup_key__in=keys).values_list("dedup_key", flat=True))
    contacts = {row.contact.pk for row in rows if row.ok}
    for answer_keys in answers.filter(contact__in=contacts).values_list("answer_keys", flat=True):
        stored.update(set(answer_keys or {}) & set(keys))
    return stored


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{field}: {message}" for field, messages in error.message_dict.items() for message in messages]
    return error.messages
