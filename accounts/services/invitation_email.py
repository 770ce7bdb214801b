from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Invitation
from accounts.services.invitations import invitation_url


def invitation_email_send(*, tenant_id: int, invitation_id: int) -> bool:
    """Email the invitation link; skip invitations no longer usable. Safe to run twice."""
    invitation = (
        Invitation.objects.for_tenant(tenant_id).select_related("tenant", "invited_by").filter(pk=invitation_id).first()
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
    Invitation.objects.for_tenant(tenant_id).filter(pk=invitation_id).update(sent_at=timezone.now())
    return True
