from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models.tenant import validate_currency
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


class CurrencyField(serializers.CharField):
    """An ISO 4217 code, upper-cased on the way in ("eur" is EUR) and checked like the tenant's currency."""

    def __init__(self, **kwargs):
        super().__init__(validators=[validate_currency], **kwargs)  # the validator says "three letters" once

    def to_internal_value(self, data):
        return super().to_internal_value(data).upper()


class AccountCurrencyField(CurrencyField):
    """An account's currency: read as the one its amounts are in (the tenant's when it has none of its own);
    written as a code, or blank for the tenant's."""

    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, **kwargs)

    def get_attribute(self, instance):
        return instance.currency_in(instance.tenant.currency)
