"""Replacing an index on a busy table (a helper for migrations; the loader skips ``_`` modules).

On PostgreSQL the new index is built CONCURRENTLY under a temporary name before the old one is
dropped (CONCURRENTLY too), so writers are never blocked and queries keep an index throughout;
then it takes its own name. Elsewhere (SQLite) it is an ordinary drop and create. The migration
using it must be non-atomic: CREATE and DROP INDEX CONCURRENTLY can't run in a transaction.
"""

from django.db import migrations, models


def _swap(model_name: str, old: models.Index, new: models.Index, definition: str):
    def apply(apps, schema_editor):
        model = apps.get_model("indicators", model_name)
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.remove_index(model, old)
            schema_editor.add_index(model, new)
            return
        table, building = model._meta.db_table, f"{new.name}_next"
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {building}")
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY {building} ON {table} {definition}")
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {old.name}")
        schema_editor.execute(f"ALTER INDEX {building} RENAME TO {new.name}")

    return apply


def index_swap(model_name: str, old: models.Index, new: models.Index, *, old_sql: str, new_sql: str):
    """The operation replacing ``old`` by ``new`` on ``model_name``; ``*_sql`` are their definitions
    after ``ON table`` (columns, INCLUDE, WHERE), for the way forwards and the way back."""
    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.RemoveIndex(model_name=model_name.lower(), name=old.name),
            migrations.AddIndex(model_name=model_name.lower(), index=new),
        ],
        database_operations=[
            migrations.RunPython(_swap(model_name, old, new, new_sql), _swap(model_name, new, old, old_sql))
        ],
    )
