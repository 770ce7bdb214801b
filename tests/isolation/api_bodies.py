"""Request bodies for the API walk, built from each operation's own request serializer.

The serializer comes from drf-spectacular (what the schema documents: ``@extend_schema(request=...)``
included), so actions with their own bodies, polymorphic bodies (one serializer per ``type``) and
list bodies (bulk endpoints) are handled like plain ones. A base body is made from tenant A's row
(its representation), filling required fields the row does not give; the walk then checks that
A's admin gets a 2xx for it, so each probe that changes one field tests only that field.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from unittest import mock

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from tests.isolation.canaries import fresh

WRITE = {"POST", "PUT", "PATCH"}


@dataclass
class Variant:
    label: str  # "" or the polymorphic discriminator value
    serializer: serializers.Serializer
    discriminator: str | None = None


@dataclass
class Shape:
    many: bool
    variants: list[Variant]


def context_for(tenant) -> dict:
    return {"tenant": tenant, "request": Request(APIRequestFactory().get("/")), "preloaded": {}}


def schema_with_request_serializers(tenant) -> tuple[dict, dict]:
    """The OpenAPI schema, and (path, METHOD) -> Shape of each write operation's request body."""
    captured = {}
    original = AutoSchema.get_operation

    def capture(self, path, path_regex, path_prefix, method, registry):
        operation = original(self, path, path_regex, path_prefix, method, registry)
        if operation is not None and method.upper() in WRITE:
            captured[(path, method.upper())] = self.get_request_serializer()
        return operation

    with mock.patch.object(AutoSchema, "get_operation", capture):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    shapes = {key: shape_of(ser, tenant) for key, ser in captured.items()}
    return schema, shapes


def shape_of(ser, tenant) -> Shape | None:
    many = False
    if isinstance(ser, serializers.ListSerializer):
        many, ser = True, ser.child
    if isinstance(ser, type) and issubclass(ser, serializers.BaseSerializer):
        ser = ser(context=context_for(tenant))
    if isinstance(ser, PolymorphicProxySerializer):
        many = many or getattr(ser, "many", False)
        members = ser.serializers
        items = members.items() if isinstance(members, dict) else ((None, m) for m in members)
        variants = []
        for label, member in items:
            instance = member(context=context_for(tenant)) if isinstance(member, type) else member
            variants.append(Variant(str(label or ""), instance, ser.resource_type_field_name))
        return Shape(many, variants)
    if isinstance(ser, serializers.Serializer):
        ser._context = {**context_for(tenant), **getattr(ser, "_context", {})}
        return Shape(many, [Variant("", ser)])
    return None


def writable(serializer) -> dict:
    return {n: f for n, f in serializer.fields.items() if not f.read_only}


def is_relation(field) -> bool:
    return isinstance(field, serializers.RelatedField | serializers.ManyRelatedField)


def related_model(field, model=None):
    child = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
    found = getattr(child, "model", None)
    if found is None and getattr(child, "queryset", None) is not None:
        found = child.queryset.model
    if found is None and model is not None and field.source not in (None, "*"):
        try:
            found = model._meta.get_field(field.source).related_model
        except FieldDoesNotExist:
            found = None
    return found


def _ok(field, value) -> bool:
    try:
        field.run_validation(value)
    except Exception:
        return False
    return True


def default_for(field, world, avoid=None, mode: str = "required"):
    """A value A could send for ``field``: its own rows for relations, harmless values otherwise."""
    if isinstance(field, serializers.ManyRelatedField):
        return [default_for(field.child_relation, world, avoid, mode)]
    if isinstance(field, serializers.RelatedField):
        model = related_model(field)
        rows = world.rows.get(model._meta.label, []) if model is not None else []
        row = next((r for r in rows if r != avoid), rows[0] if rows else None)
        if row is None:
            return None
        return getattr(row, field.slug_field) if isinstance(field, serializers.SlugRelatedField) else row.pk
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        return []
    if isinstance(field, serializers.Serializer):
        return synthesize(field, {}, world, mode=mode, avoid=avoid)
    if isinstance(field, serializers.ChoiceField):
        return next(iter(field.choices))
    if isinstance(field, serializers.BooleanField):
        return False
    if isinstance(field, serializers.IntegerField):
        return max(1, field.min_value or 1)
    if isinstance(field, serializers.DecimalField | serializers.FloatField):
        return "1"
    if isinstance(field, serializers.DateTimeField):
        return timezone.now().isoformat()
    if isinstance(field, serializers.DateField):
        return date.today().isoformat()
    if isinstance(field, serializers.EmailField):
        return fresh("isoa") + "@alpha.example"
    if isinstance(field, serializers.CharField):
        return fresh("isoa")[: field.max_length or 200]
    if isinstance(field, serializers.JSONField | serializers.DictField):
        return {}
    return None


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def synthesize(serializer, row_data: dict, world, *, mode: str, avoid=None) -> dict:
    """A body for ``serializer``: A's row values where they validate, defaults for required fields.

    mode "all" keeps every writable value the row gives; "full" also fills the optional fields the
    row does not give (rules may tie them together: an amount unless the name is "escalation");
    "no_optional_relations" drops optional relations (they may be tied to the row, like an
    account's executive sponsor); "required" keeps only required fields.
    """
    body = {}
    fields = writable(serializer)
    for name, field in fields.items():
        if name.endswith("_external_id") and mode == "full" and name not in row_data:
            sibling = fields.get(name.removesuffix("_external_id"))
            target = related_model(sibling) if sibling is not None and is_relation(sibling) else None
            if target is not None and world.has_row(target):
                body[name] = getattr(world.row(target), "external_id", None)
                continue
        keep = mode in {"all", "full"} or (mode == "no_optional_relations" and not is_relation(field))
        keep = keep or field.required
        if name in row_data and keep:
            value = row_data[name]
            if isinstance(field, serializers.Serializer) and not isinstance(field, serializers.ListSerializer):
                value = synthesize(field, value if isinstance(value, dict) else {}, world, mode=mode, avoid=avoid)
            if _ok(field, value):
                body[name] = _jsonable(value)
                continue
        if field.required or mode == "full":
            body[name] = _jsonable(default_for(field, world, avoid, mode))
    return body


def relation_paths(serializer, model=None, prefix=()) -> Iterator[tuple[tuple, str, object]]:
    """(path in the body, kind "pk" | "slug" | "external_id", related model) of every relation, nested too."""
    fields = writable(serializer)
    for name, field in fields.items():
        if is_relation(field):
            child = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
            kind = "slug" if isinstance(child, serializers.SlugRelatedField) else "pk"
            yield (*prefix, name), kind, related_model(field, model)
        elif isinstance(field, serializers.Serializer) and not isinstance(field, serializers.ListSerializer):
            yield from relation_paths(field, None, (*prefix, name))
        elif isinstance(field, serializers.CharField) and name.endswith("_external_id"):
            sibling = fields.get(name.removesuffix("_external_id"))
            target = related_model(sibling, model) if sibling is not None and is_relation(sibling) else None
            if target is None and model is not None:
                try:
                    target = model._meta.get_field(name.removesuffix("_external_id")).related_model
                except FieldDoesNotExist:
                    target = None
            if target is not None:
                yield (*prefix, name), "external_id", target


def with_value(body, path: tuple, value, *, many: bool):
    """A copy of ``body`` (an object, or a list of one) with ``value`` at ``path``."""
    item = copy.deepcopy(body[0] if many else body)
    node = item
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    return [item] if many else item
