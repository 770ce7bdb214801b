import django_filters as filters
from django.db.models import Q
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from accounts.api.filters import tenant_rows
from accounts.api.principal import principal_of
from accounts.api.strict_filters import StrictBooleanFilter, StrictFilterSet
from accounts.models import Account
from accounts.whole_numbers import whole_number
from alerts.models import Alert, AlertRule, AlertStatus, Priority, RuleKind


def assignee_filtered(request, queryset, value: str):
    """``?assignee=``: a member id, ``me`` (the signed-in member) or ``none`` (nobody's)."""
    value = value.strip().lower()
    if value == "none":
        return queryset.filter(assignee=None)
    if value == "me":
        membership = principal_of(request).membership
        return queryset.filter(assignee=membership) if membership is not None else queryset.none()
    member_id = whole_number(value)
    if member_id is None:
        raise ValidationError({"assignee": ["A member id, `me` or `none`."]}, code="invalid")
    # The queryset is the tenant's already: another tenant's member id simply matches nothing.
    return queryset.filter(assignee_id=member_id)


class AlertFilter(StrictFilterSet):
    status = filters.MultipleChoiceFilter(choices=AlertStatus.choices, help_text="Repeat for several.")
    priority = filters.MultipleChoiceFilter(choices=Priority.choices, help_text="Repeat for several.")
    account = filters.ModelChoiceFilter(queryset=tenant_rows(Account))
    rule = filters.ModelChoiceFilter(queryset=tenant_rows(AlertRule))
    assignee = filters.CharFilter(
        method="filter_assignee", help_text="A member id, `me` (the caller's own alerts) or `none` (unassigned)."
    )
    overdue = StrictBooleanFilter(method="filter_overdue", help_text="Not closed and past due.")

    class Meta:
        model = Alert
        fields = ["status", "priority", "account", "rule", "assignee"]

    def filter_assignee(self, queryset, name, value):
        return assignee_filtered(self.request, queryset, value)

    def filter_overdue(self, queryset, name, value):
        late = Q(due_at__lt=timezone.now()) & ~Q(status=AlertStatus.CLOSED)
        return queryset.filter(late) if value else queryset.exclude(late)


class AlertRuleFilter(StrictFilterSet):
    kind = filters.MultipleChoiceFilter(choices=RuleKind.choices)

    class Meta:
        model = AlertRule
        fields = ["kind", "enabled", "priority"]
