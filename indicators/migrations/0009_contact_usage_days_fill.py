"""Each contact's usage mask (``Contact.usage_days``) filled from its daily rollups; ingestion keeps it since."""

from django.db import migrations

from indicators.ingest.usage_days import FILL_FROM_ROLLUPS, mask_of


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_FROM_ROLLUPS)
        return
    Contact, ContactDay = apps.get_model("accounts", "Contact"), apps.get_model("indicators", "ContactDay")
    days = {}
    for contact_id, day in ContactDay._default_manager.filter(usage_events__gt=0).values_list("contact_id", "day"):
        days.setdefault(contact_id, set()).add(day)
    changed = []
    for contact in Contact._default_manager.filter(pk__in=days).only("pk"):
        contact.usage_days, contact.usage_days_to = mask_of(days[contact.pk])
        changed.append(contact)
    Contact._default_manager.bulk_update(changed, ["usage_days", "usage_days_to"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_contact_usage_days"),
        ("indicators", "0008_healthscore_digest"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
