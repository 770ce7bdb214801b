"""Snoozing an alert: out of working lists until a day of the tenant's calendar, for a stated reason.

The alert stays open and keeps firing (its fire count and figures move) while snoozed; only the
lists a CSM works from leave it out (``alerts.selectors.alerts_working``). Each snooze and unsnooze
is a change in the alert's history, by the person who made it.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Tenant
from accounts.tenancy import same_tenant
from accounts.zones import tenant_zone
from alerts.models import Alert, AlertStatus
from alerts.tenant_calendar import local_day

SNOOZE_FIELDS = ["snoozed_until", "snooze_reason", "snoozed_by", "updated_at"]


def tenant_today(tenant: Tenant, now: datetime | None = None) -> date:
    return local_day(now or timezone.now(), tenant_zone(tenant))


def alert_snooze(*, tenant: Tenant, alert: Alert, until: date, reason: str, by=None,
                 now: datetime | None = None) -> Alert:  # fmt: skip
    """Hide ``alert`` from working lists until the start of ``until`` (a day after the tenant's today).

    Raises ValidationError naming the field: ``snoozed_until`` (not after today), ``snooze_reason``
    (empty), ``status`` (closed).
    """
    same_tenant(tenant, alert=alert)
    errors = {}
    if alert.status == AlertStatus.CLOSED:
        errors["status"] = "This alert is closed; there is nothing to snooze."
    today = tenant_today(tenant, now)
    if not isinstance(until, date) or isinstance(until, datetime):
        errors["snoozed_until"] = "A date, such as 2026-12-31."
    elif until <= today:
        errors["snoozed_until"] = f"Must be after today ({today.isoformat()} in {tenant.time_zone})."
    reason = (reason or "").strip()
    if not reason:
        errors["snooze_reason"] = "Say why the alert can wait."
    if errors:
        raise ValidationError(errors)
    _as_person(alert)
    alert.snoozed_until, alert.snooze_reason, alert.snoozed_by = until, reason, by
    alert.save(update_fields=SNOOZE_FIELDS)
    return alert


def alert_unsnooze(*, tenant: Tenant, alert: Alert, by=None) -> Alert:
    """Put ``alert`` back in working lists now; an alert that is not snoozed is left as it is."""
    same_tenant(tenant, alert=alert)
    if alert.snoozed_until is None and not alert.snooze_reason:
        return alert
    _as_person(alert)
    alert.snoozed_until, alert.snooze_reason, alert.snoozed_by = None, "", None
    alert.save(update_fields=SNOOZE_FIELDS)
    return alert


def _as_person(alert: Alert) -> None:
    # The history row takes the request's user, not a mark left by csplatform's last change.
    alert.__dict__.pop("_history_user", None)
    alert.__dict__.pop("_change_reason", None)
