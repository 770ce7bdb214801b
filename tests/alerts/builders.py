"""Small builders for the alerts tests."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from alerts.models import AlertRule, Priority, RuleKind


def rule(tenant, kind=RuleKind.INDICATOR_THRESHOLD, **fields) -> AlertRule:
    defaults = {
        RuleKind.INDICATOR_THRESHOLD: {"indicator": "license_utilization", "operator": "lt", "threshold": 30},
        RuleKind.SCORE_DROP: {"points": 15, "within_days": 7},
        RuleKind.BAND_CHANGE: {"to_band": "red"},
        RuleKind.RENEWAL_PROXIMITY: {"within_days": 90, "bands": ["red"]},
        RuleKind.DETRACTOR_ANSWER: {"within_days": 14},
    }[kind]
    values = {"name": f"{kind} {AlertRule.objects.for_tenant(tenant).count() + 1}", "priority": Priority.HIGH,
              "due_in_days": 3, **defaults, **fields}  # fmt: skip
    built = AlertRule(tenant=tenant, kind=kind, **values)
    built.full_clean()
    built.save()
    return built


def due(days=3):
    return timezone.now() + timedelta(days=days)
