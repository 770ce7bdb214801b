"""The rules every new tenant starts with (editable and disable-able like any other)."""

from __future__ import annotations

from accounts.models import Tenant
from alerts.models import AlertRule, Operator, Priority, RuleKind

DEFAULT_RULES = (
    {"name": "Renewal within 90 days while red", "kind": RuleKind.RENEWAL_PROXIMITY, "within_days": 90,
     "bands": ["red"], "priority": Priority.HIGH, "due_in_days": 2},
    {"name": "Score dropped 15 points in 7 days", "kind": RuleKind.SCORE_DROP, "points": 15, "within_days": 7,
     "priority": Priority.HIGH, "due_in_days": 3},
    {"name": "Turned red", "kind": RuleKind.BAND_CHANGE, "to_band": "red", "priority": Priority.MEDIUM,
     "due_in_days": 5},
    {"name": "Detractor answer", "kind": RuleKind.DETRACTOR_ANSWER, "within_days": 14, "priority": Priority.HIGH,
     "due_in_days": 2},
    {"name": "Open escalation", "kind": RuleKind.INDICATOR_THRESHOLD, "indicator": "open_escalations",
     "operator": Operator.GTE, "threshold": 1, "priority": Priority.HIGH, "due_in_days": 1},
    {"name": "License utilization below 30%", "kind": RuleKind.INDICATOR_THRESHOLD,
     "indicator": "license_utilization", "operator": Operator.LT, "threshold": 30, "priority": Priority.LOW,
     "due_in_days": 14},
)  # fmt: skip


def default_rules_create(tenant: Tenant) -> list[AlertRule]:
    """Add the default rules the tenant does not have yet (matched by name); return those created."""
    existing = set(AlertRule.objects.for_tenant(tenant).values_list("name", flat=True))
    created = []
    for spec in DEFAULT_RULES:
        if spec["name"] in existing:
            continue
        rule = AlertRule(tenant=tenant, **spec)
        rule.full_clean()
        rule.save()
        created.append(rule)
    return created
