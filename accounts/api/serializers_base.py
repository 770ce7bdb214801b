from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from accounts.api.fields import TenantRelatedField
from accounts.tenancy import UnscopedQueryError


class RejectUnknownFieldsMixin:
    """Unknown fields are a 400 naming each of them, so a typo is never silently dropped.

    Nested serializers reject their own unknown keys (reported under the parent's field). A
    subclass may word the message (``unknown_field_message``) or refuse more keys (``refused_fields``).
    """

    unknown_field_message = "Unknown field."

    def refused_fields(self, data: Mapping) -> dict[str, list[ErrorDetail]]:
        """Each key of ``data`` that this serializer refuses, with its error."""
        unknown = sorted(set(data) - set(self.fields))
        return {name: [ErrorDetail(self.unknown_field_message, code="unknown_field")] for name in unknown}

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            refused = self.refused_fields(data)
            if refused:
                raise serializers.ValidationError(refused)
        return super().to_internal_value(data)


class TenantModelSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    """Base for tenant-owned resources.

    - Every relation, declared or generated, is a TenantRelatedField (scoped to the tenant).
    - New rows get the tenant of the request (from the serializer context), never from input.
    - Unknown fields are rejected by name, so a typo or a privilege field such as ``tenant``
      is a 400 instead of being silently dropped.
    """

    serializer_related_field = TenantRelatedField

    def create(self, validated_data):
        tenant = self.context.get("tenant")
        if tenant is None:
            raise UnscopedQueryError(f"{type(self).__name__} needs a tenant in its context to create rows.")
        return super().create({**validated_data, "tenant": tenant})


class NoBodySerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """No fields: any key sent is refused by name (the body of an action that takes none)."""
