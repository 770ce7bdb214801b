"""Thin Celery tasks: stable names, id arguments, a service call; safe to run twice."""

from celery import shared_task

from accounts.models import Tenant
from csplatform.tasks import enqueue_on_commit
from surveys.models import SendStatus, SurveySend, SurveyStatus
from surveys.services.rounds import due_rounds_start
from surveys.services.sending import BATCH_SIZE, due_sends_send


@shared_task(name="surveys.start_due_rounds", ignore_result=True)
def start_due_rounds(*, tenant_id: int, **kwargs) -> int:
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    return due_rounds_start(tenant=tenant) if tenant else 0


@shared_task(name="surveys.send_due_invitations", ignore_result=True, acks_late=True)
def send_due_invitations(*, tenant_id: int, **kwargs) -> int:
    """One batch; when the batch was full, the next one is queued right behind it."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return 0
    sent = due_sends_send(tenant=tenant)
    if sent >= BATCH_SIZE:
        enqueue_on_commit(send_due_invitations, tenant_id=tenant_id)
    return sent


@shared_task(name="surveys.tick", ignore_result=True)
def tick(**kwargs) -> int:
    """Periodic (beat): queue round starts and invitation batches for every tenant with due work."""
    from django.utils import timezone

    from surveys.models import Survey

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
    for tenant_id in sorted(with_rounds):
        start_due_rounds.apply_async(kwargs={"tenant_id": tenant_id})
    for tenant_id in sorted(with_sends | with_rounds):
        send_due_invitations.apply_async(kwargs={"tenant_id": tenant_id})
    return len(with_rounds | with_sends)
