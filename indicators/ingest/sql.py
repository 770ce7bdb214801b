"""One multi-row ``INSERT ... ON CONFLICT`` for hot paths (ingestion, scores), on PostgreSQL and SQLite.

The ORM's bulk machinery prepares every value through several layers; for a few hundred small
rows that costs more than the database work, so the hot path writes its rows here instead.
"""

from __future__ import annotations

import msgspec
from django.db import connection
from django.db.models import DateField, DateTimeField, JSONField

CHUNK = 500  # rows per statement on SQLite: keeps the parameter count modest


def insert_rows(
    model,
    rows: list[dict],
    *,
    conflict: list[str] | None,
    update: bool = False,
    returning: str | tuple[str, ...] | None = None,
) -> list:
    """Insert ``rows`` (column -> value); on a ``conflict`` either skip the row or overwrite its other columns
    (``conflict=None``: a plain insert).

    Returns the ``returning`` column of the rows written, when asked (a tuple of columns: a tuple a row).
    """
    if not rows:
        return []
    by_column = {f.column: f for f in model._meta.concrete_fields}
    fields = [by_column[column] for column in rows[0]]
    quoted = {f.column: connection.ops.quote_name(f.column) for f in fields}  # "values" is a keyword in SQLite
    columns = ", ".join(quoted.values())
    if conflict is None:
        action = ""
    elif update:
        action = f" ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET "
        action += ", ".join(f"{q} = EXCLUDED.{q}" for c, q in quoted.items() if c not in conflict)
    else:
        action = f" ON CONFLICT ({', '.join(conflict)}) DO NOTHING"
    returned = ", ".join(returning) if isinstance(returning, tuple) else returning
    tail = f"{action} RETURNING {returned}" if returning else action
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        # Every row in one JSON parameter: psycopg binds parameters client-side and re-parses a statement
        # with thousands of placeholders on every call, which cost more than the database work.
        types = ", ".join(f"{quoted[f.column]} {f.db_type(connection)}" for f in fields)
        # With JSON columns, jsonb_to_recordset: the document is parsed once, where json_to_recordset would
        # parse each nested value again from its text (a third of a chunk of scores' insert time).
        kind = "jsonb" if any(isinstance(f, JSONField) for f in fields) else "json"
        source = f"{kind}_to_recordset(%s::{kind}) AS r({types})"
        sql = f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {source}{tail}"
        return _execute(sql, [msgspec.json.encode(rows).decode()], returning)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    written = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        params = [_db_value(f, row[f.column]) for row in chunk for f in fields]
        sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(chunk))}{tail}"
        written += _execute(sql, params, returning)
    return written


def _execute(sql: str, params: list, returning: str | tuple[str, ...] | None) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if not returning:
            return []
        rows = cursor.fetchall()
        return [tuple(r) for r in rows] if isinstance(returning, tuple) else [r[0] for r in rows]


def _db_value(field, value):
    if isinstance(field, JSONField):
        return msgspec.json.encode(value).decode()
    if isinstance(field, DateTimeField):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(field, DateField):
        return connection.ops.adapt_datefield_value(value)
    return value
