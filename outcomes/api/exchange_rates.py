"""The tenant's exchange rates over the API: everyone reads them, admins (and write keys) change them."""

import django_filters as filters
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from accounts.api.fields import CurrencyField
from accounts.api.serializers_base import TenantModelSerializer
from accounts.api.strict_filters import StrictFilterSet
from accounts.api.viewsets import TenantCrudViewSet
from accounts.roles import Role
from outcomes.models import ExchangeRate


class ExchangeRateSerializer(TenantModelSerializer):
    currency = CurrencyField(help_text="ISO 4217 code of accounts billed in it, e.g. EUR (not the tenant's own).")

    class Meta:
        model = ExchangeRate
        fields = ["id", "currency", "rate", "valid_from", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []  # one rate per currency and day: checked by the model's clean, naming valid_from

    def validate(self, attrs):
        rate = ExchangeRate(tenant=self.context["tenant"], pk=getattr(self.instance, "pk", None))
        for name in ("currency", "rate", "valid_from"):
            setattr(rate, name, attrs.get(name, getattr(self.instance, name, None)))
        try:
            rate.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from None
        return attrs


class ExchangeRateFilter(StrictFilterSet):
    currency = filters.CharFilter(lookup_expr="iexact")
    valid_from = filters.DateFromToRangeFilter(help_text="valid_from_after / valid_from_before (inclusive dates)")

    class Meta:
        model = ExchangeRate
        fields = ["currency", "valid_from"]


class ExchangeRateViewSet(TenantCrudViewSet):
    """Rates to the tenant's currency by day: outcome figures convert each account's amounts with the rate
    valid on their day (the latest from that day or before). Viewers read; admins change."""

    model = ExchangeRate
    serializer_class = ExchangeRateSerializer
    filterset_class = ExchangeRateFilter
    ordering_fields = ["currency", "valid_from", "updated_at"]
    ordering = ["currency", "-valid_from"]
    required_roles = {"PUT": Role.ADMIN, "PATCH": Role.ADMIN}
