import django_filters as filters
from rest_framework.exceptions import ValidationError

from accounts.api.filters import tenant_rows
from accounts.api.principal import principal_of
from accounts.api.strict_filters import StrictBooleanFilter, StrictFilterSet
from accounts.models import Account
from accounts.whole_numbers import whole_number
from followups.models import OPEN_STATUSES, Department, FollowUp, Status, Theme, ThemeKeywordRule
from followups.selectors import followups_overdue
from surveys.models import Category


class FollowUpFilter(StrictFilterSet):
    status = filters.MultipleChoiceFilter(choices=Status.choices, help_text="Repeat for several statuses.")
    open = StrictBooleanFilter(method="filter_open", help_text="true: new, in progress or waiting on customer.")
    category = filters.MultipleChoiceFilter(choices=Category.choices)
    assignee = filters.CharFilter(method="filter_assignee", help_text="A member id, or `me`.")
    overdue = StrictBooleanFilter(method="filter_overdue", help_text="Open and past its deadline.")
    account = filters.ModelChoiceFilter(queryset=tenant_rows(Account))
    theme = filters.ModelChoiceFilter(queryset=tenant_rows(Theme), method="filter_theme", help_text="A theme id.")
    department = filters.ModelChoiceFilter(
        queryset=tenant_rows(Department), method="filter_department", help_text="A department id."
    )
    due_at = filters.IsoDateTimeFromToRangeFilter(help_text="due_at_after / due_at_before (ISO 8601)")

    class Meta:
        model = FollowUp
        fields = ["status", "category", "account"]

    def filter_open(self, queryset, name, value):
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset.filter(status=Status.CLOSED)

    def filter_assignee(self, queryset, name, value):
        if value == "me":
            membership = principal_of(self.request).membership
            return queryset.filter(assignee_id=membership.pk) if membership is not None else queryset.none()
        member_id = whole_number(value)
        if member_id is None:
            raise ValidationError({"assignee": ["A member id, or `me`."]})
        return queryset.filter(assignee_id=member_id)

    def filter_overdue(self, queryset, name, value):
        overdue = followups_overdue(queryset)
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_theme(self, queryset, name, value: Theme):
        return queryset.filter(response_id__in=self._tagged(theme=value))

    def filter_department(self, queryset, name, value: Department):
        return queryset.filter(response_id__in=self._tagged(theme__department=value))

    def _tagged(self, **lookup):
        from followups.models import ResponseTheme

        tenant = principal_of(self.request).tenant
        return ResponseTheme.objects.for_tenant(tenant).filter(**lookup).values("response_id")


class ThemeFilter(StrictFilterSet):
    name = filters.CharFilter(lookup_expr="icontains")
    department = filters.ModelChoiceFilter(queryset=tenant_rows(Department))

    class Meta:
        model = Theme
        fields = ["name", "department", "is_active"]


class ThemeKeywordRuleFilter(StrictFilterSet):
    theme = filters.ModelChoiceFilter(queryset=tenant_rows(Theme))

    class Meta:
        model = ThemeKeywordRule
        fields = ["theme", "is_active"]
