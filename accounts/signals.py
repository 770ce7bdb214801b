"""What accounts tells the apps above it, and its own audit stamp.

``tenant_created(tenant, admin)`` is sent by ``tenant_create`` once the tenant and its first admin
exist, inside the creating transaction: the apps above answer with the tenant's defaults (the
default scorecard, the default alert rules), so accounts never imports them.

``contact_became_advocate(tenant, contact)`` is sent when a contact is saved as an advocate and was
not one as read (or is new), whoever saved it (a closed follow-up, the API, the admin), from
``post_save``: inside the saving transaction when the caller holds one (services, the admin and the
contact API do).
"""

from django.dispatch import Signal, receiver
from simple_history.signals import pre_create_historical_record

from accounts.audit import actor_api_key_prefix

tenant_created = Signal()  # kwargs: tenant, admin
contact_became_advocate = Signal()  # kwargs: tenant, contact


def on_contact_saved(sender, instance, created, raw=False, update_fields=None, **kwargs) -> None:
    if raw or not instance.is_advocate or (update_fields is not None and "is_advocate" not in update_fields):
        return
    # A contact built by hand and saved over an existing row (not read first) is not known to have changed.
    was = False if created else getattr(instance, "_stored_is_advocate", None)
    instance._stored_is_advocate = True
    if was is False:
        contact_became_advocate.send(sender=sender, tenant=instance.tenant, contact=instance)


@receiver(pre_create_historical_record)
def stamp_api_key_on_history(sender, history_instance, **kwargs):
    if hasattr(history_instance, "history_api_key"):
        history_instance.history_api_key = actor_api_key_prefix()
