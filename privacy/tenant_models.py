"""Which models hold a tenant's rows: found from the app registry, so a new model is covered with no edit here.

Tenant-owned models (``accounts.tenancy.TenantOwned``) and their audit trails (django-simple-history's
historical models of them, which carry ``tenant_id``). The Tenant row itself and its own history are
handled by the callers.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Model
from simple_history.models import HistoricalChanges

from accounts.tenancy import is_tenant_owned


def is_history_of_tenant_owned(model) -> bool:
    source = getattr(model, "instance_type", None)
    return isinstance(model, type) and issubclass(model, HistoricalChanges) and is_tenant_owned(source)


def tenant_models() -> list[type[Model]]:
    """Every model whose rows each belong to one tenant (by ``tenant_id``), in registry order."""
    return [m for m in apps.get_models() if is_tenant_owned(m) or is_history_of_tenant_owned(m)]


def deletion_order() -> list[type[Model]]:
    """Tenant models ordered so a model is deleted before the models its rows point to.

    Models no other model points to come first (events, rollups, logs: the big tables), history last.
    Where keys point both ways (an account's sponsor is a contact of it), one of them is nullable: it is
    set to null before the deletion starts (``nullable_links_to_clear``).
    """
    models = [m for m in tenant_models() if not is_history_of_tenant_owned(m)]
    children = {m: set() for m in models}  # model -> models whose rows point to it: deleted before it
    for model in models:
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target in children and target is not model:
                children[target].add(model)
    ordered, done = [], set()

    def visit(model, path=()):
        if model in done or model in path:  # a cycle: broken here, its nullable key cleared beforehand
            return
        for child in sorted(children[model], key=lambda m: m._meta.label):
            visit(child, (*path, model))
        done.add(model)
        ordered.append(model)

    pointed_to = {model for model, pointing in children.items() if pointing}
    for model in sorted(models, key=lambda m: (m in pointed_to, m._meta.label)):
        visit(model)
    history = [m for m in tenant_models() if is_history_of_tenant_owned(m)]
    return ordered + sorted(history, key=lambda m: m._meta.label)


def nullable_links_to_clear(order: list[type[Model]]) -> list[tuple[type[Model], str]]:
    """(model, field name) of each nullable key from a model to one deleted before it: cleared beforehand."""
    position = {model: i for i, model in enumerate(order)}
    links = []
    for model in order:
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target in position and field.null and position[target] <= position[model] and field.name != "tenant":
                links.append((model, field.name))
    return links
