"""Acting as tenant A, walk every API operation of the OpenAPI schema with tenant B's ids.

For every path x method of the schema and every principal of A (admin, CSM and viewer sessions,
a key with every scope, a read-only key):

- B's values in the path (``{id}`` is B's row id of the viewset's model, ``{external_id}`` its
  external id; any path parameter is filled from the model field of the same name) answer 404,
  exactly like a value that exists nowhere (403 only when the nonexistent value gets the same 403:
  see ``probe``'s rule). A PUT by external id may create A's own row: fine, as long as it is A's.
- Write bodies with B's id in each relation field of the serializer answer 400 with
  ``does_not_exist`` on that field; ``tenant`` and other privilege fields answer 400 naming them;
  B's text values (unique keys) answer like fresh values.
- List filters with B's ids or values answer like nonexistent ones, and list only A's rows.
- Nothing answers with a B canary, no B row changes, no row outside B references B.

An operation whose path parameters cannot be filled, a viewset without ``model``, a relation field
of an unknown kind or an API route missing from the schema fails the walk (coverage).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import resolve

from accounts.tenancy import is_tenant_owned
from tests.isolation import stats
from tests.isolation.api_bodies import (
    WRITE,
    Shape,
    Variant,
    context_for,
    relation_paths,
    schema_with_request_serializers,
    synthesize,
    with_value,
    writable,
)
from tests.isolation.canaries import fresh, fresh_fitting, fresh_for, is_text_field, tokens
from tests.isolation.fingerprint import canaries_outside, fingerprint_diff
from tests.isolation.inventory import api_routes
from tests.isolation.probe import NONEXISTENT_ID, SAFE, Walker

EXTRA_ROUTES = ["/api/schema/", "/api/docs/", "/api/redoc/"]
# Fields that decide who owns a row or what a caller may do. Sent in every write body, each must be
# rejected by name (400) unless the serializer declares it, which then needs an explicit test.
PRIVILEGE_FIELDS = ("tenant", "tenant_id", "is_staff", "is_superuser", "role", "user", "user_id")
RANGE_SUFFIXES = ("_after", "_before", "_min", "_max")


class CannotFill(Exception):
    pass


@dataclass
class Operation:
    path: str
    method: str
    spec: dict
    shape: Shape | None = None

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.path)

    @property
    def query_params(self) -> list[str]:
        return [p["name"] for p in self.spec.get("parameters", []) if p.get("in") == "query"]

    def resolve(self):
        match = resolve(re.sub(r"\{\w+\}", "1", self.path))
        return match, getattr(match.func, "cls", None)


TRACKING_PREFIX = "/v1/"  # the tracking API is in the schema too; test_ingest_walk.py walks it with messages


def schema_operations(iso) -> list[Operation]:
    schema, shapes = schema_with_request_serializers(iso.a.tenant)
    return [
        Operation(path, method.upper(), spec, shapes.get((path, method.upper())))
        for path, item in schema["paths"].items()
        if not path.startswith(TRACKING_PREFIX)
        for method, spec in item.items()
        if method.upper() in {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
    ]


def model_field(model, name: str):
    if name == "pk":
        return model._meta.pk
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return next((f for f in model._meta.concrete_fields if f.attname == name), None)


def fill_path(op: Operation, model, row) -> tuple[str, list]:
    """The path with each parameter taken from ``row`` (or a nonexistent value when row is None)."""
    path, values = op.path, []
    for name in op.path_params:
        f = model_field(model, name) if model is not None else None
        if f is None or not f.concrete:
            raise CannotFill(f"{op.label}: path parameter {{{name}}} names no field of {model}")
        if row is not None:
            value = getattr(row, f.attname)
        elif isinstance(f, models.IntegerField | models.AutoField | models.ForeignKey):
            value = NONEXISTENT_ID
        else:
            value = fresh()
        values.append(value)
        path = path.replace("{" + name + "}", str(value))
    return path, values


def serializer_context(iso):
    return context_for(iso.a.tenant)


def view_writable(view_cls, iso) -> dict:
    return writable(view_cls.serializer_class(context=serializer_context(iso)))


def fresh_unique_values(model, item: dict) -> dict:
    """Values for ``item`` that make a new row unique: a fresh text (fitting the field: a currency code is
    three letters) for each unique field and each text field of a unique constraint, and a fresh date in its
    date fields (account and term end, currency and day: a relation cannot be made up)."""
    fields = {f.name: f for f in model._meta.concrete_fields}
    values = {n: fresh("isoa") for n, f in fields.items() if f.unique and not f.primary_key and n in item}
    for constraint in model._meta.constraints:
        names = [n for n in getattr(constraint, "fields", ()) or () if n != "tenant" and n in item]
        texts = [n for n in names if isinstance(fields[n], models.CharField | models.TextField)]
        values.update({n: fresh_fitting(fields[n].max_length, "isoa") for n in texts})
        values.update({n: _fresh_date().isoformat() for n in names if isinstance(fields[n], models.DateField)})
    return values


_dates = itertools.count(1)


def _fresh_date() -> date:
    return date(2200, 1, 1) + timedelta(days=next(_dates))


def row_data(iso, view_cls, row) -> dict:
    try:
        return dict(view_cls.serializer_class(instance=row, context=serializer_context(iso)).data)
    except Exception:
        return {}


@dataclass
class Base:
    variant: Variant
    body: object  # a dict, or a list of one dict for list bodies
    item: dict


def base_bodies(walker, op, view_cls, model, a_row, own_path, own_values) -> list[Base]:
    """For each body variant, a body A's admin (or A's full key) gets a 2xx for, from A's own row."""
    iso, data = walker.iso, row_data(walker.iso, view_cls, a_row)
    path_values = dict(zip(op.path_params, own_values, strict=True))
    testers = [p for p in iso.api_principals() if p.name in {"admin", "key:all"}]
    bases = []
    for variant in op.shape.variants:
        candidates = []
        for mode in ("all", "full", "no_optional_relations", "required"):
            item = synthesize(variant.serializer, data, iso.a, mode=mode, avoid=a_row)
            if variant.discriminator:
                item[variant.discriminator] = variant.label
            if op.method == "POST":  # a new row: fresh values for its unique keys
                item.update(fresh_unique_values(model, item))
            for name, value in path_values.items():
                if name in writable(variant.serializer):
                    item[name] = value
            candidates.append(item)
        chosen, errors = None, []
        for item in candidates:
            body = [item] if op.shape.many else item
            for tester in testers:
                outcome = walker.send(tester, op.method, own_path, json_body=body)
                if outcome is not None and 200 <= outcome.status < 300:
                    chosen = item
                    break
                errors.append(outcome.errors() if outcome is not None else "error")
            if chosen is not None:
                break
        if chosen is None:
            label = f" ({variant.label})" if variant.label else ""
            walker.fail("probe_setup", "-", op.method, own_path, f"no valid base body{label}: {errors}")
            chosen = candidates[0]
        bases.append(Base(variant, [chosen] if op.shape.many else chosen, chosen))
    return bases


def probe_value(iso, kind: str, related):
    row = iso.b.row(related)
    return {"pk": row.pk, "external_id": getattr(row, "external_id", None)}.get(kind, getattr(row, "pk", None))


def as_query_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return "" if value is None else str(value)


def query_probe(iso, view_cls, model, name: str):
    """(kind, B's value, control value) for a list query parameter."""
    filterset = getattr(view_cls, "filterset_class", None)
    filters = filterset.base_filters if filterset else {}
    filt, ranged = filters.get(name), False
    if filt is None:
        for suffix in RANGE_SUFFIXES:
            if name.endswith(suffix) and name[: -len(suffix)] in filters:
                filt, ranged = filters[name[: -len(suffix)]], True
    mf = model_field(model, filt.field_name if filt is not None else name)
    row = iso.b.row(model)
    if mf is not None and mf.is_relation and mf.related_model is not None:
        value = getattr(row, mf.attname, None) or iso.b.row(mf.related_model).pk
        return "relation", value, NONEXISTENT_ID
    if mf is not None and is_text_field(mf) and not mf.choices and not ranged:
        return "text", getattr(row, mf.attname), fresh()
    if mf is not None and mf.concrete:
        return "value", as_query_value(getattr(row, mf.attname)), None
    # Not a model field (cursor, limit, ordering): B's canary as a garbage value.
    return "garbage", next(iter(iso.b.canaries.where)), fresh()


def owned_rows(walker, principal, url, outcome, model):
    """Every row in a 200 JSON answer (list, page or object) must be A's."""
    if outcome is None or outcome.status != 200 or not is_tenant_owned(model):
        return
    data = outcome.json
    items = data.get("results", [data]) if isinstance(data, dict) else data if isinstance(data, list) else []
    for item in items:
        if not isinstance(item, dict) or "id" not in item:
            continue
        if not model._base_manager.filter(pk=item["id"], tenant_id=walker.iso.a.tenant.pk).exists():
            walker.fail("foreign_row", principal.name, "GET", url, f"{model.__name__} {item['id']} is not A's")


def result_ids(outcome):
    data = outcome.json if outcome else None
    items = data.get("results", []) if isinstance(data, dict) else data if isinstance(data, list) else []
    return sorted(str(i.get("id")) for i in items if isinstance(i, dict))


# --- the walk ----------------------------------------------------------------------------------------


def write_body(iso, view_cls, model) -> dict:
    """New values for every writable text field: what a read must never apply."""
    fields = view_writable(view_cls, iso)
    out = {}
    for name in fields:
        f = model_field(model, name)
        if f is not None and is_text_field(f) and not f.choices:
            out[name] = fresh_for(f)
    return out


def walk_path(walker, principal, op, view_cls, model, a_row, body):
    """B's values in the path, against nonexistent values."""
    b_path, b_values = fill_path(op, model, walker.iso.b.row(model))
    ctl_path, ctl_values = fill_path(op, model, None)
    # Path fields (external_id) left out of the body: it must not contradict the path.
    bodies = [None, None]
    if op.method in WRITE and body is not None:
        for n in range(2):  # a PUT by B's id and by a new id each create a row: each its own unique values
            item = {k: v for k, v in body.item.items() if k not in op.path_params}
            if op.method == "PUT":
                item.update({k: v for k, v in fresh_unique_values(model, item).items() if k not in op.path_params})
            bodies[n] = [item] if op.shape.many else item
    probe = walker.send(principal, op.method, b_path, json_body=bodies[0])
    control = walker.send(principal, op.method, ctl_path, json_body=bodies[1])
    if not walker.compare(principal, op.method, b_path, probe, control, [*b_values, *ctl_values]):
        return
    allowed = {404, 403, 405} | ({200, 201} if op.method in {"PUT", "POST"} else set())
    if op.method == "OPTIONS":
        allowed.add(200)
    if probe.status not in allowed:
        walker.fail("not_404", principal.name, op.method, b_path, f"B's id answers {probe.status}, expected 404")
    if op.method in {"GET", "HEAD"}:
        own_path, _ = fill_path(op, model, a_row)
        owned_rows(walker, principal, own_path, walker.send(principal, op.method, own_path), model)
        # A read with a write body must not write (the walker compares A's fingerprint).
        walker.send(principal, op.method, own_path, json_body=write_body(walker.iso, view_cls, model))


def errors_name(outcome, code: str | None, path: str) -> bool:
    """The error list names ``path`` (a bulk body prefixes it with the item's index)."""
    return any(
        (code is None or c == code) and attr is not None and (attr == path or attr.endswith("." + path))
        for c, attr in outcome.errors()
    )


def walk_body(walker, principal, op, model, bases: list[Base], own_path):
    """B's ids in each relation (nested ones and *_external_id too), privilege fields, B's text values."""
    iso, many = walker.iso, op.shape.many
    seen_paths = set()
    for index, base in enumerate(bases):
        sanity = walker.send(principal, op.method, own_path, json_body=base.body)
        if sanity is None:
            continue
        for path, kind, related in relation_paths(base.variant.serializer, model):
            if path in seen_paths:
                continue  # the same relation in another body variant
            seen_paths.add(path)
            dotted = ".".join(path)
            if related is None or not iso.b.has_row(related):
                walker.fail("coverage", "-", op.method, own_path, f"{dotted}: no B row of {related} to put there")
                continue
            b_value = probe_value(iso, kind, related)
            ctl_value = NONEXISTENT_ID if kind == "pk" else fresh()
            b_body = with_value(base.body, path, b_value, many=many)
            probe = walker.send(principal, op.method, own_path, json_body=b_body)
            ctl_body = with_value(base.body, path, ctl_value, many=many)
            control = walker.send(principal, op.method, own_path, json_body=ctl_body)
            label = f"{own_path} [{dotted}=B]"
            if not walker.compare(principal, op.method, label, probe, control, [b_value, ctl_value]):
                continue
            if probe.status == 400:
                if not errors_name(probe, "does_not_exist", dotted):
                    walker.fail("accepted_b", principal.name, op.method, label, f"errors: {probe.errors()}")
            elif not (probe.status == 403 and sanity.status == 403):
                walker.fail("accepted_b", principal.name, op.method, label, f"B's id answers {probe.status}")
        if index:
            continue  # privilege fields and text values are top-level: the first variant tells
        privileged = {name: value for name, value in privilege_values(iso).items()}
        declared = sorted(set(privileged) & set(writable(base.variant.serializer)))
        if declared:
            walker.fail("coverage", "-", op.method, own_path, f"privilege fields {declared} are writable here")
        item = {**base.item, **{k: v for k, v in privileged.items() if k not in declared}}
        probe = walker.send(principal, op.method, own_path, json_body=[item] if many else item)
        if probe is not None:
            missing = [name for name in privileged if name not in declared and not errors_name(probe, None, name)]
            refused_by_role = probe.status in {403, 405} and probe.status == sanity.status
            if (probe.status != 400 or missing) and not refused_by_role:
                detail = f"answers {probe.status}; not named in the errors: {missing} ({probe.errors()})"
                walker.fail("privilege", principal.name, op.method, own_path, detail)
        walk_text_values(walker, principal, op, model, base, own_path)


def privilege_values(iso) -> dict:
    b = iso.b
    return {
        "tenant": b.tenant.pk,
        "tenant_id": b.tenant.pk,
        "is_staff": True,
        "is_superuser": True,
        "role": "admin",
        "user": b.users["admin"].pk,
        "user_id": b.users["admin"].pk,
    }


def walk_text_values(walker, principal, op, model, base: Base, own_path) -> None:
    """B's text values (unique keys included) must answer like values nobody holds."""
    b_row = walker.iso.b.row(model)
    texts = {}
    for name in writable(base.variant.serializer):
        f = model_field(model, name)
        if f is None or not is_text_field(f) or name in op.path_params:
            continue
        if tokens(str(getattr(b_row, f.attname, "") or "")):
            texts[name] = f
    if not texts:
        return
    b_item = {**base.item, **{n: getattr(b_row, f.attname) for n, f in texts.items()}}
    ctl_item = {**base.item, **{n: fresh_for(f) for n, f in texts.items()}}
    many = op.shape.many
    probe = walker.send(principal, op.method, own_path, json_body=[b_item] if many else b_item)
    control = walker.send(principal, op.method, own_path, json_body=[ctl_item] if many else ctl_item)
    values = [*b_item.values(), *ctl_item.values()]
    walker.compare(principal, op.method, f"{own_path} [B's text values]", probe, control, values)


def walk_list(walker, principal, op, view_cls, model):
    path = op.path
    listed = walker.send(principal, "GET", path)
    owned_rows(walker, principal, path, listed, model)
    refused_by_role = listed is not None and listed.status == 403  # the whole list is not this principal's to read
    walker.send(principal, "GET", path, json_body=write_body(walker.iso, view_cls, model))
    relation_probe, relation_control = {}, {}
    for name in op.query_params:
        kind, b_value, ctl_value = query_probe(walker.iso, view_cls, model, name)
        probe = walker.send(principal, "GET", path, query={name: b_value})
        owned_rows(walker, principal, f"{path}?{name}=B", probe, model)
        if probe is None:
            continue
        if kind == "value":
            if probe.status not in {200, 400} and not (refused_by_role and probe.status == 403):
                walker.fail("unexpected", principal.name, "GET", f"{path}?{name}=B", f"answers {probe.status}")
            continue
        control = walker.send(principal, "GET", path, query={name: ctl_value})
        if not walker.compare(principal, "GET", f"{path}?{name}=B", probe, control, [b_value, ctl_value]):
            continue
        if kind in {"relation", "text"} and result_ids(probe) != result_ids(control):
            walker.fail(
                "enumeration", principal.name, "GET", f"{path}?{name}=B", "results differ from a nonexistent value"
            )
        if kind == "relation":
            relation_probe[name], relation_control[name] = b_value, ctl_value
    if relation_probe:
        probe = walker.send(principal, "GET", path, query=relation_probe)
        control = walker.send(principal, "GET", path, query=relation_control)
        walker.compare(principal, "GET", f"{path}?<all relations>=B", probe, control, [])
        owned_rows(walker, principal, path, probe, model)


@pytest.mark.django_db
def test_api_walk(iso):
    walker = Walker(iso, "api")
    operations = schema_operations(iso)
    assert operations, "the OpenAPI schema lists no operation"
    principals = iso.api_principals()
    paths = {}
    for op in operations:
        paths.setdefault(op.path, set()).add(op.method)
    stats.STATS["api_schema"] = {"operations": len(operations), "paths": len(paths), "principals": len(principals)}
    # HEAD and OPTIONS are served for every path too: walk them with B's ids as well.
    extra = [Operation(p, "OPTIONS", {}) for p in paths]
    extra += [Operation(p, "HEAD", {}) for p in paths if "GET" in paths[p]]
    for op in [*operations, *extra]:
        _, view_cls = op.resolve()
        model = getattr(view_cls, "model", None)
        if model is None or not hasattr(view_cls, "serializer_class"):
            walker.fail("coverage", "-", op.method, op.path, f"{view_cls} has no model/serializer_class to fill from")
            continue
        if model._meta.label not in iso.b.main:
            walker.fail("coverage", "-", op.method, op.path, f"tenant B has no {model.__name__} row (add a builder)")
            continue
        if op.method in WRITE and op.shape is None:
            walker.fail("coverage", "-", op.method, op.path, "no request serializer to build bodies from")
            continue
        a_row = iso.a.row(model)
        try:
            own_path, own_values = fill_path(op, model, a_row)
            fill_path(op, model, None)
        except CannotFill as exc:
            walker.fail("coverage", "-", op.method, op.path, str(exc))
            continue
        bases = base_bodies(walker, op, view_cls, model, a_row, own_path, own_values) if op.method in WRITE else []
        for principal in principals:
            if op.path_params:
                walk_path(walker, principal, op, view_cls, model, a_row, bases[0] if bases else None)
            elif op.method == "GET":
                walk_list(walker, principal, op, view_cls, model)
            elif op.method in SAFE:
                owned_rows(walker, principal, op.path, walker.send(principal, op.method, op.path), model)
                walker.send(principal, op.method, op.path, json_body=write_body(iso, view_cls, model))
            if op.method in WRITE:
                walk_body(walker, principal, op, model, bases, own_path)
    for path in EXTRA_ROUTES:
        for principal in principals:
            walker.send(principal, "GET", path)

    # Coverage: every API route x method of the URLconf was walked (so it is in the schema).
    for route, method in sorted(set(api_routes()) - walker.routes_hit):
        walker.fail("coverage", "-", method, route, "API route not walked: missing from the OpenAPI schema?")
    # After the whole walk: B unchanged, nothing outside B points at B or holds B's text.
    b = iso.b
    for change in fingerprint_diff(walker.b_print, walker.state.fingerprint()):
        walker.fail("b_changed", "-", "-", "-", change)
    for problem in walker.state.references() + canaries_outside(b.tenant.pk, b.user_ids):
        walker.fail("cross_ref", "-", "-", "-", problem)
    report = walker.report()
    assert not walker.failures, report
