"""The outer loop's lists: departments (with their queues), themes and keyword rules, root causes."""

from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import ProtectedError
from django.utils import timezone

from accounts.admin.base import TenantScopedAdmin, TenantScopedInline
from followups.models import Department, RootCause, Theme, ThemeKeywordRule
from followups.selectors import department_queues
from followups.services.themes import rules_apply_to_responses
from followups.tasks import apply_rules_after_commit

QUEUE_DAYS = 90


class ProtectedDeleteAdminMixin:
    """A row still in use is refused with a message instead of a server error."""

    def delete_model(self, request, obj):
        try:
            super().delete_model(request, obj)
        except ProtectedError:
            self.message_user(request, f"“{obj}” is in use; deactivate it instead.", messages.ERROR)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Department)
class DepartmentAdmin(ProtectedDeleteAdminMixin, TenantScopedAdmin):
    """The change list opens with each department's queue: open items and time to respond."""

    list_display = ("name", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("name",)
    fields = ("name", "kind")
    readonly_fields = ("kind",)
    change_list_template = "followups/admin/department_change_list.html"

    def changelist_view(self, request, extra_context=None):
        queues = []
        if request.tenant is not None:
            since = timezone.now() - timedelta(days=QUEUE_DAYS)
            queues = department_queues(tenant=request.tenant, since=since)
        context = {**(extra_context or {}), "queues": queues, "queue_days": QUEUE_DAYS}
        context["time_zone"] = request.tenant.time_zone if request.tenant is not None else ""
        return super().changelist_view(request, context)


class RuleInline(TenantScopedInline):
    model = ThemeKeywordRule
    fields = ("phrase", "is_active")
    extra = 1
    show_change_link = False


@admin.register(Theme)
class ThemeAdmin(ProtectedDeleteAdminMixin, TenantScopedAdmin):
    list_display = ("name", "department", "is_active")
    list_filter = ("department", "is_active")
    list_select_related = ("department",)
    search_fields = ("name",)
    fields = ("name", "department", "description", "is_active")
    inlines = [RuleInline]
    actions = ["apply_rules"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        apply_rules_after_commit(form.instance.tenant)

    @admin.action(description=f"Apply keyword rules to the last {QUEUE_DAYS} days' responses", permissions=["change"])
    def apply_rules(self, request, queryset):
        if request.tenant is None:
            self.message_user(request, "Switch to a tenant first.", messages.ERROR)
            return
        tagged = rules_apply_to_responses(tenant=request.tenant, since=timezone.now() - timedelta(days=QUEUE_DAYS))
        self.message_user(request, f"{tagged} new tag(s).", messages.SUCCESS)


@admin.register(ThemeKeywordRule)
class ThemeKeywordRuleAdmin(TenantScopedAdmin):
    list_display = ("phrase", "theme", "is_active", "created_at")
    list_filter = ("theme", "is_active")
    list_select_related = ("theme",)
    search_fields = ("phrase",)
    fields = ("theme", "phrase", "is_active")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        apply_rules_after_commit(obj.tenant)


@admin.register(RootCause)
class RootCauseAdmin(ProtectedDeleteAdminMixin, TenantScopedAdmin):
    list_display = ("name", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name",)
    fields = ("name", "description", "is_active")
