"""The privacy record for platform operators: read-only, across tenants (it outlives deleted tenants)."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from privacy.models import PrivacyRecord

FIELDS = ("at", "tenant_id", "action", "actor", "subject_id", "counts")


@admin.register(PrivacyRecord)
class PrivacyRecordAdmin(admin.ModelAdmin):
    list_display = ("at", "tenant_id", "action", "actor", "subject_id")
    list_filter = ("action",)
    search_fields = ("=tenant_id", "=subject_id")
    fields = FIELDS
    readonly_fields = FIELDS

    def _operator(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._operator(request)

    def has_view_permission(self, request, obj=None):
        return self._operator(request)

    def history_view(self, request, object_id, extra_context=None):
        # Refused before the row is looked up, so a member learns nothing of which ids exist.
        if not self._operator(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
