"""One multi-row ``INSERT ... ON CONFLICT`` for the ingestion hot path, on PostgreSQL and SQLite.

The ORM's bulk machinery prepares every value through several layers; for a few hundred small
rows that costs more than the database work, so the hot path writes its rows here instead.
"""

from __future__ import annotations

import msgspec
from django.db import connection
from django.db.models import DateField, DateTimeField, JSONField

CHUNK = 500  # rows per statement: keeps the parameter count modest


def insert_rows(
    model, rows: list[dict], *, conflict: list[str] | None, update: bool = False, returning: str | None = None
) -> list:
    """Insert ``rows`` (column -> value); on a ``conflict`` either skip the row or overwrite its other columns
    (``conflict=None``: a plain insert).

    Returns the ``returning`` column of the rows written, when asked.
    """
    if not rows:
        return []
    by_column = {f.column: f for f in model._meta.concrete_fields}
    fields = [by_column[column] for column in rows[0]]
    is_pg = connection.vendor == "postgresql"
    row_sql = "(" + ", ".join("%s::jsonb" if is_pg and isinstance(f, JSONField) else "%s" for f in fields) + ")"
    columns = [f.column for f in fields]
    quoted = {c: connection.ops.quote_name(c) for c in columns}  # "values" is a keyword in SQLite
    if conflict is None:
        action = ""
    elif update:
        action = f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET "
        action += ", ".join(f"{quoted[c]} = EXCLUDED.{quoted[c]}" for c in columns if c not in conflict)
    else:
        action = f"ON CONFLICT ({', '.join(conflict)}) DO NOTHING"
    tail = f" RETURNING {returning}" if returning else ""
    written = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        params = [_db_value(f, row[c]) for row in chunk for f, c in zip(fields, columns, strict=True)]
        sql = (
            f"INSERT INTO {model._meta.db_table} ({', '.join(quoted.values())}) "
            f"VALUES {', '.join([row_sql] * len(chunk))} {action}{tail}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if returning:
                written += [r[0] for r in cursor.fetchall()]
    return written


def _db_value(field, value):
    if isinstance(field, JSONField):
        return msgspec.json.encode(value).decode()
    if isinstance(field, DateTimeField):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(field, DateField):
        return connection.ops.adapt_datefield_value(value)
    return value
