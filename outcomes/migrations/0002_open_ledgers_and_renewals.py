"""Every account's ARR so far becomes its ledger's opening balance, and every renewal date a pending renewal."""

from django.db import migrations


def open_books(apps, schema_editor):
    # The live services, not a copy: the same rules the daily reconciliation applies, run once here.
    from accounts.models import Tenant
    from outcomes.services.ledger import ledgers_reconcile
    from outcomes.services.renewals import renewals_open_from_accounts

    for tenant in Tenant.objects.only("pk", "time_zone"):  # only what they read: later migrations add columns
        ledgers_reconcile(tenant=tenant)
        renewals_open_from_accounts(tenant=tenant)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(open_books, migrations.RunPython.noop)]
