"""Migrations that replace an index on a busy table (``_index_swap``) work both ways, on either database."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from accounts.rls_schema import rls_schema_apply
from indicators.partitions import maintenance, online


def indexes(table: str) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {name: info["columns"] for name, info in found.items() if info["index"] and not info["unique"]}


@pytest.mark.django_db(transaction=True)
def test_the_pending_events_index_is_replaced_and_put_back(as_the_tables_owner):
    operation = import_module("indicators.migrations.0012_event_pending_by_anonymous_id").Migration.operations[0]
    run = operation.database_operations[0]
    partitioned = connection.vendor == "postgresql" and maintenance.is_partitioned()
    if partitioned:  # 0012 ran on the plain table 0019 later partitions (no CONCURRENTLY on a partitioned one)
        online.to_plain()
    try:
        with connection.schema_editor(atomic=False) as editor:
            run.reverse_code(apps, editor)
        found = indexes("indicators_event")
        assert found["event_tenant_unattributed"] == ["tenant_id", "user_id"] and "event_tenant_pending" not in found
    finally:
        for _ in range(2):  # and again, as after a run that stopped before it was recorded
            with connection.schema_editor(atomic=False) as editor:
                run.code(apps, editor)
    found = indexes("indicators_event")
    if partitioned:
        online.to_partitioned()
        rls_schema_apply()  # as migrate's post_migrate does: the new table's owner, grants and policy
    assert found["event_tenant_pending"] == ["tenant_id", "user_id", "anonymous_id"]
    assert "event_tenant_unattributed" not in found and "event_tenant_pending_next" not in found
