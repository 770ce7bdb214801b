"""Thin tasks: stable names, id arguments, a service call."""

from celery import shared_task

from accounts.services.invitation_email import invitation_email_send


@shared_task(name="accounts.send_invitation_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(*, tenant_id: int, invitation_id: int, **kwargs) -> None:
    invitation_email_send(tenant_id=tenant_id, invitation_id=invitation_id)
