"""Fingerprints of B's rows, references into B, B's text copied elsewhere, and the privilege state."""

from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from accounts.models import Membership, User
from accounts.tenancy import is_tenant_owned
from tests.isolation.canaries import PREFIX, is_text_field
from tests.isolation.models import all_models, classify, history_scope, rows_of_tenant


def fingerprint_diff(before: dict, after: dict) -> list[str]:
    out = [f"changed {k[0]} pk={k[1]}" for k in before if k in after and before[k] != after[k]]
    out += [f"deleted {k[0]} pk={k[1]}" for k in before if k not in after]
    out += [f"added {k[0]} pk={k[1]}" for k in after if k not in before]
    return out


def _ids(model, tenant_id, user_ids) -> list:
    qs = rows_of_tenant(model, tenant_id, user_ids)
    return [] if qs is None else list(qs.values_list("pk", flat=True))


def canaries_outside(tenant_id: int, user_ids: list[int]) -> list[str]:
    """Text fields of rows that are not the tenant's but hold a B canary (B's data copied elsewhere)."""
    problems = []
    for model in all_models():
        fields = [f for f in model._meta.concrete_fields if is_text_field(f)]
        if not fields:
            continue
        theirs = rows_of_tenant(model, tenant_id, user_ids)
        for f in fields:
            qs = model._base_manager.filter(**{f"{f.name}__icontains": PREFIX})
            if theirs is not None:
                qs = qs.exclude(pk__in=theirs.values("pk"))
            for pk in qs.values_list("pk", flat=True)[:5]:
                problems.append(f"{model._meta.label} pk={pk}.{f.name} holds a B canary")
    return problems


def privilege_diff(before: dict, after: dict, *, acting_tenant_id: int, may_set_roles: bool) -> list[str]:
    """Privilege changes a request made: user flags, memberships, rows moving or created elsewhere."""
    out = []
    for pk, flags in after["users"].items():
        old = before["users"].get(pk)
        if old is None and any(flags):
            out.append(f"new user {pk} with is_staff/is_superuser={flags}")
        elif old is not None and tuple(old) != tuple(flags):
            out.append(f"user {pk} is_staff/is_superuser {tuple(old)} -> {tuple(flags)}")
    for pk, (tenant, user, role) in after["memberships"].items():
        old = before["memberships"].get(pk)
        if old is None:
            out.append(f"new membership {pk} (tenant {tenant}, user {user}, role {role})")
        elif old[:2] != (tenant, user):
            out.append(f"membership {pk} moved {old[:2]} -> {(tenant, user)}")
        elif old[2] != role and (not may_set_roles or tenant != acting_tenant_id):
            out.append(f"membership {pk} role {old[2]} -> {role}")
    for key, tenant in after["owners"].items():
        old = before["owners"].get(key)
        if old is None and tenant != acting_tenant_id:
            out.append(f"new {key[0]} pk={key[1]} created in tenant {tenant}")
        elif old is not None and old != tenant:
            out.append(f"{key[0]} pk={key[1]} moved from tenant {old} to {tenant}")
    return out


# --- the same checks, compiled once to SQL: run after every probe --------------------------------


def _sql(qs) -> tuple[str, tuple]:
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params)


def _run(sql: str, params: tuple) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class StateChecks:
    """Fingerprint of B, references into B and the privilege state, as precompiled SQL.

    The walks run these after every request (inside its savepoint), so they must be cheap: the
    querysets are built once and only their SQL is executed afterwards.
    """

    def __init__(
        self,
        tenant_id: int,
        user_ids: list[int],
        ignore: frozenset = frozenset(),
        *,
        full: bool = True,
        skip_models: frozenset = frozenset(),
    ):
        self.prints = []
        for model in all_models():
            qs = rows_of_tenant(model, tenant_id, user_ids)
            if qs is None or model._meta.label in skip_models:
                continue
            names = [f.attname for f in model._meta.concrete_fields if (model._meta.label, f.attname) not in ignore]
            pk_at = names.index(model._meta.pk.attname)
            self.prints.append((model._meta.label, pk_at, _sql(qs.order_by().values_list(*names))))
        self.refs, self.owners = [], []
        if full:
            self._compile_references(tenant_id, user_ids)

    def _compile_references(self, tenant_id, user_ids):
        ids_of: dict = {}

        def ids(model):
            if model not in ids_of:
                ids_of[model] = _ids(model, tenant_id, user_ids)
            return ids_of[model]

        for model in all_models():
            kind = classify(model)
            if not (kind == "tenant_owned" or (kind == "history" and history_scope(model) == "tenant_id")):
                continue
            for f in [*model._meta.concrete_fields, *model._meta.many_to_many]:
                if not f.is_relation or f.name == "tenant" or f.related_model is None:
                    continue
                targets = ids(f.related_model)
                if not targets:
                    continue
                lookup = f"{f.name}__in" if f.many_to_many else f"{f.attname}__in"
                qs = model._base_manager.filter(**{lookup: targets}).exclude(tenant_id=tenant_id)
                self.refs.append((f"{model._meta.label}.{f.name}", _sql(qs.values_list("pk")[:5])))
        for model in all_models():
            if is_tenant_owned(model):
                object_ids = [str(pk) for pk in ids(model)]
                if not object_ids:
                    continue
                qs = LogEntry.objects.filter(
                    content_type=ContentType.objects.get_for_model(model), object_id__in=object_ids
                ).exclude(user_id__in=user_ids)
                self.refs.append((f"admin.LogEntry about {model._meta.label}", _sql(qs.values_list("pk")[:5])))
        self.owners = [
            (model._meta.label, _sql(model._base_manager.order_by().values_list("pk", "tenant_id")))
            for model in all_models()
            if is_tenant_owned(model)
        ]
        self.users = _sql(User._base_manager.order_by().values_list("pk", "is_staff", "is_superuser"))
        self.memberships = _sql(Membership._base_manager.order_by().values_list("pk", "tenant_id", "user_id", "role"))

    def fingerprint(self) -> dict:
        return {(label, row[pk_at]): row for label, pk_at, sql in self.prints for row in _run(*sql)}

    def references(self) -> list[str]:
        return [f"{where} pk={row[0]} points into B" for where, sql in self.refs for row in _run(*sql)]

    def privileges(self) -> dict:
        return {
            "users": {pk: tuple(map(bool, flags)) for pk, *flags in _run(*self.users)},
            "memberships": {pk: (t, u, r) for pk, t, u, r in _run(*self.memberships)},
            "owners": {(label, pk): t for label, sql in self.owners for pk, t in _run(*sql)},
        }
