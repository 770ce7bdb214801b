"""Builders for the work-item tests: an open alert, a playbook, a tenant in a time zone."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from alerts.models import Playbook, PlaybookStep, StepAssignee
from alerts.services import alert_raise
from tests.factories import AccountFactory


def open_alert(world, *, key="k", account=None, rule=None, at=None, **fields):
    """An open alert of ``world``'s tenant on an account its CSM owns."""
    account = account or AccountFactory(tenant=world.tenant, csm_owner=world.csm)
    values = {"title": "Renewal at risk", "message": "Renewal in 20 days.", "priority": "high",
              "due_at": (at or timezone.now()) + timedelta(days=2), **fields}  # fmt: skip
    return alert_raise(tenant=world.tenant, account=account, key=key, rule=rule, **values)


def playbook(tenant, name="Red and renewing", steps=(("Executive call", 2, StepAssignee.ACCOUNT_CSM),
                                                    ("Success plan review", 7, StepAssignee.ALERT_ASSIGNEE)),
             **fields) -> Playbook:  # fmt: skip
    built = Playbook.objects.create(tenant=tenant, name=name, **fields)
    for position, (title, days, assignee) in enumerate(steps, start=1):
        PlaybookStep.objects.create(tenant=tenant, playbook=built, position=position, title=title,
                                    due_in_days=days, assignee=assignee)  # fmt: skip
    return built


def in_zone(tenant, zone: str):
    tenant.time_zone = zone
    tenant.save(update_fields=["time_zone"])
    return tenant
