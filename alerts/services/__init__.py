"""Alert use cases. Other apps raise and close alerts through ``alert_raise`` / ``alert_close``, and
``alert_resolve`` when the cause they raised one for is gone."""

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

__all__ = [
    "AccountState",
    "Firing",
    "alert_close",
    "alert_escalate",
    "alert_raise",
    "alert_resolve",
    "alert_update",
    "alerts_fire",
    "alerts_resolve",
    "default_rules_create",
    "open_alerts_about",
    "rules_evaluate",
    "rules_evaluate_current",
]
