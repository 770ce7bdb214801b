"""Alert use cases. Other apps raise and close alerts through ``alert_raise`` / ``alert_close``, and
``alert_resolve`` when the cause they raised one for is gone. People snooze, reassign and work tasks."""

from alerts.services.alerts import (
    Firing,
    alert_close,
    alert_escalate,
    alert_raise,
    alert_resolve,
    alert_update,
    alerts_fire,
    alerts_resolve,
    open_alerts_about,
)
from alerts.services.defaults import default_rules_create
from alerts.services.evaluate import AccountState, rules_evaluate, rules_evaluate_current
from alerts.services.playbooks import playbook_tasks_create, task_complete, task_reopen
from alerts.services.reassign import alert_reassign, task_reassign, working_members
from alerts.services.snooze import alert_snooze, alert_unsnooze

__all__ = [
    "AccountState",
    "Firing",
    "alert_close",
    "alert_escalate",
    "alert_raise",
    "alert_reassign",
    "alert_resolve",
    "alert_snooze",
    "alert_unsnooze",
    "alert_update",
    "alerts_fire",
    "alerts_resolve",
    "default_rules_create",
    "open_alerts_about",
    "playbook_tasks_create",
    "rules_evaluate",
    "rules_evaluate_current",
    "task_complete",
    "task_reassign",
    "task_reopen",
    "working_members",
]
