import django_filters as filters
from django.db.models import Q
from django.utils import timezone

from accounts.api.filters import tenant_rows
from accounts.api.strict_filters import StrictFilterSet
from accounts.models import Account
from alerts.api.filters import assignee_filtered
from alerts.models import Alert, Task


class TaskFilter(StrictFilterSet):
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
        return assignee_filtered(self.request, queryset, value)

    def filter_state(self, queryset, name, value):
        if value == "done":
            return queryset.exclude(done_at=None)
        if value == "overdue":
            return queryset.filter(Q(done_at=None) & Q(due_at__lt=timezone.now()))
        return queryset.filter(done_at=None)
