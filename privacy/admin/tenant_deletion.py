"""Scheduling and cancelling the tenant's deletion in the console (the tenant's admins only)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.admin.base import TenantScopedAdmin
from privacy.admin.common import TenantAdminOnlyMixin, admin_actor, is_tenant_admin, require_tenant_admin
from privacy.models import TenantDeletion
from privacy.services.tenant_deletion import tenant_deletion_cancel, tenant_deletion_schedule

FIELDS = ("requested_at", "requested_by", "due_at", "cancelled_at", "cancelled_by", "started_at")


@admin.register(TenantDeletion)
class TenantDeletionAdmin(TenantAdminOnlyMixin, TenantScopedAdmin):
    list_display = ("requested_at", "due_at", "cancelled_at", "started_at")
    fields = FIELDS
    readonly_fields = FIELDS
    actions = ["cancel_deletion"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("export_csv", None)
        return actions if is_tenant_admin(request) else {}

    @admin.action(description="Cancel the scheduled deletion")
    def cancel_deletion(self, request, queryset):
        require_tenant_admin(request)
        if not queryset.filter(tenant_id=request.tenant.pk, cancelled_at__isnull=True).exists():
            self.message_user(request, "Select the pending deletion to cancel it.", messages.WARNING)
            return
        cancelled = tenant_deletion_cancel(tenant=request.tenant, user=request.user, actor=admin_actor(request))
        if cancelled is None:
            self.message_user(request, "No pending deletion to cancel.", messages.WARNING)
        else:
            self.message_user(request, "The deletion is cancelled.", messages.SUCCESS)

    def add_view(self, request, form_url="", extra_context=None):
        """Scheduling takes no input: a confirmation naming the date, then the deletion is scheduled."""
        require_tenant_admin(request)
        if request.method == "POST":
            deletion, made = tenant_deletion_schedule(
                tenant=request.tenant, user=request.user, actor=admin_actor(request)
            )
            already = "" if made else "already "
            due = f"{deletion.due_at:%Y-%m-%d %H:%M} UTC"
            self.message_user(request, f"The tenant's deletion is {already}scheduled for {due}.", messages.WARNING)
            return HttpResponseRedirect(reverse("admin:privacy_tenantdeletion_changelist"))
        context = {
            **self.admin_site.each_context(request), "title": "Delete this tenant",
            "opts": self.model._meta, "grace_days": settings.TENANT_DELETION_GRACE_DAYS,
        }  # fmt: skip
        return TemplateResponse(request, "privacy/admin/deletion_confirm.html", context)
