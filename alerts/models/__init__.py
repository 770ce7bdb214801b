from alerts.models.alert import Alert, AlertStatus
from alerts.models.choices import Priority
from alerts.models.playbook import Playbook, PlaybookStep, StepAssignee
from alerts.models.rule import AlertRule, Operator, RuleKind
from alerts.models.task import Task

__all__ = [
    "Alert",
    "AlertRule",
    "AlertStatus",
    "Operator",
    "Playbook",
    "PlaybookStep",
    "Priority",
    "RuleKind",
    "StepAssignee",
    "Task",
]
