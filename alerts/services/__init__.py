"""Alert use cases. Other apps raise and close alerts through ``alert_raise`` / ``alert_close``."""

from alerts.services.alerts import Firing, alert_close, alert_raise, alert_update, alerts_fire
from alerts.services.defaults import default_rules_create
from alerts.services.evaluate import AccountState, rules_evaluate, rules_evaluate_current

__all__ = [
    "AccountState",
    "Firing",
    "alert_close",
    "alert_raise",
    "alert_update",
    "alerts_fire",
    "default_rules_create",
    "rules_evaluate",
    "rules_evaluate_current",
]
