"""The demo tenant's alerts: its default rules, evaluated over the scores the seed just computed."""

from accounts.models import Tenant
from alerts.models import Alert, AlertStatus
from alerts.services import default_rules_create, rules_evaluate_current


def demo_alerts_raise(*, tenant: Tenant) -> int:
    """Make sure the default rules exist and evaluate them now; return how many alerts are open."""
    default_rules_create(tenant)
    rules_evaluate_current(tenant=tenant)
    return Alert.objects.for_tenant(tenant).exclude(status=AlertStatus.CLOSED).count()
