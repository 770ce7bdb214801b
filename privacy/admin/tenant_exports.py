"""Tenant exports in the console: start one, watch its progress, download the zip (the tenant's admins only)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.admin.base import TenantScopedAdmin
from privacy.admin.common import TenantAdminOnlyMixin, admin_actor, require_tenant_admin
from privacy.models import ExportStatus, TenantExport
from privacy.services.tenant_export import tenant_export_file, tenant_export_request

FIELDS = ("created_at", "status", "progress_shown", "rows_done", "rows_total", "size_bytes", "requested_by",
          "started_at", "finished_at", "expires_at", "error", "download")  # fmt: skip


@admin.register(TenantExport)
class TenantExportAdmin(TenantAdminOnlyMixin, TenantScopedAdmin):
    list_display = ("created_at", "status", "progress_shown", "rows_done", "rows_total", "expires_at", "download")
    list_filter = ("status",)
    fields = FIELDS
    readonly_fields = FIELDS

    @admin.display(description="Progress")
    def progress_shown(self, obj):
        return "–" if obj.progress is None else f"{obj.progress:.0%}"

    @admin.display(description="Download")
    def download(self, obj):
        if obj.status != ExportStatus.DONE:
            return "–"
        url = reverse("admin:privacy_tenantexport_download", args=[obj.pk])
        return format_html('<a href="{}">zip</a>', url)

    def get_urls(self):
        extra = [
            path("<path:object_id>/download/", self.admin_site.admin_view(self.download_view),
                 name="privacy_tenantexport_download"),
        ]  # fmt: skip
        return extra + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        """Starting an export takes no input: a confirmation, then the export is queued."""
        require_tenant_admin(request)
        if request.method == "POST":
            export = tenant_export_request(tenant=request.tenant, user=request.user, actor=admin_actor(request))
            self.message_user(request, f"Export {export.pk} started; this page shows its progress.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:privacy_tenantexport_changelist"))
        context = {**self.admin_site.each_context(request), "title": "Export all of this tenant's data",
                   "opts": self.model._meta}  # fmt: skip
        return TemplateResponse(request, "privacy/admin/export_confirm.html", context)

    def download_view(self, request, object_id: str):
        require_tenant_admin(request)
        if not object_id.isdigit():
            raise Http404("No export file with this id.")
        export = TenantExport.objects.for_tenant(request.tenant).filter(pk=int(object_id)).first()
        opened = export and tenant_export_file(tenant=request.tenant, export=export, actor=admin_actor(request))
        if not opened:
            raise Http404("No export file with this id.")
        return FileResponse(opened, as_attachment=True, filename=f"tenant-export-{export.pk}.zip")
