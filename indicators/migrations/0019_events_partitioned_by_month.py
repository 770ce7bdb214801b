"""On PostgreSQL, the events table becomes partitioned by month of ``occurred_at``, online.

Not one transaction: the rows are copied in batches while ingestion goes on writing, and the
tables are swapped in one short transaction at the end (``indicators/partitions/online.py``).
Backwards, the same copy makes it one plain table again. Nothing changes on SQLite.
"""

from django.db import migrations


def partition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from indicators.partitions.online import to_partitioned

        to_partitioned(using=schema_editor.connection.alias)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from indicators.partitions.online import to_plain

        to_plain(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("indicators", "0018_event_messages")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
