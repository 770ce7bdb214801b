"""Privacy at the API's edge: what each answer holds, and bodies that accept nothing unknown."""

from __future__ import annotations

from rest_framework import serializers

from privacy.models import TenantDeletion, TenantExport


class ErasureSerializer(serializers.Serializer):
    contact_id = serializers.IntegerField()
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Rows changed, by model label (`indicators.Event`, `surveys.SurveyResponse`...). Empty when the "
        "contact had already been erased.",
    )


class ContactExportSerializer(serializers.Serializer):
    contact_id = serializers.IntegerField()
    exported_at = serializers.DateTimeField()
    rows = serializers.DictField(
        child=serializers.ListField(child=serializers.DictField()),
        help_text="Every row about the contact, by model label: the contact, its events, survey answers and "
        "invitations, follow-ups and what is logged on them, and its audit trail; columns as stored.",
    )


class TenantExportSerializer(serializers.ModelSerializer):
    progress = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Share of rows written, 0 to 1; null until they are counted."
    )
    download_url = serializers.SerializerMethodField(help_text="Where to fetch the zip once `status` is `done`.")

    class Meta:
        model = TenantExport
        fields = [
            "id", "status", "rows_total", "rows_done", "progress", "size_bytes", "error", "created_at", "started_at",
            "finished_at", "expires_at", "download_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_download_url(self, export) -> str | None:
        if export.status != "done":
            return None
        return f"/api/v1/privacy/tenant-exports/{export.pk}/download/"


class TenantExportCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Poll `GET /api/v1/privacy/tenant-exports/{id}/` for its progress.")
    status = serializers.CharField()


class TenantDeletionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TenantDeletion
        fields = ["id", "requested_at", "due_at", "cancelled_at", "started_at"]
        read_only_fields = fields
