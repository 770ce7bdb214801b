"""Tenant scoping primitives: every tenant-owned model builds on these.

Scoping is explicit and fails closed. Application code reads tenant-owned rows through
``Model.objects.for_tenant(tenant)``; a query on ``Model.objects`` that nobody scoped raises
``UnscopedQueryError`` when it runs. Django internals (admin widgets, related fields,
validators, the deletion collector) and the few places that must cross tenants (operator
commands, periodic sweeps) use the explicitly named ``Model.unscoped`` manager, which is the
model's default manager for exactly that reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from accounts.models import Tenant


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

    def csm_may_change(self, membership) -> bool:
        """Whether a CSM (``membership``) may change this row: the one rule admin and API both ask.

        Admins change anything and viewers nothing; models whose rows a CSM owns or works say so.
        """
        return False

    def clean(self):
        """Every relation to another tenant-owned row stays inside this row's tenant."""
        super().clean()
        related = {
            field.name: getattr(self, field.name)
            for field in self._meta.concrete_fields
            if field.is_relation
            and field.name != "tenant"
            and is_tenant_owned(field.related_model)
            and getattr(self, field.attname) is not None  # an empty relation loads nothing
        }
        same_tenant(self.tenant_id, **related)


OTHER_TENANT = "Belongs to another tenant."


def other_tenant_errors(tenant: Tenant | int | None, /, **rows: TenantOwned | None) -> dict[str, ValidationError]:
    """An error on the name of each row (None skipped) of another tenant than ``tenant`` (a Tenant or its id)."""
    tenant_id = getattr(tenant, "pk", tenant)
    return {
        name: ValidationError(OTHER_TENANT, code="other_tenant")
        for name, row in rows.items()
        if row is not None and row.tenant_id != tenant_id
    }


def same_tenant(tenant: Tenant | int | None, /, **rows: TenantOwned | None) -> None:
    """Raise ValidationError naming every row (None skipped) that belongs to another tenant than ``tenant``.

    Services check the rows they are handed with it, so a row of another tenant is always the same
    error: ``same_tenant(tenant, followup=followup, by=by)``.
    """
    errors = other_tenant_errors(tenant, **rows)
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
