"""What accounts tells the apps above it, and its own audit stamp.

``tenant_created(tenant, admin)`` is sent by ``tenant_create`` once the tenant and its first admin
exist, inside the creating transaction: the apps above answer with the tenant's defaults (the
default scorecard, the default alert rules), so accounts never imports them.
"""

from django.dispatch import Signal, receiver
from simple_history.signals import pre_create_historical_record

from accounts.audit import actor_api_key_prefix

tenant_created = Signal()  # kwargs: tenant, admin


@receiver(pre_create_historical_record)
def stamp_api_key_on_history(sender, history_instance, **kwargs):
    if hasattr(history_instance, "history_api_key"):
        history_instance.history_api_key = actor_api_key_prefix()
