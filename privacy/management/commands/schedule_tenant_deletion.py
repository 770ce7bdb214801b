"""Operator command: schedule (or cancel) a tenant's deletion after the grace period. Audited."""

from django.core.management.base import BaseCommand, CommandError

from privacy.management.lookups import tenant_by_slug
from privacy.services.tenant_deletion import tenant_deletion_cancel, tenant_deletion_schedule


class Command(BaseCommand):
    help = "Schedule a tenant's deletion TENANT_DELETION_GRACE_DAYS from now (or --grace-days), or --cancel it."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="The tenant's slug.")
        parser.add_argument("--grace-days", type=int, help="Days before deletion (default: the setting).")
        parser.add_argument("--cancel", action="store_true", help="Cancel the pending deletion instead.")

    def handle(self, *args, tenant, grace_days, cancel, **options):
        tenant = tenant_by_slug(tenant)
        if cancel:
            if tenant_deletion_cancel(tenant=tenant, actor="command") is None:
                raise CommandError(f"Tenant '{tenant.slug}' has no pending deletion that has not started.")
            self.stdout.write(f"Deletion of '{tenant.slug}' cancelled.")
            return
        if grace_days is not None and grace_days < 0:
            raise CommandError("--grace-days: give 0 or more days.")
        deletion, made = tenant_deletion_schedule(tenant=tenant, actor="command", grace_days=grace_days)
        already = "" if made else " (already scheduled: the date is unchanged)"
        self.stdout.write(f"Tenant '{tenant.slug}' will be deleted from {deletion.due_at:%Y-%m-%d %H:%M} UTC{already}.")
