"""Operator command: delete now every tenant whose deletion is due (what the periodic task does)."""

from django.core.management.base import BaseCommand

from privacy.services.tenant_deletion import due_tenant_ids, tenant_delete_now


class Command(BaseCommand):
    help = "Delete every tenant whose scheduled deletion is due, in batches; prints rows deleted per tenant."

    def handle(self, *args, **options):
        for tenant_id in due_tenant_ids():
            counts = tenant_delete_now(tenant_id=tenant_id, actor="command")
            if counts is not None:
                self.stdout.write(f"Tenant {tenant_id}: {sum(counts.values())} rows deleted.")
