"""Replacing an index on a busy table (a helper for migrations; the loader skips ``_`` modules).

On PostgreSQL the new index is built CONCURRENTLY under a temporary name before the old one is
dropped (CONCURRENTLY too), so writers are never blocked and queries keep an index throughout;
then it takes its own name. Each step tolerates a run that stopped half-way, so the migration can
simply be run again. Elsewhere (SQLite) it is an ordinary drop and create. The migration using it
must be non-atomic: CREATE and DROP INDEX CONCURRENTLY can't run in a transaction.
"""

from django.db import migrations, models


def _swap(model_name: str, old: models.Index, new: models.Index):
    def apply(apps, schema_editor):
        model = apps.get_model("indicators", model_name)
        postgresql = schema_editor.connection.vendor == "postgresql"

        def drop(name):
            how = "CONCURRENTLY IF EXISTS" if postgresql else "IF EXISTS"
            schema_editor.execute(f"DROP INDEX {how} {schema_editor.quote_name(name)}")

        if not postgresql:
            drop(old.name)
            drop(new.name)
            schema_editor.add_index(model, new)
            return
        building = new.clone()
        building.name = f"{new.name}_next"
        drop(building.name)
        if new.name != old.name:
            drop(new.name)  # left by a run that stopped after its rename
        schema_editor.add_index(model, building, concurrently=True)
        drop(old.name)
        schema_editor.rename_index(model, building, new)

    return apply


def index_swap(model_name: str, old: models.Index, new: models.Index):
    """The operation replacing ``old`` by ``new`` on ``model_name``, both ways."""
    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.RemoveIndex(model_name=model_name.lower(), name=old.name),
            migrations.AddIndex(model_name=model_name.lower(), index=new),
        ],
        database_operations=[migrations.RunPython(_swap(model_name, old, new), _swap(model_name, new, old))],
    )
