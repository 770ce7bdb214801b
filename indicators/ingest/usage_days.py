"""A contact's recent days of product usage, kept on the contact as one bitmask.

``Contact.usage_days`` has bit d set when the contact used the product d days (of the tenant's calendar) before
``Contact.usage_days_to``, its last day of usage; days further back than the mask's 63 bits fall
off. Ingestion ORs each batch's days in (``store.contacts_seen``), in the update that already moves
the contact's last-seen time; an account's score reads the masks with its contacts instead of
aggregating their daily rollups (``scoring/load.py``), one query fewer per chunk of accounts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

MASK_BITS = 63  # a bigint's bits but its sign
ALL_DAYS = (1 << MASK_BITS) - 1


def mask_of(days: Iterable[date]) -> tuple[int, date | None]:
    """(mask, its last day) of a set of usage days."""
    days = set(days)
    if not days:
        return 0, None
    last = max(days)
    return sum(1 << (last - day).days for day in days if (last - day).days < MASK_BITS), last


def _shifted(mask: int, by: int) -> int:
    return (mask << by) & ALL_DAYS if by < MASK_BITS else 0


def mask_merged(mask: int, to: date | None, other: int, other_to: date | None) -> tuple[int, date | None]:
    """Two (mask, last day) pairs as one: the later last day, and both masks' days that still fit."""
    if to is None or other_to is None:
        return (other, other_to) if to is None else (mask, to)
    last = max(to, other_to)
    return _shifted(mask, (last - to).days) | _shifted(other, (last - other_to).days), last


def mask_on(mask: int, to: date | None, today: date, days: int) -> int | None:
    """The mask seen from ``today``: bit d set for usage d days before it, for d < ``days``.

    None when the stored mask can't tell: ``today`` is so far before its last day that some of the
    ``days`` asked for have already fallen off (the caller then reads the daily rollups).
    """
    if to is None:
        return 0
    ahead = (to - today).days
    if ahead > MASK_BITS - days:
        return None
    window = (1 << days) - 1
    return (mask >> ahead) & window if ahead >= 0 else _shifted(mask, -ahead) & window


def _sql_shifted(mask: str, by: str) -> str:
    return f"CASE WHEN {by} < {MASK_BITS} THEN ({mask} << ({by})) & {ALL_DAYS} ELSE 0 END"


def sql_merged(mask: str, to: str, other: str, other_to: str) -> str:
    """``mask_merged``'s mask in SQL, over columns or expressions. A NULL last day shifts its mask out
    (the comparison in ``_sql_shifted`` is NULL, so CASE takes its ELSE)."""
    last = f"GREATEST({to}, {other_to})"
    return f"({_sql_shifted(mask, f'{last} - {to}')} | {_sql_shifted(other, f'{last} - {other_to}')})"


# Every contact's mask from its daily rollups (a migration's back-fill, a benchmark's set-up).
FILL_FROM_ROLLUPS = f"""
UPDATE accounts_contact AS c SET usage_days = m.mask, usage_days_to = m.last
FROM (
  SELECT d.contact_id, t.last, bit_or(1::bigint << (t.last - d.day)) AS mask
  FROM indicators_contactday AS d
  JOIN (SELECT contact_id, max(day) AS last FROM indicators_contactday WHERE usage_events > 0 GROUP BY 1) AS t
    USING (contact_id)
  WHERE d.usage_events > 0 AND d.day > t.last - {MASK_BITS}
  GROUP BY 1, 2
) AS m
WHERE c.id = m.contact_id
"""
