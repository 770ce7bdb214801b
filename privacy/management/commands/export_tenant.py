"""Operator command: export a whole tenant as a zip (built here, with progress), then print where it is."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from privacy.management.lookups import tenant_by_slug
from privacy.models import ExportStatus, TenantExport
from privacy.services.tenant_export import tenant_export_build
from privacy.storage import private_storage


class Command(BaseCommand):
    help = "Export every row of a tenant: one JSON-lines and one CSV file per model, zipped in PRIVATE_MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="The tenant's slug.")

    def handle(self, *args, tenant, **options):
        tenant = tenant_by_slug(tenant)
        # Built here rather than queued, so the operator sees it finish; audited like any other export.
        with transaction.atomic():
            from privacy.audit import privacy_record
            from privacy.models import PrivacyAction

            export = TenantExport.objects.create(tenant=tenant)
            privacy_record(tenant_id=tenant.pk, action=PrivacyAction.TENANT_EXPORT_REQUESTED, actor="command",
                           subject_id=export.pk)  # fmt: skip
        rows = tenant_export_build(tenant=tenant, export_id=export.pk)
        export.refresh_from_db()
        if export.status != ExportStatus.DONE:
            raise CommandError(f"Export {export.pk} failed: {export.error}")
        self.stdout.write(f"Export {export.pk}: {rows} rows, {private_storage().path(export.file_name)}")
