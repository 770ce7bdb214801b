"""Follow-ups (with their activities, asks and themes), and the tenant's themes, rules, departments and causes."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.fields import TenantIdField
from accounts.api.serializers_base import RejectUnknownFieldsMixin, TenantModelSerializer
from followups.models import (
    Activity,
    AskKind,
    AskResult,
    Department,
    FollowUp,
    FollowUpAsk,
    ResponseTheme,
    RootCause,
    Theme,
    ThemeKeywordRule,
)
from followups.services.closing import Ask, Outcome


class UniqueNameMixin:
    """(tenant, name) is unique: a clash is a 400 on ``name`` rather than a database conflict."""

    def validate_name(self, value):
        model = self.Meta.model
        clash = model.objects.for_tenant(self.context["tenant"]).filter(name=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(f"A {model._meta.verbose_name} with this name exists.", code="unique")
        return value


# --- follow-ups ----------------------------------------------------------------------------------


class ActivitySerializer(TenantModelSerializer):
    class Meta:
        model = Activity
        fields = ["id", "kind", "note", "by", "at", "created_at"]
        read_only_fields = ["id", "by", "created_at"]
        extra_kwargs = {"at": {"required": False, "help_text": "When it happened (ISO 8601); default now."}}


class AskSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=AskKind.choices)
    result = serializers.ChoiceField(choices=AskResult.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    class Meta:
        model = FollowUpAsk
        fields = ["kind", "result", "note"]


class FollowUpThemeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="theme.name", read_only=True)
    department = serializers.IntegerField(source="theme.department_id", read_only=True)

    class Meta:
        model = ResponseTheme
        fields = ["theme", "name", "department", "tagged_by", "created_at"]
        read_only_fields = fields


class FollowUpSerializer(TenantModelSerializer):
    """A follow-up. Writable: ``assignee`` and ``status`` (closing has its own action)."""

    score = serializers.IntegerField(source="response.score", read_only=True)
    comment = serializers.CharField(source="response.comment", read_only=True)
    responded_at = serializers.DateTimeField(source="response.responded_at", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    received_late = serializers.BooleanField(
        read_only=True, help_text="The answer reached csplatform after its deadline: overdue from its opening."
    )
    asks = AskSerializer(many=True, read_only=True)
    activities = ActivitySerializer(many=True, read_only=True)
    themes = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = [
            "id", "response", "account", "contact", "category", "score", "comment", "responded_at",
            "assignee", "status", "due_at", "overdue", "received_late", "first_activity_at",
            "closed_at", "closed_by", "closing_note",
            "asks", "reason_promoter", "what_would_make_promoter", "root_cause", "product_mismatch", "resolved",
            "themes", "activities", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "id", "response", "account", "contact", "category", "due_at", "first_activity_at",
            "closed_at", "closed_by", "closing_note",
            "reason_promoter", "what_would_make_promoter", "root_cause", "product_mismatch", "resolved",
            "created_at", "updated_at",
        ]  # fmt: skip

    @extend_schema_field(FollowUpThemeSerializer(many=True))
    def get_themes(self, obj) -> list[dict]:
        preloaded = self.context.get("themes_by_response")
        if preloaded is not None:
            tags = preloaded.get(obj.response_id, [])
        else:
            tags = ResponseTheme.objects.for_tenant(obj.tenant_id).filter(response_id=obj.response_id)
            tags = tags.select_related("theme")
        return FollowUpThemeSerializer(tags, many=True).data

    def update(self, instance, validated_data):
        from followups.services.working import followup_assign, followup_transition

        tenant = self.context["tenant"]
        with transaction.atomic():  # both changes, or neither (a refused status undoes the assignment)
            if "assignee" in validated_data:
                followup_assign(tenant=tenant, followup=instance, assignee=validated_data["assignee"])
            if "status" in validated_data:
                followup_transition(tenant=tenant, followup=instance, status=validated_data["status"])
        return instance


def themes_by_response(tenant, followups) -> dict[int, list[ResponseTheme]]:
    """The tags of a page of follow-ups' responses, in one query."""
    tags = ResponseTheme.objects.for_tenant(tenant).filter(response_id__in=[f.response_id for f in followups])
    grouped: dict[int, list[ResponseTheme]] = {}
    for tag in tags.select_related("theme"):
        grouped.setdefault(tag.response_id, []).append(tag)
    return grouped


class CloseSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """The outcome. Only the follow-up's category's fields are read; the others are ignored."""

    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    asks = AskSerializer(many=True, required=False, help_text="Promoter: each ask made and its answer.")
    reason_promoter = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000, help_text="Promoter: why they are one."
    )
    what_would_make_promoter = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000, help_text="Passive."
    )
    root_cause = TenantIdField(
        model=RootCause, required=False, allow_null=True, default=None, help_text="Detractor: a root cause id."
    )
    product_mismatch = serializers.BooleanField(required=False, allow_null=True, default=None, help_text="Detractor.")
    resolved = serializers.BooleanField(required=False, allow_null=True, default=None, help_text="Detractor.")

    def outcome(self) -> Outcome:
        data = self.validated_data
        return Outcome(
            note=data["note"],
            asks=[Ask(a["kind"], a["result"], a.get("note", "")) for a in data.get("asks", [])],
            reason_promoter=data["reason_promoter"],
            what_would_make_promoter=data["what_would_make_promoter"],
            root_cause=data["root_cause"],
            product_mismatch=data["product_mismatch"],
            resolved=data["resolved"],
        )


class ThemeChoiceSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    theme = TenantIdField(model=Theme, help_text="A theme id.")


# --- the tenant's lists --------------------------------------------------------------------------


class DepartmentSerializer(UniqueNameMixin, TenantModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "kind", "created_at"]
        read_only_fields = ["id", "kind", "created_at"]
        validators = []


class ThemeSerializer(UniqueNameMixin, TenantModelSerializer):
    phrases = serializers.SerializerMethodField(help_text="The phrases of its active keyword rules.")

    class Meta:
        model = Theme
        fields = ["id", "name", "department", "description", "is_active", "phrases", "created_at"]
        read_only_fields = ["id", "created_at"]
        validators = []

    def get_phrases(self, obj) -> list[str]:
        rules = ThemeKeywordRule.objects.for_tenant(obj.tenant_id).filter(theme_id=obj.pk, is_active=True)
        return list(rules.values_list("phrase", flat=True))


class ThemeKeywordRuleSerializer(TenantModelSerializer):
    class Meta:
        model = ThemeKeywordRule
        fields = ["id", "theme", "phrase", "is_active", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate_phrase(self, value):
        if not value.split():
            raise serializers.ValidationError("Enter a word or phrase.", code="blank")
        return " ".join(value.split())


class RootCauseSerializer(UniqueNameMixin, TenantModelSerializer):
    class Meta:
        model = RootCause
        fields = ["id", "name", "description", "is_active", "created_at"]
        read_only_fields = ["id", "created_at"]
        validators = []


BUSINESS_HOURS_HELP = (
    "Median in business hours: 09:00-17:00 in the tenant's time zone, Monday to Friday, "
    "except its public holidays and closing days."
)


class DepartmentQueueSerializer(serializers.Serializer):
    department = serializers.IntegerField(source="department.pk")
    name = serializers.CharField(source="department.name")
    open_items = serializers.IntegerField()
    overdue_items = serializers.IntegerField()
    items = serializers.IntegerField(help_text="Follow-ups of the period routed here, open or closed.")
    themes = serializers.DictField(child=serializers.IntegerField(), help_text="Open items by theme.")
    median_hours_to_first_response = serializers.FloatField(allow_null=True, help_text=BUSINESS_HOURS_HELP)
    median_hours_to_close = serializers.FloatField(allow_null=True, help_text=BUSINESS_HOURS_HELP)
