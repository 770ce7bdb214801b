"""The renewals and ARR ledger API at the edge: validation here, the rules in outcomes/services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from accounts.api.serializers_base import TenantModelSerializer
from outcomes.models import ArrMovement, Renewal
from outcomes.services.renewals import renewal_save


class RenewalSerializer(TenantModelSerializer):
    source = serializers.CharField(read_only=True)
    next_renewal = serializers.IntegerField(read_only=True, required=False, help_text="Opened when it renewed.")

    class Meta:
        model = Renewal
        fields = [
            "id", "external_id", "account", "term_start", "term_end", "arr_due", "outcome", "closed_arr",
            "closed_on", "reason", "csm_call", "csm_call_on", "notes", "source", "next_renewal", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []  # uniqueness is checked by the service (full_clean), with the field named
        extra_kwargs = {
            "arr_due": {"min_value": 0},
            "closed_arr": {"min_value": 0},
            "outcome": {"help_text": "pending, renewed (at the ARR due), expanded, downsold or churned. Closing "
                        "moves the account's ARR through the ledger; the closed ARR must agree with the outcome."},
        }  # fmt: skip

    def create(self, validated_data):
        return self._saved(Renewal(**validated_data, source=self.context.get("source", "api")))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self._saved(instance)

    def _saved(self, renewal: Renewal) -> Renewal:
        try:
            saved = renewal_save(tenant=self.context["tenant"], renewal=renewal)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from None
        saved.renewal.next_renewal = saved.next_renewal.pk if saved.next_renewal else None
        return saved.renewal


class ArrMovementSerializer(serializers.ModelSerializer):
    class Meta:
        model = ArrMovement
        fields = ["id", "account", "on", "kind", "amount", "arr_after", "renewal", "event_message_id", "note",
                  "recorded_at"]  # fmt: skip
        read_only_fields = fields
