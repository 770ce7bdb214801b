"""The contact-day index without its INCLUDE columns, so ingestion's updates of contact-day rows are HOT.

``usage_events`` in the index's INCLUDE list made every rollup increment a non-HOT update: a new row
version on another page and an entry in each of the table's five indexes (bench/ingest.py: 0 of
45,773 updates HOT, against all of them without it). The index was covering for the scores' contact
usage masks, which now come from ``Contact.usage_days``.

On PostgreSQL the new index is built CONCURRENTLY under another name before the old one is dropped,
so ingestion keeps writing and the fallback keeps an index throughout.
"""

from django.db import migrations, models

NAME = "contactday_tenant_account_day"
COVERING = models.Index(fields=["tenant", "account", "day"], name=NAME, include=["contact", "usage_events"])
PLAIN = models.Index(fields=["tenant", "account", "day"], name=NAME)


def _swap(old: models.Index, new: models.Index, columns: str):
    def apply(apps, schema_editor):
        model = apps.get_model("indicators", "ContactDay")
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.remove_index(model, old)
            schema_editor.add_index(model, new)
            return
        table = model._meta.db_table
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}_next")
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY {NAME}_next ON {table} {columns}")
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")
        schema_editor.execute(f"ALTER INDEX {NAME}_next RENAME TO {NAME}")

    return apply


class Migration(migrations.Migration):
    atomic = False  # CREATE and DROP INDEX CONCURRENTLY can't run in a transaction

    dependencies = [("indicators", "0010_score_results_lz4")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="contactday", name=NAME),
                migrations.AddIndex(model_name="contactday", index=PLAIN),
            ],
            database_operations=[
                migrations.RunPython(
                    _swap(COVERING, PLAIN, "(tenant_id, account_id, day)"),
                    _swap(PLAIN, COVERING, "(tenant_id, account_id, day) INCLUDE (contact_id, usage_events)"),
                )
            ],
        )
    ]
