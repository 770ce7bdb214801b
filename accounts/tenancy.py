"""Tenant scoping primitives: every tenant-owned model builds on these.

Scoping is explicit and fails closed. Application code reads tenant-owned rows through
``Model.objects.for_tenant(tenant)``; a query on ``Model.objects`` that nobody scoped raises
``UnscopedQueryError`` when it runs. Django internals (admin widgets, related fields,
validators, the deletion collector) and the few places that must cross tenants (operator
commands, periodic sweeps) use the explicitly named ``Model.unscoped`` manager, which is the
model's default manager for exactly that reason.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404


class UnscopedQueryError(RuntimeError):
    """A query on a tenant-owned model ran without ``for_tenant(tenant)``."""


class TenantQuerySet(models.QuerySet):
    _tenant_scoped = False

    def for_tenant(self, tenant) -> TenantQuerySet:
        if tenant is None or getattr(tenant, "pk", tenant) is None:
            raise UnscopedQueryError(f"{self.model.__name__}.for_tenant() needs a tenant, got None.")
        clone = self.filter(tenant=tenant)
        clone._tenant_scoped = True
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._tenant_scoped = self._tenant_scoped
        return clone

    def _require_scope(self) -> None:
        if not self._tenant_scoped:
            raise UnscopedQueryError(
                f"Query on {self.model.__name__} without a tenant: use "
                f"{self.model.__name__}.objects.for_tenant(tenant), or {self.model.__name__}.unscoped "
                "where crossing tenants is intended."
            )

    # Every way a queryset reaches the database passes through one of these.
    def _fetch_all(self):
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._require_scope()
        return super().iterator(*args, **kwargs)

    def count(self):
        if self._result_cache is None:
            self._require_scope()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._require_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._require_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._require_scope()
        return super().update(**kwargs)

    def delete(self):
        self._require_scope()
        return super().delete()

    def in_bulk(self, *args, **kwargs):
        self._require_scope()
        return super().in_bulk(*args, **kwargs)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """The guarded manager (``objects``): usable only through ``for_tenant``."""


class TenantOwned(models.Model):
    """Abstract base for every row that belongs to a tenant.

    ``unscoped`` is declared first, so it is the default manager that Django internals use;
    ``objects`` is the guarded manager that application code uses.
    """

    tenant = models.ForeignKey("accounts.Tenant", on_delete=models.CASCADE, related_name="+", editable=False)

    unscoped = models.Manager()
    objects = TenantManager()

    class Meta:
        abstract = True
        default_manager_name = "unscoped"
        base_manager_name = "unscoped"

    def clean(self):
        """Every relation to another tenant-owned row stays inside this row's tenant."""
        super().clean()
        errors = {}
        for field in self._meta.concrete_fields:
            if not field.is_relation or field.name == "tenant" or not is_tenant_owned(field.related_model):
                continue
            if getattr(self, field.attname) is not None and getattr(self, field.name).tenant_id != self.tenant_id:
                errors[field.name] = "Belongs to another tenant."
        if errors:
            raise ValidationError(errors)


M = TypeVar("M", bound=models.Model)


def get_for_tenant_or_404(tenant, model: type[M], **lookup) -> M:
    """One row of ``tenant`` or 404: another tenant's row and a missing row look the same."""
    try:
        return model.objects.for_tenant(tenant).get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {model._meta.verbose_name} matches the given query.") from None


def is_tenant_owned(model) -> bool:
    return isinstance(model, type) and issubclass(model, TenantOwned)
