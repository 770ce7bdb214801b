"""Which columns of the tenant's rows hold free text that may quote a person, and how to find them.

Found from the registry like ``tenant_models``: every text or JSON column of a tenant model, minus
identifiers and keys (a redaction there would break a lookup or a signature), choices (fixed values) and
the tables whose rows erasure handles by their link to the contact or that hold only computed figures.
"""

from __future__ import annotations

import json

from django.db import models
from django.db.models import Q

from privacy.tenant_models import tenant_models

# Handled by their link to the contact (privacy/services/erasure.py) or computed from other rows.
SKIPPED_MODELS = frozenset(
    {
        "indicators.Event",
        "indicators.AccountDay",
        "indicators.ContactDay",
        "indicators.AppliedMessage",
        "indicators.HealthScore",
        "indicators.HealthScoreHistory",
        "indicators.ScorecardVersion",
        "outcomes.OutcomeAnalysis",
        "outcomes.RenewalForecast",
        "accounts.Contact",
        "accounts.ApiKey",
        "notifications.EndpointSecret",
        "privacy.TenantExport",
        "privacy.TenantDeletion",
    }
)
IDENTIFIER_SUFFIXES = ("id", "_key", "key", "_hash", "secret", "currency", "scopes", "event_types", "url", "bands")


def _source_label(model) -> str:
    return getattr(model, "instance_type", model)._meta.label


def _constrained(model) -> set[str]:
    names = set()
    for constraint in getattr(model._meta, "constraints", []):
        names.update(getattr(constraint, "fields", ()) or ())
    return names


def free_text_fields(model) -> list[str]:
    if _source_label(model) in SKIPPED_MODELS:
        return []
    constrained = _constrained(getattr(model, "instance_type", model))
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
        and not f.primary_key
        and not f.choices
        and not f.unique
        and f.name not in constrained
        and not f.name.endswith(IDENTIFIER_SUFFIXES)
        and not f.name.startswith("history_")
    ]


def free_text_columns() -> list[tuple[type[models.Model], list[str]]]:
    """(model, its free-text field names) for every tenant model that has any."""
    return [(m, fields) for m in tenant_models() if (fields := free_text_fields(m))]


def mentions(fields: list[str], needles: tuple[str, ...]) -> Q:
    """Rows whose fields contain a needle, in any case; JSON is searched as stored (non-ASCII escaped or not)."""
    query = Q()
    for needle in needles:
        forms = {needle, json.dumps(needle)[1:-1]}
        for field in fields:
            for form in forms:
                query |= Q(**{f"{field}__icontains": form})
    return query
