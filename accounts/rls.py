"""Row-level security at run time: every transaction tells PostgreSQL whose rows it may see.

The application's own scoping (``for_tenant``) stays the rule; this is the backstop behind it. On
PostgreSQL with ``DATABASE_RLS_ROLE`` set, each connection acts as that role, which owns nothing
and is subject to the policies ``accounts/rls_schema.py`` puts on every tenant-owned table. Before
the first statement of each transaction, and again whenever the scope changes within one, the
connection says which scope it acts in, with settings local to the transaction (so a connection
pooler in transaction mode never carries one transaction's scope into the next):

- a tenant: ``app.tenant_id`` is its id, and only its rows are visible or writable;
- nobody (``DENY``): ``app.tenant_id`` is empty, and no tenant-owned row is visible;
- the operator (``OPERATOR``): the transaction switches to the named bypass role
  ``RLS_OPERATOR_ROLE``, for paths that cross tenants by design.

The scope lives in a context variable. The three doors set it: a request starts as ``DENY`` and
becomes its tenant's once the caller is known (``accounts.middleware``, the API key
authentication); a tenant task runs in its tenant's (``accounts.background``); periodic sweeps and
management commands, which cross tenants by design, run as the operator, which is also the scope
outside any door. Looking up who a caller is (a session's memberships, an API key, a signed
link) crosses tenants by nature and is done in ``operator_scope()``.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

RLS_OPERATOR_ROLE = "csplatform_operator"
TENANT_SETTING = "app.tenant_id"


class _Operator:
    def __repr__(self) -> str:
        return "OPERATOR"


class _Deny:
    def __repr__(self) -> str:
        return "DENY"


OPERATOR = _Operator()
DENY = _Deny()
Scope = int | _Operator | _Deny

_scope: contextvars.ContextVar[Scope] = contextvars.ContextVar("rls_scope", default=OPERATOR)


def current_scope() -> Scope:
    return _scope.get()


def scope_enter(scope: Scope) -> contextvars.Token:
    """Set the scope until ``scope_leave(token)``; a door that cannot use a ``with`` block uses these."""
    return _scope.set(scope)


def scope_leave(token: contextvars.Token) -> None:
    _scope.reset(token)


@contextmanager
def tenant_scope(tenant) -> Iterator[None]:
    token = _scope.set(int(getattr(tenant, "pk", tenant)))
    try:
        yield
    finally:
        _scope.reset(token)


@contextmanager
def operator_scope() -> Iterator[None]:
    """Cross tenants on purpose: who a caller is, periodic sweeps, operator commands."""
    token = _scope.set(OPERATOR)
    try:
        yield
    finally:
        _scope.reset(token)


def finds_its_tenant(view):
    """A public view reached by a signed link: the link names its row, whatever the tenant, so the
    view looks it up as the operator (the signature, checked first, is what admits the caller)."""

    @functools.wraps(view)
    def door(*args, **kwargs):
        with operator_scope():
            return view(*args, **kwargs)

    return door


def app_role() -> str:
    """The application's role: its grants are kept by every ``migrate``, whether or not it is acted as."""
    return getattr(settings, "DATABASE_RLS_ROLE", "") or ""


def on_connection_created(sender, connection, **kwargs) -> None:
    """Act as the application role, and scope every transaction, when row-level security is on."""
    role = app_role()
    if connection.vendor != "postgresql" or not role or not getattr(settings, "DATABASE_RLS", False):
        if _scoped in connection.execute_wrappers:  # turned off since this alias last connected
            connection.execute_wrappers.remove(_scoped)
        return
    with connection.connection.cursor() as cursor:
        cursor.execute("SELECT set_config('role', %s, false)", [role])
    connection._rls_role = role
    connection._rls_applied = None
    if _scoped not in connection.execute_wrappers:
        connection.execute_wrappers.append(_scoped)


def _scoped(execute, sql, params, many, context):
    """Run the statement in a transaction that carries the current scope."""
    connection = context["connection"]
    raw = connection.connection
    scope = _scope.get()
    idle = raw.info.transaction_status == 0  # psycopg.pq.TransactionStatus.IDLE: no transaction open
    if idle and connection.get_autocommit():
        # A statement outside any transaction block gets its own, so the scope can be local to it.
        raw.execute("BEGIN")
        _apply(connection, scope)
        try:
            result = execute(sql, params, many, context)
        except BaseException:
            raw.execute("ROLLBACK")
            raise
        raw.execute("COMMIT")
        connection._rls_applied = None
        return result
    if idle or connection._rls_applied != scope:
        _apply(connection, scope)
    return execute(sql, params, many, context)


def _apply(connection, scope: Scope) -> None:
    role = RLS_OPERATOR_ROLE if scope is OPERATOR else connection._rls_role
    tenant = str(scope) if isinstance(scope, int) else ""
    connection.connection.execute(
        "SELECT set_config('role', %s, true), set_config(%s, %s, true)", [role, TENANT_SETTING, tenant]
    )
    connection._rls_applied = scope
