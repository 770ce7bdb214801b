from django.conf import settings
from django.db import models

from accounts.audit import audit_trail
from accounts.roles import Role
from accounts.tenancy import TenantOwned


class Membership(TenantOwned):
    """A user's place in a tenant, with the role that decides what they may do there."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["user__email"]
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user_per_tenant")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
