"""What the closed loop does when others' data changes."""

from django.db.models.signals import post_save

from followups.services.departments import departments_ensure_defaults
from followups.services.opening import followup_open_for_response
from followups.services.themes import themes_apply_rules


def on_response_recorded(sender, response, created, **kwargs) -> None:
    """Inside the transaction that stores (or amends) the response: its follow-up and its rule themes."""
    followup_open_for_response(tenant=response.tenant, response=response)
    themes_apply_rules(tenant=response.tenant, response=response)


def on_tenant_saved(sender, instance, created, raw=False, **kwargs) -> None:
    """Every tenant row has the built-in departments, however it was created (command, admin, demo)."""
    if created and not raw:
        departments_ensure_defaults(tenant=instance)


def connect() -> None:
    from accounts.models import Tenant
    from surveys.models import SurveyResponse
    from surveys.signals import response_recorded

    response_recorded.connect(on_response_recorded, sender=SurveyResponse, dispatch_uid="followups.response_recorded")
    post_save.connect(on_tenant_saved, sender=Tenant, dispatch_uid="followups.tenant_departments")
