"""Inviting people into a tenant by email.

The link carries a signed token naming the invitation and its tenant. It is single-use
(accepting claims the row with a conditional update) and expires (both the signature's age and
the row's ``expires_at`` are checked), and it only ever joins the tenant it was issued for.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.background import enqueue_on_commit
from accounts.models import Invitation, Membership, Tenant, User
from accounts.roles import role_at_least
from accounts.services.invitation_email import send_invitation_email
from accounts.services.invitation_links import InvitationInvalid
from accounts.services.tenants import membership_set, user_get_or_create


def invitation_create(*, tenant: Tenant, email: str, role: str, invited_by: User | None) -> Invitation:
    """Create (or renew) the invitation for ``email`` and send its link after commit."""
    email = email.strip().lower()
    with transaction.atomic():
        Invitation.objects.for_tenant(tenant).filter(email=email, accepted_at=None, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        invitation = Invitation.objects.create(
            tenant=tenant,
            email=email,
            role=role,
            invited_by=invited_by,
            expires_at=timezone.now() + settings.INVITATION_MAX_AGE,
        )
        invitation_send_later(invitation=invitation)
    return invitation


def invitation_send_later(*, invitation: Invitation) -> None:
    enqueue_on_commit(send_invitation_email, tenant_id=invitation.tenant_id, invitation_id=invitation.pk)


def invitation_accept(*, invitation: Invitation, full_name: str, password: str | None) -> Membership:
    """Join the invitation's tenant. New users set ``password``; existing users keep theirs."""
    tenant = invitation.tenant
    with transaction.atomic():
        claimed = (
            Invitation.objects.for_tenant(tenant)
            .filter(pk=invitation.pk, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
            .update(accepted_at=timezone.now())
        )
        if not claimed:
            raise InvitationInvalid("This invitation has already been used, was withdrawn, or has expired.")
        user, created = user_get_or_create(email=invitation.email, full_name=full_name)
        if created or not user.has_usable_password():
            user.set_password(password)
            user.full_name = user.full_name or full_name
            user.save(update_fields=["password", "full_name"])
        existing = Membership.objects.for_tenant(tenant).filter(user=user).first()
        # Joining never lowers a role someone already holds.
        if existing is not None and role_at_least(existing.role, invitation.role):
            return existing
        return membership_set(tenant=tenant, user=user, role=invitation.role)
