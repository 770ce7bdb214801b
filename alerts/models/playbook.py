"""Playbooks: a tenant's checklist templates. A rule that names one turns each alert it opens into tasks."""

from django.core.validators import MaxValueValidator
from django.db import models

from accounts.audit import audit_trail
from accounts.tenancy import TenantOwned


class StepAssignee(models.TextChoices):
    ALERT_ASSIGNEE = "alert_assignee", "The alert's assignee"
    ACCOUNT_CSM = "account_csm", "The account's CSM"


class Playbook(TenantOwned):
    """A named checklist; its steps become one task each when an alert of a rule that names it opens."""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    enabled = models.BooleanField(default=True, help_text="A disabled playbook creates no tasks.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="playbook_unique_name")]

    def __str__(self) -> str:
        return self.name


class PlaybookStep(TenantOwned):
    """One item of a playbook: what to do, for whom, and how many days after the alert opens it is due."""

    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=0, help_text="Steps are listed in this order.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    due_in_days = models.PositiveIntegerField(
        default=2,
        validators=[MaxValueValidator(365)],
        help_text="Due at the end of this day after the alert opens, in the tenant's time zone (0: the same day).",
    )
    assignee = models.CharField(max_length=20, choices=StepAssignee.choices, default=StepAssignee.ALERT_ASSIGNEE)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["playbook", "position", "pk"]
        indexes = [models.Index(fields=["tenant", "playbook", "position"], name="playbookstep_tenant_order")]

    def __str__(self) -> str:
        return self.title
