"""The audit trail: django-simple-history records every change made through admin or API.

Each history row knows who made the change: the signed-in user (``history_user``) or, for an
integration, the API key's visible prefix.
"""

from django.db import models
from simple_history.models import HistoricalRecords


class AuditedChange(models.Model):
    history_api_key = models.CharField("API key", max_length=24, blank=True)

    class Meta:
        abstract = True


def audit_trail(**options) -> HistoricalRecords:
    return HistoricalRecords(bases=[AuditedChange], **options)


def actor_api_key_prefix() -> str:
    request = getattr(HistoricalRecords.context, "request", None)
    key = getattr(request, "auth", None)
    return getattr(key, "prefix", "") if key is not None else ""
