"""A tenant's scheduled deletion: due after a grace period, cancellable until then."""

from django.conf import settings
from django.db import models

from accounts.tenancy import TenantOwned


class TenantDeletion(TenantOwned):
    """Asked for at ``requested_at``, run from ``due_at`` unless ``cancelled_at`` is set first.

    At most one is pending (not cancelled) per tenant. The row goes with the tenant; what survives is
    the operator's PrivacyRecord.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text="From then on the periodic task deletes the tenant's rows.")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True, help_text="When deletion of its rows began.")

    class Meta(TenantOwned.Meta):
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(cancelled_at__isnull=True), name="tenantdeletion_one_pending"
            )
        ]

    def __str__(self) -> str:
        state = "cancelled" if self.cancelled_at else f"due {self.due_at:%Y-%m-%d %H:%M} UTC"
        return f"Deletion of tenant {self.tenant_id} ({state})"

    def csm_may_change(self, membership) -> bool:
        return False
