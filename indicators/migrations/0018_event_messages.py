"""Events are de-duplicated by ``EventMessage``, not by a unique index on the events table.

The recent message ids (the default window, 30 days) are copied over before the index goes, so a
retry of an event stored before this migration is still recognised. Ingestion may run meanwhile:
it claims ids in the new table, and the copy skips the ones it claimed.
"""

from datetime import timedelta

import django.db.models.deletion
import django.db.models.manager
from django.db import migrations, models


WINDOW = timedelta(days=30)  # TENANT_SETTING_DEFAULTS["event_dedup_days"] when this was written

COPY = """
INSERT INTO indicators_eventmessage (tenant_id, message_id, event_id, received_at)
SELECT tenant_id, message_id, id, received_at FROM indicators_event WHERE received_at >= %s
ON CONFLICT (tenant_id, message_id) DO NOTHING
"""


def copy_recent_message_ids(apps, schema_editor):
    from django.utils import timezone

    cutoff = schema_editor.connection.ops.adapt_datetimefield_value(timezone.now() - WINDOW)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(COPY, [cutoff])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0011_account_custom_attributes'),
        ('indicators', '0017_history_values'),
    ]

    operations = [
        migrations.CreateModel(
            name='EventMessage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('message_id', models.CharField(max_length=191)),
                ('event_id', models.BigIntegerField()),
                ('received_at', models.DateTimeField()),
            ],
            options={
                'abstract': False,
                'base_manager_name': 'unscoped',
                'default_manager_name': 'unscoped',
            },
            managers=[
                ('unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.AddField(
            model_name='eventmessage',
            name='tenant',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.tenant'),
        ),
        migrations.AddIndex(
            model_name='eventmessage',
            index=models.Index(fields=['tenant', 'received_at'], name='eventmessage_tenant_time'),
        ),
        migrations.AddConstraint(
            model_name='eventmessage',
            constraint=models.UniqueConstraint(fields=('tenant', 'message_id'), name='eventmessage_unique'),
        ),
        migrations.RunPython(copy_recent_message_ids, migrations.RunPython.noop, elidable=True),
        migrations.RemoveConstraint(
            model_name='event',
            name='event_unique_message_id',
        ),
    ]
