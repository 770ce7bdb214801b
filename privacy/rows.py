"""One row as plain JSON-ready values: the shape both the contact export and the tenant export write."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from django.db import models


def column_names(model: type[models.Model]) -> list[str]:
    """Every stored column, by attribute name (``account_id``, not ``account``)."""
    return [f.attname for f in model._meta.concrete_fields]


def plain(value):
    """A value JSON can hold as it is: moments as ISO 8601, decimals as strings (exact), bytes as hex."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def csv_cell(value) -> str:
    """A CSV cell: JSON for structures, empty for null, text otherwise."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, dict | list | bool):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def model_file_stem(model: type[models.Model]) -> str:
    return model._meta.label_lower.replace(".", "_")
