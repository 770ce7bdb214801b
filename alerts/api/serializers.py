"""Alert rules (configured by admins) and alerts (worked by CSMs) at the API's edge."""

from __future__ import annotations

import copy

from rest_framework import serializers

from accounts.api.serializers_base import TenantModelSerializer
from alerts.models import Alert, AlertRule, AlertStatus
from alerts.models.rule import SETTING_FIELDS, indicator_choices
from indicators.models import Band


class AlertRuleSerializer(TenantModelSerializer):
    indicator = serializers.ChoiceField(
        choices=indicator_choices(), required=False, allow_blank=True, help_text="Indicator thresholds: which one."
    )
    bands = serializers.ListField(
        child=serializers.ChoiceField(choices=Band.choices),
        required=False,
        help_text="Renewals: only in these bands; empty means any band.",
    )

    class Meta:
        model = AlertRule
        fields = [
            "id", "name", "kind", "indicator", "operator", "threshold", "points", "within_days", "to_band",
            "from_band", "bands", "priority", "due_in_days", "enabled", "playbook", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []  # (tenant, name) uniqueness is checked in validate_name

    def validate_name(self, value):
        clash = AlertRule.objects.for_tenant(self.context["tenant"]).filter(name=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError("A rule with this name already exists.", code="unique")
        return value

    def validate(self, attrs):
        # The model knows which settings each kind needs; it also clears those the kind ignores.
        # Its ValidationError is reported by DRF like the serializer's own, field by field.
        rule = copy.copy(self.instance) if self.instance is not None else AlertRule(tenant=self.context["tenant"])
        for name, value in attrs.items():
            setattr(rule, name, value)
        rule.clean()
        return {**attrs, **{name: getattr(rule, name) for name in SETTING_FIELDS}}


class AlertSerializer(TenantModelSerializer):
    account_name = serializers.CharField(source="account.name", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    closed_by = serializers.SerializerMethodField()
    snoozed_by = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id", "account", "account_name", "rule", "key", "title", "message", "detail", "priority", "status",
            "assignee", "due_at", "overdue", "first_fired_at", "last_fired_at", "fire_count", "closed_by",
            "closed_by_system", "closed_at", "closing_note", "snoozed_until", "snooze_reason", "snoozed_by",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_closed_by(self, alert) -> str | None:
        return alert.closed_by.email if alert.closed_by_id else None

    def get_snoozed_by(self, alert) -> str | None:
        return alert.snoozed_by.email if alert.snoozed_by_id else None


class AlertUpdateSerializer(TenantModelSerializer):
    """What working an alert may change. Closing needs ``closing_note``."""

    status = serializers.ChoiceField(choices=AlertStatus.choices, required=False)
    closing_note = serializers.CharField(required=False, allow_blank=True, help_text="Required to close.")

    class Meta:
        model = Alert
        fields = ["status", "assignee", "closing_note"]
        extra_kwargs = {"assignee": {"required": False, "allow_null": True}}
