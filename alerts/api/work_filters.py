import django_filters as filters
from django.db.models import Q
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from accounts.api.filters import tenant_rows
from accounts.api.principal import principal_of
from accounts.models import Account
from alerts.models import Alert, Task


class TaskFilter(filters.FilterSet):
    account = filters.ModelChoiceFilter(queryset=tenant_rows(Account))
    alert = filters.ModelChoiceFilter(queryset=tenant_rows(Alert))
    assignee = filters.CharFilter(
        method="filter_assignee", help_text="A member id, `me` (the caller's own tasks) or `none` (unassigned)."
    )
    state = filters.ChoiceFilter(
        choices=[("open", "Open"), ("overdue", "Open and past due"), ("done", "Done")], method="filter_state",
        help_text="Open (not done), overdue (not done and past due) or done; all when left out.",
    )  # fmt: skip

    class Meta:
        model = Task
        fields = ["account", "alert", "assignee"]

    def filter_assignee(self, queryset, name, value):
        value = value.strip().lower()
        if value == "none":
            return queryset.filter(assignee=None)
        if value == "me":
            membership = principal_of(self.request).membership
            return queryset.filter(assignee=membership) if membership is not None else queryset.none()
        if not value.isdigit():
            raise ValidationError({"assignee": ["A member id, `me` or `none`."]}, code="invalid")
        return queryset.filter(assignee_id=int(value))  # the tenant's tasks already: another's id matches none

    def filter_state(self, queryset, name, value):
        if value == "done":
            return queryset.exclude(done_at=None)
        if value == "overdue":
            return queryset.filter(Q(done_at=None) & Q(due_at__lt=timezone.now()))
        return queryset.filter(done_at=None)
