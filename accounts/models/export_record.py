from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from accounts.tenancy import TenantOwned


class ExportRecord(TenantOwned):
    """One CSV export of a console list: who asked, when, for which list and filters, how many rows went out.

    Written when the export starts, so an export is on record even if its download breaks off;
    ``finished_at`` and ``row_count`` are set when the last row has been sent (an unfinished export
    keeps ``finished_at`` empty and counts nothing). Insert-only: nobody edits the record.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    query_string = models.TextField(blank=True, help_text="The list's filters, search and ordering, as in its URL.")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last row was sent; empty: the download broke off before."
    )
    row_count = models.PositiveIntegerField(default=0, help_text="Rows sent (counted once the last one is).")

    class Meta(TenantOwned.Meta):
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["tenant", "-started_at"], name="exportrecord_tenant_started")]

    def __str__(self) -> str:
        return f"{self.list_name} export {self.pk}"

    @property
    def list_name(self) -> str:
        model = self.content_type.model_class()
        return str(model._meta.verbose_name_plural).capitalize() if model is not None else self.content_type.model
