"""Request and response bodies of the CSM's work items: snooze, reassign, playbooks and tasks."""

from __future__ import annotations

from django.db import transaction
from rest_framework import serializers

from accounts.api.fields import TenantIdField
from accounts.api.serializers_base import RejectUnknownFieldsMixin, TenantModelSerializer
from accounts.models import Membership
from alerts.models import Playbook, PlaybookStep, Task


class AlertSnoozeSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    snoozed_until = serializers.DateField(
        help_text="Back in working lists at the start of this day in the tenant's time zone; after its today."
    )
    snooze_reason = serializers.CharField(help_text="Why the alert can wait.")


class EmptySerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """No fields: any key sent is refused by name."""


class ReassignSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    assignee = TenantIdField(model=Membership, help_text="A member id: an admin or a CSM of this tenant.")


class TaskCompleteSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, help_text="What was done (optional).")


class TaskSerializer(TenantModelSerializer):
    account_name = serializers.CharField(source="account.name", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    done_by = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id", "alert", "step", "account", "account_name", "title", "description", "assignee", "due_at",
            "overdue", "done_at", "done_by", "note", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_done_by(self, task) -> str | None:
        return task.done_by.email if task.done_by_id else None


class PlaybookStepSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, help_text="An existing step of this playbook, to keep it.")

    class Meta:
        model = PlaybookStep
        fields = ["id", "position", "title", "description", "due_in_days", "assignee"]
        read_only_fields = ["position"]


class PlaybookSerializer(TenantModelSerializer):
    """A playbook with its ordered steps. Sending ``steps`` replaces the list: steps named by ``id`` are
    kept (and updated), new ones are added, the others removed; their order is the list's."""

    steps = PlaybookStepSerializer(many=True, required=False)

    class Meta:
        model = Playbook
        fields = ["id", "name", "description", "enabled", "steps", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []  # (tenant, name) uniqueness is checked in validate_name

    def validate_name(self, value):
        clash = Playbook.objects.for_tenant(self.context["tenant"]).filter(name=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError("A playbook with this name already exists.", code="unique")
        return value

    def validate_steps(self, steps):
        own = set(self.instance.steps.values_list("pk", flat=True)) if self.instance is not None else set()
        ids = [s["id"] for s in steps if "id" in s]
        errors = [{"id": ["Not a step of this playbook."]} if "id" in s and s["id"] not in own else {} for s in steps]
        if any(errors):
            raise serializers.ValidationError(errors)
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("Each step once.")
        return steps

    @transaction.atomic
    def create(self, validated_data):
        steps = validated_data.pop("steps", [])
        playbook = super().create(validated_data)
        self._save_steps(playbook, steps)
        return playbook

    @transaction.atomic
    def update(self, instance, validated_data):
        steps = validated_data.pop("steps", None)
        playbook = super().update(instance, validated_data)
        if steps is not None:
            self._save_steps(playbook, steps)
        return playbook

    def _save_steps(self, playbook: Playbook, steps: list[dict]) -> None:
        existing = {s.pk: s for s in PlaybookStep.objects.for_tenant(playbook.tenant).filter(playbook=playbook)}
        kept = {s["id"] for s in steps if "id" in s}
        for step in existing.values():
            if step.pk not in kept:
                step.delete()  # its tasks keep their words and deadline; their step link is emptied
        for position, data in enumerate(steps, start=1):
            data = dict(data)
            step = existing.get(data.pop("id", None)) or PlaybookStep(tenant=playbook.tenant, playbook=playbook)
            for name, value in data.items():
                setattr(step, name, value)
            step.position = position
            step.full_clean()
            step.save()
