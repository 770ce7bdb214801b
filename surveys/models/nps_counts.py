"""NPS answers counted per tenant-local day (and month), survey, segment and CSM: what the NPS reports read.

One row per (tenant, day, survey, segment, CSM) with its promoters, passives and detractors, and the
same per month. Both are kept in the transaction that writes a response (``SurveyResponse.save`` and
the delete receiver in ``surveys.receivers``), by increments through ``INSERT ... ON CONFLICT DO UPDATE`` so concurrent
writers add up instead of overwriting each other; ``surveys.services.nps_rollup`` rebuilds a
tenant's rows from its responses (the migration and the ``nps_rollup_rebuild`` command).

The survey and the CSM are plain ids, 0 for none, not foreign keys: the unique key must treat "no
survey" as one value (NULLs are distinct in a unique index), and a deleted survey or membership must
not rewrite rows (its id can no longer be asked for, and totals stay right).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection, models

from accounts.tenancy import TenantOwned
from indicators.engine.nps import DETRACTOR, PASSIVE, PROMOTER

CATEGORY_COLUMNS = {PROMOTER: "promoters", PASSIVE: "passives", DETRACTOR: "detractors"}
KEY_COLUMNS = ("tenant_id", "day", "survey_key", "segment", "csm_key")


class NpsCount(TenantOwned):
    day = models.DateField(help_text="The day the answers were given, in the tenant's time zone.")
    survey_key = models.BigIntegerField(default=0, help_text="The survey's id; 0 for answers to no survey.")
    segment = models.CharField(max_length=60, blank=True, help_text="The account's segment when it answered.")
    csm_key = models.BigIntegerField(default=0, help_text="The CSM membership's id when it answered; 0 for none.")
    promoters = models.IntegerField(default=0)
    passives = models.IntegerField(default=0)
    detractors = models.IntegerField(default=0)

    class Meta(TenantOwned.Meta):
        abstract = True
        constraints = [
            # Also the index the reports read by: the tenant, then a range of days.
            models.UniqueConstraint(fields=["tenant", "day", "survey_key", "segment", "csm_key"], name="%(class)s_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.promoters}/{self.passives}/{self.detractors}"


class NpsDailyCount(NpsCount):
    """Per tenant-local day."""


class NpsMonthlyCount(NpsCount):
    """The same counts per tenant-local month (``day`` is its first day): a year of a report reads twelve
    months' rows instead of 365 days' (weeks, and the days of a month a period cuts, read the days)."""


@dataclass(frozen=True, order=True)
class Cell:
    """Which row of ``NpsDailyCount`` an answer is counted in."""

    tenant_id: int
    day: date
    survey_key: int
    segment: str
    csm_key: int


@dataclass(frozen=True)
class CountChange:
    cell: Cell
    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def empty(self) -> bool:
        return not (self.promoters or self.passives or self.detractors)


def count_changes(*, before: tuple[Cell, str] | None, after: tuple[Cell, str] | None) -> list[CountChange]:
    """The increments that move an answer from ``before`` to ``after`` ((cell, category); None: not counted).

    Within one cell the two become one change; the list is in cell order, so two transactions moving
    answers between the same cells take row locks in one order (no deadlock).
    """
    deltas: dict[Cell, dict[str, int]] = {}
    for side, sign in ((before, -1), (after, 1)):
        if side is not None:
            cell, category = side
            column = CATEGORY_COLUMNS[category]
            deltas.setdefault(cell, {})[column] = deltas.get(cell, {}).get(column, 0) + sign
    changes = [CountChange(cell, **columns) for cell, columns in sorted(deltas.items())]
    return [change for change in changes if not change.empty]


_UPSERT = (
    "INSERT INTO {table} ({keys}, promoters, passives, detractors) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT ({keys}) DO UPDATE SET promoters = {table}.promoters + excluded.promoters, "
    "passives = {table}.passives + excluded.passives, detractors = {table}.detractors + excluded.detractors"
)
_DECREMENT = (
    "UPDATE {table} SET promoters = promoters + %s, passives = passives + %s, detractors = detractors + %s "
    "WHERE {where}"
)


def _statements(table: str) -> tuple[str, str]:
    keys = ", ".join(KEY_COLUMNS)
    where = " AND ".join(f"{column} = %s" for column in KEY_COLUMNS)
    return _UPSERT.format(table=table, keys=keys), _DECREMENT.format(table=table, where=where)


# PostgreSQL advisory locks of this namespace, keyed by tenant: writers share it, a rebuild takes it alone.
ROLLUP_LOCK_SPACE = 0x4E50_5344


def rollup_lock(cursor, tenant_id: int, *, exclusive: bool) -> None:
    """Keep a tenant's rebuild and its writers apart (SQLite serializes writers already)."""
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        cursor.execute(f"SELECT {function}(%s, %s)", [ROLLUP_LOCK_SPACE, tenant_id % 2**31])


def counts_apply(changes: list[CountChange]) -> None:
    """Apply increments in the current transaction: upsert where something is added, update where only removed.

    A removal never inserts: a row that is not there was not counted (or goes with its tenant, being
    deleted in the same cascade), and a negative row would be a lie.
    """
    if not changes:
        return
    grains = [(NpsDailyCount, lambda day: day), (NpsMonthlyCount, lambda day: day.replace(day=1))]
    with connection.cursor() as cursor:
        for tenant_id in sorted({change.cell.tenant_id for change in changes}):
            rollup_lock(cursor, tenant_id, exclusive=False)
        # Days then months, each in cell order: every writer takes row locks in the same order.
        for model, period_of in grains:
            upsert, decrement = _statements(model._meta.db_table)
            for change in changes:
                c = change.cell
                day = connection.ops.adapt_datefield_value(period_of(c.day))
                key = [c.tenant_id, day, c.survey_key, c.segment, c.csm_key]
                counts = [change.promoters, change.passives, change.detractors]
                if max(counts) > 0:
                    cursor.execute(upsert, [*key, *counts])
                else:
                    cursor.execute(decrement, [*counts, *key])
