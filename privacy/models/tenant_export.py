"""A whole tenant's data as a zip, built by a background task that reports its progress here."""

from django.conf import settings
from django.db import models

from accounts.tenancy import TenantOwned


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


class TenantExport(TenantOwned):
    """One export of every tenant-owned row: ``rows_done`` of ``rows_total`` written so far.

    The file lives in PRIVATE_MEDIA_ROOT (never served directly) under ``file_name``; it is removed and
    the export marked expired at ``expires_at``.
    """

    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows_total = models.PositiveBigIntegerField(default=0, help_text="Rows to write, counted when it starts.")
    rows_done = models.PositiveBigIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True, help_text="Relative to PRIVATE_MEDIA_ROOT.")
    size_bytes = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantOwned.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at"], name="tenantexport_tenant_created")]

    def __str__(self) -> str:
        return f"Export {self.pk} ({self.get_status_display()})"

    @property
    def progress(self) -> float | None:
        """Share of rows written, 0 to 1; None before the rows are counted."""
        if self.status == ExportStatus.DONE:
            return 1.0
        return self.rows_done / self.rows_total if self.rows_total else None
