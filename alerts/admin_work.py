"""Snoozing and reassigning alerts in the console: change-list actions and pages from the change form.

``AlertWorkActions`` is a mixin of the alert admin. It adds, beside closing:

- actions "Snooze selected" (a day and a reason) and "Reassign selected" (another working member);
- pages ``<id>/snooze/``, ``<id>/unsnooze/`` and ``<id>/reassign/``, linked from the change form,
  which also shows the snooze and lists the alert's playbook tasks with a link to complete each;
- a "Snoozed" filter: the list leaves snoozed alerts out unless asked.

Another tenant's alert is "not found"; who may change an alert may snooze and reassign it
(admins any, CSMs what ``Alert.csm_may_change`` allows), viewers none.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from accounts.admin.work_filters import DefaultChoiceFilter
from accounts.roles import Role, role_at_least
from alerts.models import AlertStatus, Task
from alerts.selectors import not_snoozed_q
from alerts.services import alert_reassign, alert_snooze, alert_unsnooze, working_members
from alerts.services.snooze import tenant_today

REASON_REQUIRED = "Say why the alert can wait."


class SnoozeForm(forms.Form):
    snoozed_until = forms.DateField(
        label="Snooze until", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The alert is back in working lists at the start of this day, in the tenant's time zone.",
    )  # fmt: skip
    snooze_reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": REASON_REQUIRED},
    )  # fmt: skip

    def __init__(self, *args, tenant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def clean_snoozed_until(self):
        until = self.cleaned_data["snoozed_until"]
        if self.tenant is not None:
            today = tenant_today(self.tenant)
            if until <= today:
                raise ValidationError(f"Must be after today ({today.isoformat()} in {self.tenant.time_zone}).")
        return until

    def clean_snooze_reason(self):
        reason = self.cleaned_data["snooze_reason"].strip()
        if not reason:
            raise ValidationError(REASON_REQUIRED)
        return reason


class ReassignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=None, label="Hand to", help_text="An admin or a CSM of this tenant.")

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = working_members(tenant=tenant)


def unknown_query_errors(request) -> list[str]:
    """These pages take no query parameters: each one given is an error shown above the form (and a 400)."""
    return [f"Unknown parameter: {name}." for name in sorted(request.GET)] if request.method == "GET" else []


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError on the form: on the field it names, or above the form."""
    for name, messages_ in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages_)


class SnoozedListFilter(DefaultChoiceFilter):
    """Working lists leave snoozed alerts out, as of the tenant's today."""

    title = "snoozed"
    parameter_name = "snoozed"
    default = "no"

    def lookups(self, request, model_admin):
        return (("no", "Not snoozed"), ("yes", "Snoozed only"), ("all", "All, snoozed included"))

    def queryset(self, request, queryset):
        tenant = getattr(request, "tenant", None)
        if tenant is None or self.value() == "all":
            return queryset
        today = tenant_today(tenant)
        if self.value() == "yes":
            return queryset.filter(snoozed_until__gt=today)
        return queryset.filter(not_snoozed_q(today))


class AlertWorkActions:
    """Snooze, unsnooze and reassign for the alert admin (see the module docstring)."""

    change_form_template = "admin/alerts/alert/change_form_work.html"
    work_actions = ("snooze_selected", "unsnooze_selected", "reassign_selected")

    # --- list ------------------------------------------------------------------------------------
    def get_list_filter(self, request):
        return [*super().get_list_filter(request), SnoozedListFilter]

    def get_list_display(self, request):
        return [*super().get_list_display(request), "snoozed"]

    @admin.display(description="snoozed until", ordering="snoozed_until")
    def snoozed(self, obj):
        return obj.snoozed_until.isoformat() if obj.snoozed_until else ""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        # CSMs may act on the alerts they may change (checked per alert); viewers get none of these.
        if role_at_least(self.role(request), Role.CSM):
            for name in self.work_actions:
                actions[name] = self.get_action(name)
        return actions

    def _changeable(self, request, queryset):
        alerts = queryset.exclude(status=AlertStatus.CLOSED).select_related("account", "tenant")
        return [a for a in alerts if self.has_change_permission(request, a)]

    @admin.action(description="Snooze selected alerts until a day, with a reason")
    def snooze_selected(self, request, queryset):
        if "apply" in request.POST:
            form = SnoozeForm(request.POST, tenant=request.tenant)
            if form.is_valid():
                done = 0
                for alert in self._changeable(request, queryset):
                    try:
                        alert_snooze(tenant=alert.tenant, alert=alert, until=form.cleaned_data["snoozed_until"],
                                     reason=form.cleaned_data["snooze_reason"], by=request.user)  # fmt: skip
                        done += 1
                    except ValidationError as error:
                        self.message_user(request, f"{alert}: {'; '.join(error.messages)}", messages.WARNING)
                self.message_user(request, f"Snoozed {done} alert(s).", messages.SUCCESS)
                return None
        else:
            form = SnoozeForm(tenant=request.tenant)
        return self._bulk_page(request, queryset, form, "snooze_selected", "Snooze alerts", "Snooze")

    @admin.action(description="Put selected alerts back in working lists (unsnooze)")
    def unsnooze_selected(self, request, queryset):
        done = 0
        for alert in self._changeable(request, queryset.exclude(snoozed_until=None)):
            alert_unsnooze(tenant=alert.tenant, alert=alert, by=request.user)
            done += 1
        self.message_user(request, f"Unsnoozed {done} alert(s).", messages.SUCCESS)

    @admin.action(description="Reassign selected alerts to another member")
    def reassign_selected(self, request, queryset):
        if request.tenant is None:
            self.message_user(request, "Choose a tenant first: members belong to one tenant.", messages.WARNING)
            return None
        if "apply" in request.POST:
            form = ReassignForm(request.POST, tenant=request.tenant)
            if form.is_valid():
                done = 0
                for alert in self._changeable(request, queryset):
                    alert_reassign(tenant=alert.tenant, alert=alert, assignee=form.cleaned_data["assignee"])
                    done += 1
                self.message_user(request, f"Reassigned {done} alert(s) to {form.cleaned_data['assignee']}.",
                                  messages.SUCCESS)  # fmt: skip
                return None
        else:
            form = ReassignForm(tenant=request.tenant)
        return self._bulk_page(request, queryset, form, "reassign_selected", "Reassign alerts", "Reassign")

    def _bulk_page(self, request, queryset, form, action, title, button):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "alerts": queryset.exclude(status=AlertStatus.CLOSED).select_related("account"),
            "form": form,
            "action": action,
            "button": button,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/alerts/alert/work_selected.html", context)

    # --- one alert -------------------------------------------------------------------------------
    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/snooze/", wrap(self.snooze_view), name=f"{info}_snooze"),
            path("<path:object_id>/unsnooze/", wrap(self.unsnooze_view), name=f"{info}_unsnooze"),
            path("<path:object_id>/reassign/", wrap(self.reassign_view), name=f"{info}_reassign"),
            *super().get_urls(),
        ]

    def _change_url(self, alert):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[alert.pk])

    def snooze_view(self, request, object_id):
        alert = self.get_object_to_change(request, object_id)
        if request.method == "POST":
            form = SnoozeForm(request.POST, tenant=alert.tenant)
            if form.is_valid():
                try:
                    alert_snooze(tenant=alert.tenant, alert=alert, until=form.cleaned_data["snoozed_until"],
                                 reason=form.cleaned_data["snooze_reason"], by=request.user)  # fmt: skip
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    self.message_user(request, f"Snoozed until {alert.snoozed_until.isoformat()}.", messages.SUCCESS)
                    return HttpResponseRedirect(self._change_url(alert))
        else:
            form = SnoozeForm(tenant=alert.tenant, initial={"snooze_reason": alert.snooze_reason,
                                                            "snoozed_until": alert.snoozed_until})  # fmt: skip
        return self._one_page(request, alert, form, f"Snooze: {alert.title}", "Snooze")

    def unsnooze_view(self, request, object_id):
        alert = self.get_object_to_change(request, object_id)
        if request.method == "POST":
            alert_unsnooze(tenant=alert.tenant, alert=alert, by=request.user)
            self.message_user(request, "Back in working lists.", messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(alert))

    def reassign_view(self, request, object_id):
        alert = self.get_object_to_change(request, object_id)
        if request.method == "POST":
            form = ReassignForm(request.POST, tenant=alert.tenant)
            if form.is_valid():
                try:
                    alert_reassign(tenant=alert.tenant, alert=alert, assignee=form.cleaned_data["assignee"])
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    self.message_user(request, f"Reassigned to {alert.assignee}.", messages.SUCCESS)
                    return HttpResponseRedirect(self._change_url(alert))
        else:
            form = ReassignForm(tenant=alert.tenant, initial={"assignee": alert.assignee_id})
        return self._one_page(request, alert, form, f"Reassign: {alert.title}", "Reassign")

    def _one_page(self, request, alert, form, title, button):
        query_errors = unknown_query_errors(request)
        context = {
            "query_errors": query_errors,
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "original": alert,
            "form": form,
            "button": button,
            "change_url": self._change_url(alert),
        }
        return TemplateResponse(
            request, "admin/alerts/alert/work_one.html", context, status=400 if query_errors else 200
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        alert = self.get_object(request, unquote(object_id))
        extra = {}
        if alert is not None:
            tasks = Task.objects.for_tenant(alert.tenant).filter(alert=alert).select_related("assignee__user")
            extra = {
                "work_may_change": alert.status != AlertStatus.CLOSED and self.has_change_permission(request, alert),
                "work_snoozed": alert.is_snoozed_on(tenant_today(alert.tenant)),
                "work_tasks": list(tasks.order_by("due_at", "pk")),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})
