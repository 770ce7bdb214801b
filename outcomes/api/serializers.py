"""The renewals and ARR ledger API at the edge: validation here, the rules in outcomes/services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from accounts.api.serializers_base import TenantModelSerializer
from outcomes.models import ArrMovement, Renewal, RenewalForecast
from outcomes.services.forecast import disagrees
from outcomes.services.renewals import renewal_save


class RenewalForecastSerializer(serializers.ModelSerializer):
    class Meta:
        model = RenewalForecast
        fields = ["probability", "low", "high", "expected_arr", "method", "model_version", "made_on", "made_at",
                  "drivers"]  # fmt: skip
        read_only_fields = fields


class RenewalSerializer(TenantModelSerializer):
    source = serializers.CharField(read_only=True)
    next_renewal = serializers.IntegerField(read_only=True, required=False, help_text="Opened when it renewed.")
    forecast = RenewalForecastSerializer(
        read_only=True, allow_null=True,
        help_text="The model's chance of renewing (daily while pending; as it stood when it closed); null before "
        "the first forecast.",
    )  # fmt: skip
    disagrees_with_csm = serializers.SerializerMethodField(
        help_text="The CSM's call and the forecast are on different sides (commit or likely against a chance below "
        "50%, at risk or lost against 50% or more)."
    )

    class Meta:
        model = Renewal
        fields = [
            "id", "external_id", "account", "term_start", "term_end", "arr_due", "outcome", "closed_arr",
            "closed_on", "reason", "csm_call", "csm_call_on", "notes", "source", "next_renewal", "forecast",
            "disagrees_with_csm", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []  # uniqueness is checked by the service (full_clean), with the field named
        extra_kwargs = {
            "arr_due": {"min_value": 0},
            "closed_arr": {"min_value": 0},
            "outcome": {"help_text": "pending, renewed (at the ARR due), expanded, downsold or churned. Closing "
                        "moves the account's ARR through the ledger; the closed ARR must agree with the outcome."},
        }  # fmt: skip

    def get_disagrees_with_csm(self, renewal) -> bool:
        forecast = getattr(renewal, "forecast", None)
        return disagrees(forecast.probability if forecast else None, renewal.csm_call)

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
