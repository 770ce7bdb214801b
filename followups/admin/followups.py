"""Follow-ups in the console: open work due soonest first, overdue in red, activities inline, a close form per
category."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.admin.base import TenantScopedAdmin, TenantScopedInline, restrict_to_request_tenant
from accounts.admin.work_filters import ChurnedFilter, OpenWorkFilter
from accounts.whole_numbers import whole_number
from alerts.models import Alert
from followups.admin.close_form import CloseForm
from followups.models import OPEN_STATUSES, Activity, Department, FollowUp, ResponseTheme, Status, Theme
from followups.services.closing import followup_close, overdue_alert_key
from followups.services.opening import WORKING_ROLES
from followups.services.themes import response_themes_set
from followups.services.working import activity_log, followup_assign, followup_transition, transition_error
from surveys.models import Category

OVERDUE_STYLE = "color:#ba2121;font-weight:bold"


class OverdueFilter(admin.SimpleListFilter):
    title = "deadline"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return (("yes", "Overdue"), ("no", "On time or closed"))

    def queryset(self, request, queryset):
        overdue = {"status__in": OPEN_STATUSES, "due_at__lt": timezone.now()}
        if self.value() == "yes":
            return queryset.filter(**overdue)
        if self.value() == "no":
            return queryset.exclude(**overdue)
        return queryset


class MineFilter(admin.SimpleListFilter):
    title = "assigned to"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return (("yes", "Me"),) if getattr(request, "membership", None) else ()

    def queryset(self, request, queryset):
        if self.value() == "yes" and getattr(request, "membership", None) is not None:
            return queryset.filter(assignee_id=request.membership.pk)
        return queryset


class TaggedFilter(admin.SimpleListFilter):
    """Follow-ups whose response carries a theme routed to the chosen department (or the chosen theme)."""

    model = Department
    lookup = "theme__department_id"

    def lookups(self, request, model_admin):
        rows = restrict_to_request_tenant(request, self.model.unscoped.all()).order_by("name")
        return [(str(row.pk), row.name) for row in rows]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        chosen = whole_number(self.value())
        if chosen is None:
            raise IncorrectLookupParameters(f"{self.parameter_name}: not an id")  # the admin's "bad filter" page
        tags = restrict_to_request_tenant(request, ResponseTheme.unscoped.all()).filter(**{self.lookup: chosen})
        return queryset.filter(response_id__in=tags.values("response_id"))


class DepartmentFilter(TaggedFilter):
    title = "department"
    parameter_name = "department"


class ThemeFilter(TaggedFilter):
    title = "theme"
    parameter_name = "theme"
    model = Theme
    lookup = "theme_id"


class DueFirstChangeList(ChangeList):
    """Unless a column is sorted: soonest deadline first, and among equal deadlines the member's own.

    The deadline leads because a list that put the member's own first would bury a colleague's
    follow-up due in an hour under the member's due next week; "Mine" narrows to one's own.
    """

    def get_ordering(self, request, queryset):
        ordering = super().get_ordering(request, queryset)
        return ordering if ORDER_VAR in self.params else ["due_at", "not_mine", "pk"]


class ActivityInline(TenantScopedInline):
    model = Activity
    fields = ("at", "kind", "note", "by")
    readonly_fields = ("by",)
    ordering = ("-at", "-pk")
    show_change_link = False
    extra = 1

    def has_delete_permission(self, request, obj=None):
        return False  # the log of what was done stays; a correction is another note


class FollowUpAdminForm(forms.ModelForm):
    themes = forms.ModelMultipleChoiceField(queryset=Theme.unscoped.none(), required=False)

    class Meta:
        model = FollowUp
        fields = ("assignee", "status")

    def clean_status(self):
        status = self.cleaned_data["status"]
        problem = transition_error(self.instance.status, status)
        if problem:
            raise ValidationError(problem)
        return status


@admin.register(FollowUp)
class FollowUpAdmin(TenantScopedAdmin):
    form = FollowUpAdminForm
    list_display = ("contact", "account", "category", "score", "status", "assignee", "deadline", "created_at")
    list_filter = (
        OpenWorkFilter, MineFilter, OverdueFilter, "status", "category", DepartmentFilter, ThemeFilter, "assignee",
        ChurnedFilter,
    )  # fmt: skip
    list_select_related = ("contact", "account", "assignee__user", "response")
    search_fields = ("contact__name", "contact__email", "account__name")
    inlines = [ActivityInline]
    readonly_fields = (
        "response_summary", "account", "contact", "category", "deadline", "first_activity_at",
        "outcome", "close_link", "alerts",
    )  # fmt: skip
    fieldsets = (
        (None, {"fields": ("response_summary", "account", "contact", "category")}),
        ("Work", {"fields": ("assignee", "status", "deadline", "first_activity_at", "themes", "close_link", "alerts")}),
        ("Outcome", {"fields": ("outcome",)}),
    )

    def has_add_permission(self, request):
        return False  # every response opens its own

    # --- rows ----------------------------------------------------------------------------
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        membership = getattr(request, "membership", None)
        if membership is None:
            return queryset.annotate(not_mine=Value(1, output_field=IntegerField()))
        mine = Case(When(assignee_id=membership.pk, then=Value(0)), default=Value(1), output_field=IntegerField())
        return queryset.annotate(not_mine=mine)

    def get_changelist(self, request, **kwargs):
        return DueFirstChangeList

    def get_fieldsets(self, request, obj=None):
        # The close button is for whoever may close it: a viewer would only meet a refusal behind it.
        if obj is None or self.has_change_permission(request, obj):
            return super().get_fieldsets(request, obj)
        return [(name, {**options, "fields": [f for f in options["fields"] if f != "close_link"]})
                for name, options in super().get_fieldsets(request, obj)]  # fmt: skip

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        themes = restrict_to_request_tenant(request, Theme.unscoped.all())
        form.base_fields["themes"].queryset = themes
        if obj is not None:
            tagged = restrict_to_request_tenant(request, ResponseTheme.unscoped.all()).filter(
                response_id=obj.response_id
            )
            form.base_fields["themes"].initial = list(tagged.values_list("theme_id", flat=True))
        if "status" in form.base_fields and (obj is None or obj.status != Status.CLOSED):
            form.base_fields["status"].choices = [c for c in Status.choices if c[0] != Status.CLOSED]
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "assignee" and field is not None:
            field.queryset = field.queryset.filter(role__in=WORKING_ROLES)
        return field

    # --- saving through the services -----------------------------------------------------
    def save_model(self, request, obj, form, change):
        tenant = obj.tenant
        current = FollowUp.objects.for_tenant(tenant).get(pk=obj.pk)
        if "assignee" in form.changed_data:
            current = followup_assign(tenant=tenant, followup=current, assignee=form.cleaned_data["assignee"])
        if "status" in form.changed_data:
            current = followup_transition(tenant=tenant, followup=current, status=form.cleaned_data["status"])
        obj.__dict__.update({f.attname: getattr(current, f.attname) for f in FollowUp._meta.concrete_fields})

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "themes" in form.changed_data:
            response_themes_set(
                tenant=form.instance.tenant, response=form.instance.response, themes=form.cleaned_data["themes"],
                by=getattr(request, "membership", None),
            )  # fmt: skip

    def save_formset(self, request, form, formset, change):
        if formset.model is not Activity:
            return super().save_formset(request, form, formset, change)
        followup = form.instance
        for activity in formset.save(commit=False):
            if activity.pk is None:
                activity_log(
                    tenant=followup.tenant, followup=followup, kind=activity.kind, note=activity.note,
                    at=activity.at, by=getattr(request, "membership", None),
                )  # fmt: skip
            else:
                activity.save()

    # --- columns and panels --------------------------------------------------------------
    @admin.display(description="score", ordering="response__score")
    def score(self, obj):
        return obj.response.score

    @admin.display(description="due", ordering="due_at")
    def deadline(self, obj):
        when = timezone.localtime(obj.due_at).strftime("%Y-%m-%d %H:%M")
        late = " (received late)" if obj.received_late else ""
        if obj.is_overdue:
            return format_html('<span class="overdue" style="{}">{} (overdue{})</span>', OVERDUE_STYLE, when, late)
        return f"{when}{late}"

    @admin.display(description="response")
    def response_summary(self, obj):
        response = obj.response
        return format_html(
            "{}/10 on {}{}", response.score, timezone.localtime(response.responded_at).strftime("%Y-%m-%d"),
            f": “{response.comment}”" if response.comment else "",
        )  # fmt: skip

    @admin.display(description="close")
    def close_link(self, obj):
        if obj.pk is None or not obj.is_open:
            return "Closed" if obj.pk else "-"
        url = reverse("admin:followups_followup_close", args=[obj.pk])
        return format_html('<a class="button" href="{}">Close with the outcome</a>', url)

    @admin.display(description="alerts")
    def alerts(self, obj):
        """The alerts about this piece of work (its answer's, its overdue one), so the two read as one item."""
        if obj.pk is None:
            return "-"
        about = (
            Alert.objects.for_tenant(obj.tenant_id)
            .filter(account_id=obj.account_id)
            .filter(Q(detail__response_id=obj.response_id) | Q(key=overdue_alert_key(obj)))
            .order_by("-first_fired_at", "-pk")
        )
        rows = format_html_join(
            "", '<li><a href="{}">{}</a> ({})</li>',
            ((reverse("admin:alerts_alert_change", args=[a.pk]), a.title, a.get_status_display().lower())
             for a in about),
        )  # fmt: skip
        return (
            format_html('<ul style="margin:0;padding:0;list-style:none">{}</ul>', rows)
            if rows
            else "No alert about it."
        )

    @admin.display(description="outcome")
    def outcome(self, obj):
        if obj.status != Status.CLOSED:
            return "Not closed yet."
        parts = [("Closed", f"{timezone.localtime(obj.closed_at):%Y-%m-%d %H:%M} by {obj.closed_by or 'integration'}")]
        if obj.category == Category.PROMOTER:
            asks = ", ".join(f"{a.get_kind_display()}: {a.get_result_display()}" for a in obj.asks.all())
            parts += [("Asks", asks or "-"), ("Why a promoter", obj.reason_promoter)]
        elif obj.category == Category.PASSIVE:
            parts.append(("What would make them a promoter", obj.what_would_make_promoter))
        else:
            parts += [
                ("Root cause", str(obj.root_cause or "-")),
                ("Product mismatch", "yes" if obj.product_mismatch else "no"),
                ("Resolved", "yes" if obj.resolved else "no"),
            ]
        if obj.closing_note:
            parts.append(("Note", obj.closing_note))
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", parts))

    # --- the close form ------------------------------------------------------------------
    def get_urls(self):
        close = path(
            "<path:object_id>/close/", self.admin_site.admin_view(self.close_view), name="followups_followup_close"
        )
        return [close, *super().get_urls()]

    def close_view(self, request, object_id):
        followup = self.get_object_to_change(request, object_id)
        change_url = reverse("admin:followups_followup_change", args=[followup.pk])
        if not followup.is_open:
            messages.info(request, "This follow-up is closed; set its status to reopen it.")
            return HttpResponseRedirect(change_url)
        form = CloseForm(request.POST if request.method == "POST" else None, followup=followup)
        if request.method == "POST" and form.is_valid():
            try:
                followup_close(
                    tenant=followup.tenant, followup=followup, outcome=form.outcome(),
                    by=getattr(request, "membership", None),
                )  # fmt: skip
            except ValidationError as exc:
                form.add_service_errors(exc.message_dict)
            else:
                messages.success(request, "Follow-up closed.")
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "followup": followup,
            "form": form,
            "title": f"Close: {followup}",
        }
        return TemplateResponse(request, "followups/admin/close.html", context)
