"""Operator command: recount a tenant's daily NPS counts from its responses (a repair)."""

import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Tenant
from surveys.services.nps_rollup import nps_rollup_rebuild


class Command(BaseCommand):
    help = "Rebuild the daily NPS counts the reports read, from the tenant's responses (by slug or id; or --all)."

    def add_arguments(self, parser):
        parser.add_argument("tenant", nargs="?", help="The tenant's slug or id.")
        parser.add_argument("--all", action="store_true", help="Every tenant, one after the other.")

    def handle(self, *args, tenant=None, all=False, **options):
        if bool(tenant) == all:
            raise CommandError("Name one tenant (slug or id), or pass --all.")
        if all:
            tenants = list(Tenant.objects.order_by("pk"))
        else:
            lookup = {"pk": int(tenant)} if tenant.isdigit() else {"slug": tenant}
            tenants = list(Tenant.objects.filter(**lookup))
            if not tenants:
                raise CommandError(f"tenant: no tenant with slug or id {tenant!r}.")
        for row in tenants:
            started = time.perf_counter()
            written = nps_rollup_rebuild(tenant_id=row.pk, time_zone=row.time_zone)
            elapsed = time.perf_counter() - started
            self.stdout.write(f"{row.slug}: {written:,} daily rows in {elapsed:.1f} s")
