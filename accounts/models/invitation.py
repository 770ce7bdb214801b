from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.audit import audit_trail
from accounts.roles import Role
from accounts.tenancy import TenantOwned


class Invitation(TenantOwned):
    """An invitation to join a tenant with a role; its link is signed, single-use and expiring."""

    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.CSM)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "email"], name="invitation_tenant_email")]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()
