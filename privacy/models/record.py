"""The operator-level audit of privacy work: it names ids and counts, never a person's data.

Not tenant-owned on purpose: the record of a tenant's deletion must outlive the tenant, so it holds the
tenant's id as a plain number (no foreign key) and is shown to platform operators only.
"""

from django.db import models
from django.utils import timezone


class PrivacyAction(models.TextChoices):
    CONTACT_ERASED = "contact_erased", "Contact erased"
    CONTACT_EXPORTED = "contact_exported", "Contact's data exported"
    TENANT_EXPORT_REQUESTED = "tenant_export_requested", "Tenant export requested"
    TENANT_EXPORT_FINISHED = "tenant_export_finished", "Tenant export finished"
    TENANT_EXPORT_DOWNLOADED = "tenant_export_downloaded", "Tenant export downloaded"
    TENANT_DELETION_SCHEDULED = "tenant_deletion_scheduled", "Tenant deletion scheduled"
    TENANT_DELETION_CANCELLED = "tenant_deletion_cancelled", "Tenant deletion cancelled"
    TENANT_DELETED = "tenant_deleted", "Tenant deleted"


class PrivacyRecord(models.Model):
    """Who did what privacy work, for which tenant and row, and how many rows it touched."""

    tenant_id = models.BigIntegerField(db_index=True, help_text="The tenant's id (kept after it is deleted).")
    action = models.CharField(max_length=32, choices=PrivacyAction.choices)
    actor = models.CharField(
        max_length=40, help_text="user:<id>, key:<prefix> or command: who asked, by id only (no name or email)."
    )
    subject_id = models.CharField(max_length=40, blank=True, help_text="The contact's or export's id, if any.")
    counts = models.JSONField(default=dict, blank=True, help_text="Rows touched, by model label.")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["tenant_id", "-at"], name="privacyrecord_tenant_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} (tenant {self.tenant_id}) at {self.at:%Y-%m-%d %H:%M}"
