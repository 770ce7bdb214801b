from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.tenancy import is_tenant_owned


class TenantRelatedField(serializers.PrimaryKeyRelatedField):
    """An id that only resolves to the current tenant's rows; with no tenant, to nothing.

    Another tenant's id answers exactly like a missing one ("does_not_exist").
    """

    def __init__(self, model=None, **kwargs):
        queryset = kwargs.pop("queryset", None)
        self.model = model or getattr(queryset, "model", None)
        super().__init__(**kwargs)

    def get_queryset(self):
        tenant = self.context.get("tenant")
        if not is_tenant_owned(self.model):
            raise TypeError(f"{self.model} is not tenant-owned; TenantRelatedField cannot scope it.")
        if tenant is None:
            return self.model.unscoped.none()
        return self.model.objects.for_tenant(tenant)

    def use_pk_only_optimization(self):
        return True


@extend_schema_field(OpenApiTypes.INT)
class TenantIdField(TenantRelatedField):
    """A tenant-scoped id on a plain serializer, without a model (typed for the schema)."""
