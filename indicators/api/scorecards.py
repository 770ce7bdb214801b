"""/api/v1/scorecards/: scorecards with their measures; every write is a new version and a rescore.

Viewers and read keys read; admins and write keys change. ``versions`` lists the immutable versions.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.api.principal import principal_of
from accounts.api.serializers_base import RejectUnknownFieldsMixin, TenantModelSerializer
from accounts.api.viewsets import TenantCrudViewSet
from accounts.models.customers import LifecycleStage
from accounts.roles import Role
from indicators.engine.definition import account_indicator_choices
from indicators.models import RuleKind, Scorecard, ScorecardVersion
from indicators.models.scorecards import NO_DATA_POINTS_HELP
from indicators.services.scorecards import scorecard_delete, scorecard_save


class BandSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    lower = serializers.FloatField(allow_null=True, help_text="null: no lower bound.")
    upper = serializers.FloatField(allow_null=True, help_text="null: no upper bound.")
    lower_inclusive = serializers.BooleanField(help_text="Whether a value equal to `lower` is in the band.")
    upper_inclusive = serializers.BooleanField(help_text="Whether a value equal to `upper` is in the band.")
    points = serializers.FloatField(min_value=0, max_value=100)


class MeasureSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    indicator = serializers.ChoiceField(choices=account_indicator_choices(), help_text="An account-level indicator.")
    weight = serializers.FloatField(help_text="Relative weight, above 0.")
    rule = serializers.ChoiceField(choices=RuleKind.choices)
    lower = serializers.FloatField(required=False, allow_null=True, help_text="Linear rule: where the ramp starts.")
    upper = serializers.FloatField(required=False, allow_null=True, help_text="Linear rule: where the ramp ends.")
    bands = BandSerializer(many=True, required=False, help_text="Bands rule: the bands, which may not overlap.")
    outside_points = serializers.FloatField(
        required=False, default=0, min_value=0, max_value=100, help_text="Bands rule: points of a value in no band."
    )
    no_data_points = serializers.FloatField(
        required=False, default=None, allow_null=True, min_value=0, max_value=100, help_text=NO_DATA_POINTS_HELP
    )

    def validate(self, attrs):
        from indicators.engine.definition import DefinitionError, measure_from_definition

        attrs = {**attrs, "bands": [dict(b) for b in attrs.get("bands", [])]}
        try:
            measure_from_definition(attrs)
        except DefinitionError as exc:
            raise ValidationError({exc.field: [exc.message]}, code="invalid") from None
        return attrs


class ScorecardSerializer(TenantModelSerializer):
    segments = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, help_text="Account segments it applies to."
    )
    lifecycle_stages = serializers.ListField(
        child=serializers.ChoiceField(choices=LifecycleStage.choices), required=False
    )
    measures = MeasureSerializer(many=True, help_text="Replaced as a whole on every write that sends them.")
    key = serializers.SlugField(max_length=50, required=False, help_text="Set once; derived from the name if left out.")

    class Meta:
        model = Scorecard
        fields = ["id", "key", "name", "is_default", "segments", "lifecycle_stages", "green_min", "yellow_min",
                  "gut_weight", "version", "measures", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["id", "version", "created_at", "updated_at"]
        validators = []  # (tenant, key) uniqueness: Scorecard.full_clean, in the service

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["measures"] = [_measure_data(m) for m in instance.measures.all()]
        return data

    def validate_key(self, value):
        if self.instance is not None and value != self.instance.key:
            raise ValidationError("The key names the scorecard in past scores and cannot change.", code="immutable")
        if self.instance is None and Scorecard.objects.for_tenant(self.context["tenant"]).filter(key=value).exists():
            raise ValidationError("A scorecard with this key already exists.", code="unique")
        return value

    def save_with_service(self, **fields):
        measures = self.validated_data.pop("measures", None)
        scorecard = self.instance or Scorecard()
        for name, value in self.validated_data.items():
            setattr(scorecard, name, value)
        saved = scorecard_save(
            tenant=self.context["tenant"], scorecard=scorecard, measures=measures, changed_by=fields["changed_by"]
        )
        self.instance = saved.scorecard
        return saved


def _measure_data(measure) -> dict:
    data = measure.definition()
    if measure.rule == RuleKind.LINEAR:
        data.pop("bands")
        data.pop("outside_points")
    else:
        data.pop("lower")
        data.pop("upper")
    return data


class ScorecardVersionSerializer(serializers.ModelSerializer):
    changed_by = serializers.EmailField(source="changed_by.email", read_only=True, allow_null=True)

    class Meta:
        model = ScorecardVersion
        fields = ["number", "definition", "changed_by", "changed_at"]


@extend_schema_view(
    list=extend_schema(summary="List scorecards"),
    retrieve=extend_schema(summary="Retrieve a scorecard"),
    create=extend_schema(summary="Create a scorecard", description="Version 1 is recorded; its accounts are rescored."),
    update=extend_schema(summary="Replace a scorecard", description="A new version; its accounts are rescored."),
    partial_update=extend_schema(
        summary="Change a scorecard", description="Measures left out are kept. A new version if anything changed."
    ),
    destroy=extend_schema(summary="Delete a scorecard", description="Not the default; its accounts are rescored."),
)
class ScorecardViewSet(TenantCrudViewSet):
    """Scorecards: which accounts each applies to, its measures and thresholds. Admins and write keys change them."""

    model = Scorecard
    serializer_class = ScorecardSerializer
    filterset_fields = ["is_default"]
    ordering_fields = ["created_at", "name"]
    required_roles = {"PUT": Role.ADMIN, "PATCH": Role.ADMIN}

    def narrow(self, queryset):
        return queryset.prefetch_related("measures")

    def _changed_by(self):
        return principal_of(self.request).person

    def perform_create(self, serializer):
        serializer.save_with_service(changed_by=self._changed_by())

    def perform_update(self, serializer):
        serializer.save_with_service(changed_by=self._changed_by())

    def perform_destroy(self, instance):
        scorecard_delete(tenant=self.tenant, scorecard=instance)

    @extend_schema(
        summary="A scorecard's versions",
        description="Every version of the scorecard, newest first, in one unpaginated list.",
        responses=ScorecardVersionSerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request, pk=None):
        scorecard = self.get_object()
        rows = ScorecardVersion.objects.for_tenant(self.tenant).filter(scorecard=scorecard).select_related("changed_by")
        return Response(ScorecardVersionSerializer(rows, many=True).data)
