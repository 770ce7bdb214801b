"""The audit of CSV exports in the console: read-only, for the tenant's admins."""

from django.contrib import admin

from accounts.admin.base import TenantScopedAdmin
from accounts.admin.people import AdminOnlyMixin
from accounts.models import ExportRecord

FIELDS = ("started_at", "user", "list_name", "query_string", "row_count", "finished_at")


@admin.register(ExportRecord)
class ExportRecordAdmin(AdminOnlyMixin, TenantScopedAdmin):
    list_display = FIELDS
    list_filter = ("user", "started_at")
    search_fields = ("query_string", "user__email")
    list_select_related = ("user", "content_type")
    fields = FIELDS
    readonly_fields = FIELDS

    @admin.display(description="List")
    def list_name(self, obj):
        return obj.list_name

    def has_add_permission(self, request):
        return False  # written by the exports themselves

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
