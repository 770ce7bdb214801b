from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from accounts.audit import actor_api_key_prefix


@receiver(pre_create_historical_record)
def stamp_api_key_on_history(sender, history_instance, **kwargs):
    if hasattr(history_instance, "history_api_key"):
        history_instance.history_api_key = actor_api_key_prefix()
