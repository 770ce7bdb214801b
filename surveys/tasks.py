"""Thin Celery tasks: stable names, id arguments, a service call; safe to run twice."""

from celery import shared_task
from django.utils import timezone

from accounts.background import enqueue_on_commit, tenant_task, tenants_fan_out
from accounts.models import Tenant
from surveys.models import SendStatus, Survey, SurveySend, SurveyStatus
from surveys.services.rounds import due_rounds_start
from surveys.services.sending import BATCH_SIZE, due_sends_send


@tenant_task(name="surveys.start_due_rounds", ignore_result=True)
def start_due_rounds(*, tenant: Tenant) -> int:
    return due_rounds_start(tenant=tenant)


@tenant_task(name="surveys.send_due_invitations", ignore_result=True, acks_late=True)
def send_due_invitations(*, tenant: Tenant) -> int:
    """One batch; when the batch was full, the next one is queued right behind it."""
    sent = due_sends_send(tenant=tenant)
    if sent >= BATCH_SIZE:
        enqueue_on_commit(send_due_invitations, tenant_id=tenant.pk)
    return sent


@shared_task(name="surveys.tick", ignore_result=True)
def tick(**kwargs) -> int:
    """Periodic (beat): queue round starts and invitation batches for every tenant with due work."""
    now = timezone.now()
    # Crossing tenants is the point of this sweep: it only reads ids, each task then scopes to one tenant.
    with_rounds = set(
        Survey.unscoped.filter(status=SurveyStatus.ACTIVE, next_round_at__lte=now).values_list("tenant_id", flat=True)
    )
    with_sends = set(
        SurveySend.unscoped.filter(status=SendStatus.SCHEDULED, scheduled_for__lte=now).values_list(
            "tenant_id", flat=True
        )
    )
    tenants_fan_out(start_due_rounds, with_rounds)
    return tenants_fan_out(send_due_invitations, with_sends | with_rounds)
