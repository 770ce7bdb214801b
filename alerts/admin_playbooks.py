"""Playbooks (admins write them; everyone reads) and the tasks they make (worked by CSMs).

The task list starts with open tasks, soonest due first; "Assigned" narrows to mine or nobody's.
A task is completed with an optional note (``<id>/complete/``, linked from the alert's page) and
can be reopened; both are in its history.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.admin.base import TenantScopedAdmin, TenantScopedInline
from accounts.admin.work_filters import DefaultChoiceFilter
from accounts.roles import Role, role_at_least
from alerts.admin import OVERDUE_STYLE, TenantClockMixin
from alerts.admin_work import ReassignForm, add_service_errors, unknown_query_errors
from alerts.models import Playbook, PlaybookStep, Task
from alerts.services import task_complete, task_reassign, task_reopen
from alerts.services.reassign import WORKING_ROLES


class PlaybookStepInline(TenantScopedInline):
    model = PlaybookStep
    fields = ("position", "title", "description", "due_in_days", "assignee")
    show_change_link = False
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {"description": forms.Textarea(attrs={"rows": 2, "cols": 40})})
        return super().get_formset(request, obj, **kwargs)

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is not None and obj.steps.exists() else 1


@admin.register(Playbook)
class PlaybookAdmin(TenantScopedAdmin):
    list_display = ("name", "enabled", "step_count", "rule_names")
    list_filter = ("enabled",)
    search_fields = ("name", "description")
    fields = ("name", "description", "enabled")
    inlines = [PlaybookStepInline]

    @admin.display(description="steps")
    def step_count(self, obj):
        return obj.steps.count()

    @admin.display(description="started by rules")
    def rule_names(self, obj):
        return ", ".join(r.name for r in obj.rules.all()) or "-"


class StateListFilter(DefaultChoiceFilter):
    """Open tasks unless asked otherwise: the list is a working list."""

    title = "state"
    parameter_name = "state"
    default = "open"

    def lookups(self, request, model_admin):
        return (("open", "Open"), ("overdue", "Overdue"), ("done", "Done"), ("all", "All"))

    def queryset(self, request, queryset):
        match self.value():
            case "all":
                return queryset
            case "done":
                return queryset.exclude(done_at=None)
            case "overdue":
                return queryset.filter(done_at=None, due_at__lt=timezone.now())
        return queryset.filter(done_at=None)


class AssignedListFilter(admin.SimpleListFilter):
    title = "assigned"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return (("me", "To me"), ("nobody", "To nobody"))

    def queryset(self, request, queryset):
        if self.value() == "me":
            membership = getattr(request, "membership", None)
            return queryset.filter(assignee=membership) if membership is not None else queryset.none()
        if self.value() == "nobody":
            return queryset.filter(assignee=None)
        return queryset


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ("assignee", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("assignee")
        if field is not None:
            # Working members only; the current holder stays a valid choice, whoever it is.
            keep = self.instance.assignee_id
            field.queryset = field.queryset.filter(role__in=WORKING_ROLES) | field.queryset.filter(pk=keep)

    def clean_assignee(self):
        assignee = self.cleaned_data.get("assignee")
        if assignee is None and self.instance.assignee_id is not None:
            raise forms.ValidationError("Choose the member to hand it to (a task is not given back to nobody).")
        return assignee


class CompleteForm(forms.Form):
    note = forms.CharField(
        required=False, label="Note (optional)", widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="What was done: it shows on the account's timeline.",
    )  # fmt: skip


@admin.register(Task)
class TaskAdmin(TenantClockMixin, TenantScopedAdmin):
    form = TaskForm
    list_display = ("title", "account", "alert_link", "assignee", "due", "done")
    list_filter = (StateListFilter, AssignedListFilter, "assignee")
    list_select_related = ("account", "alert", "assignee__user")
    search_fields = ("title", "account__name", "note")
    actions = ["complete_selected", "reassign_selected"]
    readonly_fields = ("account", "alert", "title", "description", "due", "done_at", "done_by", "step")
    fieldsets = (
        (None, {"fields": ("account", "alert", "title", "description", "due", "step")}),
        ("Work it", {"fields": ("assignee", "note", "done_at", "done_by")}),
    )

    def has_add_permission(self, request):
        return False  # tasks come from playbooks

    def get_ordering(self, request):
        return (F("done_at").asc(nulls_first=True), "due_at", "pk")

    @admin.display(description="alert", ordering="alert__title")
    def alert_link(self, obj):
        url = reverse("admin:alerts_alert_change", args=[obj.alert_id])
        return format_html('<a href="{}">{}</a>', url, obj.alert.title)

    @admin.display(description="due", ordering="due_at")
    def due(self, obj):
        text = f"{timezone.localtime(obj.due_at):%Y-%m-%d %H:%M}"  # the tenant's clock (TenantClockMixin)
        return format_html('<span style="{}">{} (overdue)</span>', OVERDUE_STYLE, text) if obj.is_overdue else text

    @admin.display(description="done", ordering="done_at")
    def done(self, obj):
        return f"{timezone.localtime(obj.done_at):%Y-%m-%d %H:%M}" if obj.done_at else ""

    def save_model(self, request, obj, form, change):
        # Through the services, so a reassignment is checked like everywhere else.
        original = Task.unscoped.get(pk=obj.pk)
        if "assignee" in form.changed_data and obj.assignee is not None:
            task_reassign(tenant=original.tenant, task=original, assignee=obj.assignee)
        if "note" in form.changed_data:
            original.note = obj.note
            original.save(update_fields=["note", "updated_at"])

    # --- actions ---------------------------------------------------------------------------------
    def get_actions(self, request):
        # CSMs act on the tasks they may change (checked per task); viewers read.
        return super().get_actions(request) if role_at_least(self.role(request), Role.CSM) else {}

    @admin.action(description="Mark selected tasks done")
    def complete_selected(self, request, queryset):
        done = 0
        for task in queryset.filter(done_at=None).select_related("account", "tenant"):
            if self.has_change_permission(request, task):
                task_complete(tenant=task.tenant, task=task, by=request.user)
                done += 1
        self.message_user(request, f"Marked {done} task(s) done.", messages.SUCCESS)

    @admin.action(description="Reassign selected tasks to another member")
    def reassign_selected(self, request, queryset):
        if request.tenant is None:
            self.message_user(request, "Choose a tenant first: members belong to one tenant.", messages.WARNING)
            return None
        if "apply" in request.POST:
            form = ReassignForm(request.POST, tenant=request.tenant)
            if form.is_valid():
                done = 0
                for task in queryset.select_related("account", "tenant"):
                    if self.has_change_permission(request, task):
                        task_reassign(tenant=task.tenant, task=task, assignee=form.cleaned_data["assignee"])
                        done += 1
                self.message_user(request, f"Reassigned {done} task(s).", messages.SUCCESS)
                return None
        else:
            form = ReassignForm(tenant=request.tenant)
        context = {
            **self.admin_site.each_context(request),
            "title": "Reassign tasks",
            "opts": self.model._meta,
            "tasks": queryset.select_related("account"),
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/alerts/task/reassign_selected.html", context)

    # --- one task --------------------------------------------------------------------------------
    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/complete/", wrap(self.complete_view), name=f"{info}_complete"),
            path("<path:object_id>/reopen/", wrap(self.reopen_view), name=f"{info}_reopen"),
            *super().get_urls(),
        ]

    def complete_view(self, request, object_id):
        task = self.get_object_to_change(request, object_id)
        back = reverse("admin:alerts_alert_change", args=[task.alert_id])
        if request.method == "POST":
            form = CompleteForm(request.POST)
            if form.is_valid():
                try:
                    task_complete(tenant=task.tenant, task=task, by=request.user, note=form.cleaned_data["note"])
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    self.message_user(request, f"Done: {task.title}.", messages.SUCCESS)
                    return HttpResponseRedirect(back)
        else:
            form = CompleteForm(initial={"note": task.note})
        query_errors = unknown_query_errors(request)
        context = {
            "query_errors": query_errors,
            **self.admin_site.each_context(request),
            "title": f"Complete: {task.title}",
            "opts": self.model._meta,
            "original": task,
            "form": form,
            "back": back,
        }
        return TemplateResponse(
            request, "admin/alerts/task/complete.html", context, status=400 if query_errors else 200
        )

    def reopen_view(self, request, object_id):
        task = self.get_object_to_change(request, object_id)
        if request.method == "POST":
            task_reopen(tenant=task.tenant, task=task)
            self.message_user(request, f"Reopened: {task.title}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:alerts_task_change", args=[task.pk]))
