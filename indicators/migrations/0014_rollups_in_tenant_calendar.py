"""Rollups were kept on UTC dates; they are now dates of the tenant's calendar. Rebuilt from the events
for each tenant outside UTC (for UTC tenants the dates are the same)."""

from django.db import migrations


def rebuild(apps, schema_editor):
    # The live rebuild, not a copy of it: it is the rule ingestion applies, and it runs once here.
    from accounts.models import Tenant
    from indicators.ingest.rebuild import rollups_rebuild

    # Only the columns the rebuild reads: later migrations may add others to the live model.
    for tenant in Tenant.objects.exclude(time_zone="UTC").only("pk", "time_zone"):
        rollups_rebuild(tenant=tenant)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_contact_usage_days"), ("indicators", "0013_applied_message")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
