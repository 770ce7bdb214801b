"""How the hot ingestion tables are stored: every index leads with the tenant, rollup pages keep room for updates."""

import pytest
from django.db import connection

from indicators.models import AccountDay, ContactDay, Event, EventMessage

pytestmark = pytest.mark.django_db
HOT_MODELS = [Event, EventMessage, AccountDay, ContactDay]


def index_columns(table: str) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name: c["columns"] for name, c in constraints.items() if c["index"] and not c["primary_key"]}


@pytest.mark.parametrize("model", HOT_MODELS, ids=lambda m: m.__name__)
def test_no_index_of_the_tenant_alone(model):
    indexes = index_columns(model._meta.db_table)
    assert ["tenant_id"] not in indexes.values()
    keys = [c.fields for c in model._meta.constraints] + [i.fields for i in model._meta.indexes]
    assert keys and all(fields[0] == "tenant" for fields in keys)  # these serve lookups by tenant


@pytest.mark.parametrize("model", [AccountDay, ContactDay], ids=lambda m: m.__name__)
@pytest.mark.postgres
def test_rollup_tables_leave_room_in_each_page_for_updates(model):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [model._meta.db_table])
        assert "fillfactor=70" in (cursor.fetchone()[0] or [])
