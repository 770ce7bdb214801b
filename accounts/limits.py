"""Ceilings on the rate limits tenants set themselves, read from settings when they are needed.

A tenant admin sets an API key's requests per minute and the tenant's ingestion messages per minute;
the platform caps both (``API_RATE_PER_MINUTE_MAX``, ``INGEST_MESSAGES_PER_MINUTE_MAX``). Model
validation refuses values above a ceiling, and throttling applies a row stored above it at the ceiling,
so lowering a ceiling takes effect at once.
"""

from django.conf import settings
from django.core.exceptions import ValidationError

API_RATE_CEILING = "API_RATE_PER_MINUTE_MAX"
INGEST_CEILING = "INGEST_MESSAGES_PER_MINUTE_MAX"


def ceiling(setting: str) -> int:
    return getattr(settings, setting)


def capped(value: int, setting: str) -> int:
    """``value``, or the ceiling named by ``setting`` when it is higher."""
    return min(value, ceiling(setting))


def per_minute_error(value, *, setting: str, unit: str) -> str | None:
    """Why ``value`` cannot be a limit in ``unit`` per minute under the ceiling ``setting``, or None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return f"Give a whole number of {unit} per minute."
    if value < 1:
        return f"Give at least 1 {unit[:-1]} per minute."
    top = ceiling(setting)
    if value > top:
        return f"At most {top:,} {unit} per minute (the platform's ceiling, {setting})."
    return None


def validate_per_minute(value, *, field: str, setting: str, unit: str) -> None:
    """Raise a ValidationError on ``field`` when ``value`` is not a limit the platform allows."""
    problem = per_minute_error(value, setting=setting, unit=unit)
    if problem:
        raise ValidationError({field: problem})
