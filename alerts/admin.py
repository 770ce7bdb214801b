"""Alert rules (admins configure) and alerts (CSMs work to closure with a note)."""

from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Q, Value, When
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html

from accounts.admin.base import TenantScopedAdmin
from accounts.admin.work_filters import ChurnedFilter, OpenWorkFilter
from alerts.admin_detail import detail_html
from alerts.admin_work import AlertWorkActions
from alerts.models import Alert, AlertRule, AlertStatus, Priority, RuleKind
from alerts.services import alert_update
from alerts.services.describe import rule_condition_text
from alerts.services.reassign import WORKING_ROLES
from indicators.models import Band

OVERDUE_STYLE = "color:#ba2121;font-weight:bold"


class AlertRuleForm(forms.ModelForm):
    bands = forms.MultipleChoiceField(
        choices=Band.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Renewals: only in these bands; none ticked means any band.",
    )  # fmt: skip

    class Meta:
        model = AlertRule
        fields = ("name", "kind", "priority", "due_in_days", "enabled", "indicator", "operator", "threshold", "points",
                  "within_days", "to_band", "from_band", "bands", "playbook")  # fmt: skip


@admin.register(AlertRule)
class AlertRuleAdmin(TenantScopedAdmin):
    form = AlertRuleForm
    list_display = ("name", "kind", "condition", "priority", "due_in_days", "enabled")
    list_filter = ("kind", "priority", "enabled")
    search_fields = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "kind", "priority", "due_in_days", "enabled")}),
        ("Indicator threshold", {"fields": ("indicator", "operator", "threshold")}),
        ("Score drop, renewal, detractor answer", {"fields": ("points", "within_days")}),
        ("Band change", {"fields": ("to_band", "from_band")}),
        ("Renewal proximity", {"fields": ("bands",)}),
        ("Playbook", {"fields": ("playbook",)}),
    )

    def get_changeform_initial_data(self, request):
        # A new rule starts as a complete one (the commonest: a detractor answer), edited from there.
        return {"kind": RuleKind.DETRACTOR_ANSWER, "within_days": 14, "priority": Priority.HIGH, "due_in_days": 2,
                **super().get_changeform_initial_data(request)}  # fmt: skip

    @admin.display(description="condition")
    def condition(self, obj):
        return rule_condition_text(obj)


class AlertForm(forms.ModelForm):
    """Working an alert: status, assignee, and the note that closing requires (Alert.clean refuses it without)."""

    class Meta:
        model = Alert
        fields = ("status", "assignee", "closing_note")


class CloseForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), label="Closing note")


class TenantClockMixin:
    """Every date and time on these pages (list, form, history, actions) on the tenant's clock, not UTC.

    Admin renders dates in the active time zone when the page is rendered, so the page is rendered
    inside the override rather than lazily after the view returns.
    """

    def _on_tenant_clock(self, request, view, *args, **kwargs):
        tenant = getattr(request, "tenant", None)
        with timezone.override(ZoneInfo(tenant.time_zone) if tenant is not None else None):
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
                response.render()
        return response

    def changelist_view(self, request, extra_context=None):
        return self._on_tenant_clock(request, super().changelist_view, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._on_tenant_clock(request, super().changeform_view, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        return self._on_tenant_clock(request, super().history_view, object_id, extra_context)


class MineFilter(admin.SimpleListFilter):
    """The member's alerts: assigned to them, or on an account they own (which they may work too)."""

    title = "mine"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return (("yes", "Assigned to me or on my accounts"),) if getattr(request, "membership", None) else ()

    def queryset(self, request, queryset):
        membership = getattr(request, "membership", None)
        if self.value() == "yes" and membership is not None:
            return queryset.filter(Q(assignee_id=membership.pk) | Q(account__csm_owner_id=membership.pk))
        return queryset


@admin.register(Alert)
class AlertAdmin(AlertWorkActions, TenantClockMixin, TenantScopedAdmin):
    form = AlertForm
    list_display = ("title", "account", "priority", "status", "assignee", "due", "last_fired_at", "fire_count")
    list_filter = (OpenWorkFilter, MineFilter, "status", "priority", "assignee", ChurnedFilter)
    list_select_related = ("account", "assignee__user")
    search_fields = ("title", "message", "account__name")
    actions = ["close_selected"]
    readonly_fields = (
        "account", "title", "message", "priority", "due", "rule", "key", "details", "first_fired_at", "last_fired_at",
        "fire_count", "closed_by", "closed_by_system", "closed_at",
    )  # fmt: skip
    fieldsets = (
        (None, {"fields": ("account", "title", "message", "priority", "due", "details")}),
        ("Work it", {"fields": ("status", "assignee", "closing_note")}),
        ("Firing", {"fields": ("rule", "key", "first_fired_at", "last_fired_at", "fire_count")}),
        ("Closure", {"fields": ("closed_by", "closed_by_system", "closed_at")}),
    )

    def get_ordering(self, request):
        # Soonest due first; the member's own only break ties. Own-first would bury a colleague's alert
        # due today under one's own due next week; the Mine filter narrows the list to one's own.
        membership = getattr(request, "membership", None)
        if membership is None:
            return ("due_at", "pk")
        mine = Case(When(assignee=membership, then=Value(0)), default=Value(1), output_field=IntegerField())
        return ("due_at", mine.asc(), "pk")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "assignee" and field is not None:
            field.queryset = field.queryset.filter(role__in=WORKING_ROLES)  # viewers read; work goes to workers
        return field

    def get_readonly_fields(self, request, obj=None):
        # The stored status, not the form's: a refused close (no note) leaves "closed" on the unsaved
        # instance, and the page must come back editable with the error on the note.
        if obj is not None and obj.pk is not None and self._stored_status(obj) == AlertStatus.CLOSED:
            return (*self.readonly_fields, "status", "assignee", "closing_note")
        return self.readonly_fields

    @staticmethod
    def _stored_status(obj) -> str | None:
        return Alert.objects.for_tenant(obj.tenant_id).filter(pk=obj.pk).values_list("status", flat=True).first()

    def has_add_permission(self, request):
        return False  # alerts come from rules and from the product, never typed in

    @admin.display(description="due", ordering="due_at")
    def due(self, obj):
        if obj.due_at is None:
            return "-"
        text = f"{timezone.localtime(obj.due_at):%Y-%m-%d %H:%M}"  # the tenant's clock (TenantClockMixin)
        return format_html('<span style="{}">{} (overdue)</span>', OVERDUE_STYLE, text) if obj.is_overdue else text

    @admin.display(description="about")
    def details(self, obj):
        return "-" if obj.pk is None else detail_html(obj)

    def save_model(self, request, obj, form, change):
        # Through the service, so closing stamps who and when, and a closed alert stays closed.
        original = Alert.unscoped.get(pk=obj.pk)
        if original.status == AlertStatus.CLOSED:
            return  # read-only once closed
        changes = {"assignee": obj.assignee} if "assignee" in form.changed_data else {}
        alert_update(tenant=original.tenant, alert=original, status=obj.status, note=obj.closing_note,
                     by=request.user, **changes)  # fmt: skip

    @admin.action(description="Close selected alerts with a note", permissions=["change"])
    def close_selected(self, request, queryset):
        queryset = queryset.exclude(status=AlertStatus.CLOSED)
        if "apply" in request.POST:
            form = CloseForm(request.POST)
            if form.is_valid():
                closed = 0
                for alert in queryset.select_related("account"):
                    if self.has_change_permission(request, alert):
                        alert_update(tenant=alert.tenant, alert=alert, status=AlertStatus.CLOSED,
                                     note=form.cleaned_data["note"], by=request.user)  # fmt: skip
                        closed += 1
                self.message_user(request, f"Closed {closed} alert(s).", messages.SUCCESS)
                return None
        else:
            form = CloseForm()
        context = {
            **self.admin_site.each_context(request),
            "title": "Close alerts with a note",
            "opts": self.model._meta,
            "alerts": queryset.select_related("account"),
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/alerts/alert/close_selected.html", context)
