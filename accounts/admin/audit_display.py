"""The audit trail as a person reads it: choices by their labels, empty values as a dash, objects named.

django-simple-history shows a change's values as stored: "in_progress", "None", and for a foreign key
that was empty, "Deleted membership (pk=None)". The history pages use this helper instead.
"""

from __future__ import annotations

from typing import Any

from django.db.models import ForeignKey
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "—"


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value) -> Any:
        field = self.model._meta.get_field(change.field)
        if isinstance(value, DeletedObject):
            # An empty foreign key is no object at all; a row since deleted is named for what it was.
            return EMPTY if value.pk is None else f"a deleted {value.model._meta.verbose_name} (#{value.pk})"
        if value is None or value == "":
            return EMPTY
        if isinstance(value, bool):
            return "yes" if value else "no"
        if field.choices and not isinstance(field, ForeignKey):
            labels = dict(field.flatchoices)
            if isinstance(value, list):
                return [str(labels.get(item, item)) for item in value]
            return str(labels.get(value, value))
        return super().prepare_delta_change_value(change, value)
