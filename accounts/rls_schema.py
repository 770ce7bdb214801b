"""Row-level security in the schema: the roles, their grants and a policy on every tenant-owned table.

Applied after every ``migrate`` on PostgreSQL (``post_migrate``), so a table a later migration adds
is covered the moment it exists; every statement is idempotent. Two roles:

- ``RLS_OPERATOR_ROLE`` (no login, ``BYPASSRLS``) owns every table and sequence: the named role
  that operator paths switch to for a transaction, and what migrations and partition upkeep act as;
- the application's role (``DATABASE_RLS_ROLE``, a login role created by the operator with its
  password) owns nothing: it may read and write rows, each table's policy deciding which, and may
  switch to the operator role by name only (``NOINHERIT``: it gets none of its rights otherwise).

A tenant-owned table is any table with a ``tenant_id`` column: row-level security is enabled and
forced on it (forced: the owner is held to it too, only ``BYPASSRLS`` is not), with one policy
``tenant_isolation``: a row is visible and writable when its tenant is ``app.tenant_id``.
"""

from __future__ import annotations

import logging

from django.db import connection as default_connection

from accounts.rls import RLS_OPERATOR_ROLE, TENANT_SETTING, app_role

logger = logging.getLogger(__name__)

POLICY = "tenant_isolation"
CONDITION = f"tenant_id = NULLIF(current_setting('{TENANT_SETTING}', true), '')::bigint"


def tenant_tables(cursor) -> list[str]:
    """Every table of the schema with a ``tenant_id`` column (partitions are reached through their parent)."""
    cursor.execute(
        "SELECT c.relname FROM pg_class AS c JOIN pg_attribute AS a ON a.attrelid = c.oid "
        "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
        "AND a.attname = 'tenant_id' AND NOT a.attisdropped ORDER BY 1"
    )
    return [name for (name,) in cursor.fetchall()]


def rls_schema_apply(*, using=None) -> list[str]:
    """Create the roles if missing, grant, and secure every tenant-owned table; return those tables."""
    connection = using or default_connection
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        _roles(cursor)
        tables = tenant_tables(cursor)
        for table in _unsecured(cursor, tables):
            table_secure(cursor, table)
        _ownership_and_grants(cursor)
    return tables


def table_secure(cursor, table: str) -> None:
    """Row-level security enabled and forced on ``table``, under the one tenant policy."""
    cursor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    cursor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    cursor.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
    cursor.execute(f"CREATE POLICY {POLICY} ON {table} USING ({CONDITION}) WITH CHECK ({CONDITION})")


def _unsecured(cursor, tables: list[str]) -> list[str]:
    """The tables among ``tables`` without row-level security enabled and forced, or without the policy."""
    cursor.execute(
        "SELECT c.relname FROM pg_class AS c WHERE c.relname = ANY(%s) "
        "AND c.relnamespace = current_schema()::regnamespace AND c.relrowsecurity AND c.relforcerowsecurity "
        "AND EXISTS (SELECT FROM pg_policy AS p WHERE p.polrelid = c.oid AND p.polname = %s)",
        [tables, POLICY],
    )
    secured = {name for (name,) in cursor.fetchall()}
    return [t for t in tables if t not in secured]


# Roles belong to the whole server, and several databases may be migrated at once (parallel test
# databases): a role another migration created meanwhile is not an error.
CREATE_ROLE = """
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN CREATE ROLE {name} {options}; END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$
"""
GRANT_MEMBERSHIP = """
DO $$ BEGIN
  IF NOT pg_has_role('{member}', '{role}', 'MEMBER') THEN GRANT {role} TO {member}; END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$
"""


def _roles(cursor) -> None:
    cursor.execute(CREATE_ROLE.format(name=RLS_OPERATOR_ROLE, options="NOLOGIN BYPASSRLS"))
    role = app_role()
    if role:
        # No password: the operator sets one (ALTER ROLE ... PASSWORD) for a login over the network.
        cursor.execute(CREATE_ROLE.format(name=role, options="LOGIN NOINHERIT"))
        cursor.execute(GRANT_MEMBERSHIP.format(member=role, role=RLS_OPERATOR_ROLE))


def _ownership_and_grants(cursor) -> None:
    """The operator role owns the tables (so it can run migrations and partition upkeep), the
    application role may use the rows."""
    cursor.execute("SELECT current_user, current_schema()")
    me, schema = cursor.fetchone()
    cursor.execute(f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {RLS_OPERATOR_ROLE}")
    cursor.execute(
        "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND pg_get_userbyid(c.relowner) <> %s",
        [RLS_OPERATOR_ROLE],
    )
    for (table,) in cursor.fetchall():
        cursor.execute(f"ALTER TABLE {table} OWNER TO {RLS_OPERATOR_ROLE}")  # its sequences move with it
    role = app_role()
    if not role:
        return
    cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
    cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}")
    cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}")
    for owner in {me, RLS_OPERATOR_ROLE}:  # tables a later migration or partition upkeep creates
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}"
        )
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
            f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}"
        )


def on_post_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections

    if sender.name != "accounts":  # once per migrate: accounts' signal comes with every run
        return
    rls_schema_apply(using=connections[using])
