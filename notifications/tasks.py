from celery import shared_task

from notifications.services.delivery import deliver_due
from notifications.services.disabled_notice import send_endpoint_disabled_email

__all__ = ["deliveries_due", "send_endpoint_disabled_email"]


@shared_task(name="notifications.deliveries_due", ignore_result=True)
def deliveries_due(**kwargs) -> int:
    """Send every delivery that is due, across tenants (each delivery is scoped to its own tenant)."""
    return deliver_due()
