"""The audit trail as a person reads it: choices by their labels, empty values as a dash, objects named.

django-simple-history shows a change's values as stored: "in_progress", "None", a JSON field as a Python
dict, a moment to the microsecond in UTC, and for a foreign key that was empty, "Deleted membership
(pk=None)". The history pages use this helper instead (moments on the page's clock: the tenant's where the
admin renders in its zone).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import ForeignKey
from django.utils import timezone
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
        if isinstance(value, datetime):
            return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if timezone.is_aware(value) else str(value)
        if isinstance(value, dict):
            # A JSON field's figures, one "name: value" each; nested parts say only that they are there.
            parts = (f"{key.replace('_', ' ')}: {'…' if isinstance(v, dict | list) else v}" for key, v in value.items())
            return "; ".join(parts) or EMPTY
        if field.choices and not isinstance(field, ForeignKey):
            labels = dict(field.flatchoices)
            if isinstance(value, list):
                return [str(labels.get(item, item)) for item in value]
            return str(labels.get(value, value))
        return super().prepare_delta_change_value(change, value)
