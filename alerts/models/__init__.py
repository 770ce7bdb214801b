from alerts.models.alert import Alert, AlertStatus
from alerts.models.choices import Priority
from alerts.models.rule import AlertRule, Operator, RuleKind

__all__ = ["Alert", "AlertRule", "AlertStatus", "Operator", "Priority", "RuleKind"]
