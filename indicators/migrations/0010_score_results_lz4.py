"""Scores' JSON compressed with lz4 instead of pglz, on PostgreSQL servers built with it.

A score's result and values (about 1.7 and 1.3 KB of text) make its row wider than the 2 KB at which
PostgreSQL compresses values in place; pglz cost a quarter of the time of inserting a chunk of 500
scores (31 -> 23 ms with lz4). Only values written from now on are affected; older ones stay readable.
"""

from django.db import migrations

COLUMNS = {"indicators_healthscore": ["result", "values"], "indicators_healthscorehistory": ["result"]}


def _compression_set(method: str):
    def apply(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
            row = cursor.fetchone()
            if not row or method not in row[0]:
                return  # a server built without lz4 keeps pglz
            for table, columns in COLUMNS.items():
                changes = ", ".join(f'ALTER COLUMN "{column}" SET COMPRESSION {method}' for column in columns)
                cursor.execute(f"ALTER TABLE {table} {changes}")

    return apply


class Migration(migrations.Migration):
    dependencies = [("indicators", "0009_contact_usage_days_fill")]

    operations = [migrations.RunPython(_compression_set("lz4"), _compression_set("pglz"), elidable=True)]
