"""Tasks: the steps of a playbook made concrete for one alert, each with its assignee and deadline."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.audit import audit_trail
from accounts.tenancy import TenantOwned


class Task(TenantOwned):
    """One piece of an alert's work. Closing the alert leaves its tasks as they are (done or not)."""

    alert = models.ForeignKey("alerts.Alert", on_delete=models.CASCADE, related_name="tasks")
    step = models.ForeignKey(
        "alerts.PlaybookStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks",
        help_text="The playbook step it came from (kept empty if the step is deleted later).",
    )  # fmt: skip
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    due_at = models.DateTimeField()
    assignee = models.ForeignKey(
        "accounts.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_tasks"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, help_text="What was done (optional).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["due_at", "pk"]
        constraints = [
            # A playbook step becomes at most one task per alert, however often the alert is evaluated.
            models.UniqueConstraint(fields=["tenant", "alert", "step"], name="task_unique_alert_step"),
        ]
        indexes = [
            models.Index(fields=["tenant", "assignee", "done_at", "due_at"], name="task_tenant_assignee"),
            models.Index(fields=["tenant", "account", "due_at"], name="task_tenant_account"),
            models.Index(fields=["tenant", "due_at"], name="task_tenant_due"),
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.account}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_at < timezone.now()

    def csm_may_change(self, membership) -> bool:
        """A CSM works the tasks assigned to them or to nobody, and every task of the accounts they own."""
        return membership is not None and (
            self.assignee_id in (None, membership.pk) or self.account.csm_owner_id == membership.pk
        )
