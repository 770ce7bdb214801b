"""The hot ingestion tables: no separate tenant index, and free space in the rollup tables' pages.

Every row written to these tables also wrote the single-column ``tenant_id`` index that Django
gives a foreign key; each table's unique constraint already leads with the tenant. The index is
dropped on its own (``DROP INDEX``, quick): letting Django alter the field would also drop and
re-add the foreign key, which checks every row of the events table under a lock.

The rollup rows are updated many times a day. With fillfactor 70 new pages keep 30% free, so an
update can put the new row version in the same page and skip every index (a HOT update).
PostgreSQL only: SQLite has no such setting. Existing pages keep their fill until the table is
rewritten (VACUUM FULL, or pg_repack without a long lock): only new pages get the free space.
"""

import django.db.models.deletion
from django.db import migrations, models

# (table, the index Django named for its tenant_id foreign key)
TENANT_INDEXES = [
    ("indicators_accountday", "indicators_accountday_tenant_id_4d555b12"),
    ("indicators_contactday", "indicators_contactday_tenant_id_61d86432"),
    ("indicators_event", "indicators_event_tenant_id_8b95a455"),
]
ROLLUP_TABLES = ("indicators_accountday", "indicators_contactday")


def fillfactor(percent: int):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in ROLLUP_TABLES:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {percent})")

    return apply


def tenant_field():
    return models.ForeignKey(
        db_index=False,
        editable=False,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="+",
        to="accounts.tenant",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_account_recompute_version"),
        ("indicators", "0005_event_nonusage_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model_name=model, name="tenant", field=tenant_field())
                for model in ("accountday", "contactday", "event")
            ],
            database_operations=[
                migrations.RunSQL(f"DROP INDEX IF EXISTS {index}", f"CREATE INDEX {index} ON {table} (tenant_id)")
                for table, index in TENANT_INDEXES
            ],
        ),
        migrations.RunPython(fillfactor(70), fillfactor(100)),
    ]
