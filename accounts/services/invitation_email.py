"""Emailing an invitation's link, in the background: the task is declared here, with the service it runs."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.background import tenant_task
from accounts.models import Invitation, Tenant
from accounts.services.invitation_links import invitation_url


def invitation_email_send(*, tenant: Tenant, invitation_id: int) -> bool:
    """Email the invitation link; skip invitations no longer usable. Safe to run twice."""
    invitation = (
        Invitation.objects.for_tenant(tenant).select_related("tenant", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_usable:
        return False
    context = {"invitation": invitation, "url": invitation_url(invitation)}
    send_mail(
        subject=f"You're invited to {invitation.tenant.name} on csplatform",
        message=render_to_string("accounts/invitation_email.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
    Invitation.objects.for_tenant(tenant).filter(pk=invitation_id).update(sent_at=timezone.now())
    return True


# Declared beside its service, not in accounts/tasks.py: the invitation service queues it, and the
# tasks module imports services, so a task there would close an import cycle.
@tenant_task(name="accounts.send_invitation_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(*, tenant: Tenant, invitation_id: int) -> bool:
    return invitation_email_send(tenant=tenant, invitation_id=invitation_id)
