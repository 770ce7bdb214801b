"""python manage.py recompute [--tenant SLUG] [--backfill-days N]"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.models import Account, Tenant
from indicators.scoring.backfill import history_backfill
from indicators.scoring.recompute import TASK_ACCOUNTS, accounts_recompute


class Command(BaseCommand):
    help = "Recompute health scores for one tenant's accounts, or every tenant's."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="Tenant slug (default: every tenant).")
        parser.add_argument("--backfill-days", type=int, default=0, help="Also write history this far back.")
        parser.add_argument("--step-days", type=int, default=1, help="Days between back-filled history points.")

    def handle(self, *args, tenant=None, backfill_days=0, step_days=1, **options):
        tenants = Tenant.objects.filter(slug=tenant) if tenant else Tenant.objects.all()
        if tenant and not tenants.exists():
            raise CommandError(f"No tenant with slug '{tenant}'.")
        if backfill_days < 0 or step_days < 1:
            raise CommandError("--backfill-days must be zero or more and --step-days at least 1.")
        for t in tenants.order_by("slug"):
            ids = list(Account.objects.for_tenant(t).order_by("pk").values_list("pk", flat=True))
            with tqdm(total=len(ids), desc=f"{t.slug}: scoring", unit="account", disable=None) as bar:
                if backfill_days:
                    history_backfill(
                        tenant=t, account_ids=ids, days=backfill_days, step_days=step_days, progress=bar.update
                    )
                else:
                    for start in range(0, len(ids), TASK_ACCOUNTS):
                        bar.update(accounts_recompute(tenant=t, account_ids=ids[start : start + TASK_ACCOUNTS]))
            self.stdout.write(f"{t.slug}: {len(ids)} accounts scored.")
