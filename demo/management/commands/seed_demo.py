"""Create or refresh the demo tenant; safe to run any number of times."""

import sys
from functools import partial

from django.core.management.base import BaseCommand
from tqdm import tqdm

from accounts.models import Account
from accounts.roles import Role
from demo.alerts import demo_alerts_raise
from demo.events import demo_events_seed
from demo.followups import demo_followups_seed
from demo.gut import demo_gut_seed
from demo.people import demo_tenant_seed
from demo.playbooks import demo_playbooks_seed
from demo.renewal_history import former_external_ids
from demo.renewal_seed import demo_rankings_refresh, demo_renewals_seed, demo_score_history_seed
from demo.surveys import demo_surveys_seed
from indicators.models import Event
from indicators.scoring.backfill import history_backfill
from indicators.stale.hint import recompute_held
from outcomes.models import Outcome, Renewal
from outcomes.models.renewals import CLOSED_OUTCOMES
from outcomes.services.forecast import renewals_forecast
from outcomes.services.ledger import ledgers_reconcile
from outcomes.services.renewals import renewals_open_from_accounts

ADMIN_URL = "http://127.0.0.1:8000/admin/"
DEMO_HISTORY_DAYS = 175


class Command(BaseCommand):
    help = (
        "Seed the demo tenant 'Northwind Analytics' (slug demo): people, ~300 accounts, ~3,000 contacts, "
        "about six months of their events and three years of renewals."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-events", action="store_true", help="Seed people, accounts and contacts only; no events."
        )

    def handle(self, *args, **options):
        # tqdm writes carriage returns, so it gets the raw stream rather than Django's line-ending wrapper.
        stream = options.get("stderr") or sys.stderr
        progress = partial(tqdm, file=stream, disable=options["verbosity"] == 0, leave=False)
        seeded = demo_tenant_seed(progress=progress)
        tenant = seeded.tenant
        events_before = Event.objects.for_tenant(tenant).count()
        # Every recompute asked for while seeding (the gut reads, each batch of events) is held to the end: a
        # score computed before the events are in would be a transient first point in every account's history,
        # and "what changed" would explain the seeding instead of the customer. The history below is the only
        # scoring; the held recomputes then find each score as it stands.
        with recompute_held():
            demo_gut_seed(tenant=tenant)  # the default scorecard and a few CSM gut reads
            if not options["no_events"]:
                # Three years of renewals closed before the events' months (and the customers who left then),
                # opening each account's ledger: the events' renewals and churns then close the later terms.
                demo_renewals_seed(tenant=tenant, progress=progress)
            new_events = None if options["no_events"] else demo_events_seed(tenant=tenant, progress=progress)
            if new_events is not None:
                demo_surveys_seed(tenant=tenant)  # past NPS rounds: survey events the history below reads
                demo_followups_seed(tenant=tenant)  # follow-ups worked and closed, themes, advocates
                # Scores as they stood each week over the seeded months, then today's: history, trends. Not
                # for the former customers: they left before those months.
                accounts = Account.objects.for_tenant(tenant).exclude(external_id__in=former_external_ids())
                ids = list(accounts.values_list("pk", flat=True))
                with progress(total=len(ids), desc="Health scores", unit="account") as bar:
                    history_backfill(tenant=tenant, account_ids=ids, days=DEMO_HISTORY_DAYS, step_days=7,
                                     progress=bar.update)  # fmt: skip
                # The history recorded before those months, ahead of each renewal the seed closed.
                demo_score_history_seed(tenant=tenant)
        if new_events is not None:
            # The ledger's opening balances and a pending renewal for every renewal date, as the daily
            # reconciliation would make them.
            ledgers_reconcile(tenant=tenant)
            renewals_open_from_accounts(tenant=tenant)
            demo_playbooks_seed(tenant=tenant)  # before the rules: the alerts they open get the playbook's tasks
            demo_alerts_raise(tenant=tenant)  # rules evaluated over the fresh scores
            demo_rankings_refresh(tenant=tenant)  # which indicators preceded churn, 90 and 180 days ahead
            renewals_forecast(tenant=tenant)  # each pending renewal's chance, as the daily task makes it

        events = ""
        if new_events is not None:
            total = Event.objects.for_tenant(tenant).count()  # usage and the rest, survey answers included
            closed = Renewal.objects.for_tenant(tenant).filter(outcome__in=CLOSED_OUTCOMES)
            churned = closed.filter(outcome=Outcome.CHURNED).count()
            events = f", {total:,} events ({total - events_before:,} new), {closed.count():,} closed renewals "
            events += f"({churned:,} churned)"
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo tenant '{tenant.name}' (slug {tenant.slug}): "
                f"{seeded.accounts:,} accounts, {seeded.contacts:,} contacts{events}."
            )
        )
        self.stdout.write(f"\n  Admin: {ADMIN_URL}\n")
        self.stdout.write("  Demo logins (demo only: these passwords are public):")
        width = max(len(email) for email, _, _ in seeded.logins)
        for email, role, password in seeded.logins:
            self.stdout.write(f"    {Role(role).label:<7} {email:<{width}}  {password}")
        rotated = f"; {seeded.revoked_keys} previous demo key revoked" if seeded.revoked_keys else ""
        self.stdout.write(f"\n  API key (all scopes, shown only now{rotated}):\n    {seeded.api_key_plaintext}")
