"""A change list's columns as plain text: what the console shows in a cell, without its HTML.

The CSV export writes every column of a list this way, and the console search shows a few of them.
A model field gives its value (a choice's label, a related row's name, with the related row's id
in a column of its own where asked); a column the admin computes (a method of the model or of its
admin) gives what it displays: the text of its HTML, tags removed, and its "empty" dash as an empty cell.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo

from django.contrib.admin.utils import label_for_field, lookup_field
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django.utils.text import capfirst

from accounts.csv_cells import cell_text

CHECKBOX = "action_checkbox"  # the change list's selection column: not data
DASHES = {"-", "\u2013", "\u2014"}  # what the console's columns show for "nothing"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[models.Model], object]  # a row -> its value (see accounts.csv_cells.cell_text)


def concrete_field(model, name):
    """The model's own concrete field called ``name`` (None for a computed column or a lookup path)."""
    if not isinstance(name, str):
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if field.concrete else None


def field_value(field, row) -> object:
    value = getattr(row, field.name)
    if field.choices and not field.is_relation:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def displayed_value(name, model_admin, row) -> object:
    """What the change list shows for a computed column: its text without HTML, or its date/number as is."""
    try:
        _field, _attr, value = lookup_field(name, row, model_admin)
    except ObjectDoesNotExist:  # a missing one-to-one the column reads through
        return None
    if isinstance(value, models.Model):
        value = str(value)
    if isinstance(value, SafeData):  # HTML the column marked safe: its text (a plain string is text already)
        value = " ".join(html.unescape(strip_tags(value)).split())
    if isinstance(value, str) and (value in DASHES or value == model_admin.get_empty_value_display()):
        return ""
    return value


def columns_for(model_admin, names, *, with_ids: bool) -> list[Column]:
    """Columns for the change-list column ``names`` of ``model_admin``; ``with_ids``: the row's id first,
    and each foreign key's id after its name."""
    model = model_admin.model
    columns = [Column("id", lambda row: row.pk)] if with_ids else []
    for name in names:
        if name == CHECKBOX:
            continue
        header = capfirst(str(label_for_field(name, model, model_admin)))
        field = concrete_field(model, name)
        if field is None:
            columns.append(Column(header, lambda row, name=name: displayed_value(name, model_admin, row)))
            continue
        columns.append(Column(header, lambda row, field=field: field_value(field, row)))
        if with_ids and field.many_to_one:
            columns.append(Column(f"{header} id", lambda row, field=field: getattr(row, field.attname)))
    return columns


def row_texts(columns: list[Column], row, zone: tzinfo) -> list[str]:
    return [cell_text(column.value(row), zone) for column in columns]
