"""Alerts: one account needs a CSM's attention, for a reason the alert states."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from accounts.audit import audit_trail
from accounts.tenancy import TenantOwned
from alerts.models.choices import Priority


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed"


class Alert(TenantOwned):
    """At most one alert per (account, key) is not closed; a new firing after closure opens a new one.

    ``key`` names what fired: ``rule:<id>`` for a rule, or a key chosen by the app that raised it
    (an overdue follow-up, say).
    """

    rule = models.ForeignKey("alerts.AlertRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="alerts")
    key = models.CharField(max_length=100, help_text="What fired; one alert per account and key is not closed.")
    assignee = models.ForeignKey(
        "accounts.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_alerts"
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    title = models.CharField(max_length=200)
    message = models.TextField(help_text="Why it fired, in a sentence.")
    detail = models.JSONField(default=dict, blank=True)
    first_fired_at = models.DateTimeField()
    last_fired_at = models.DateTimeField()
    fire_count = models.PositiveIntegerField(default=1)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.TextField(blank=True)
    closed_by_system = models.BooleanField(
        default=False, help_text="Closed by csplatform because its cause was gone, not by a person."
    )
    snoozed_until = models.DateField(
        null=True, blank=True,
        help_text="Out of working lists until the start of this day, in the tenant's time zone.",
    )  # fmt: skip
    snooze_reason = models.TextField(blank=True)
    snoozed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account", "key"],
                condition=~models.Q(status="closed"),
                name="alert_unique_open_key",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(closing_note=""),
                name="alert_closed_has_note",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "due_at"], name="alert_tenant_status_due"),
            models.Index(fields=["tenant", "assignee", "status"], name="alert_tenant_assignee"),
            models.Index(fields=["tenant", "account", "status"], name="alert_tenant_account"),
        ]

    def csm_may_change(self, membership) -> bool:
        """A CSM works the alerts assigned to them or to nobody, and every alert of the accounts they own."""
        return membership is not None and (
            self.assignee_id in (None, membership.pk) or self.account.csm_owner_id == membership.pk
        )

    def __str__(self) -> str:
        return f"{self.title}: {self.account}"

    def is_snoozed_on(self, today) -> bool:
        """Whether the alert is out of working lists on ``today``, a day of the tenant's calendar."""
        return self.snoozed_until is not None and self.snoozed_until > today

    @property
    def is_overdue(self) -> bool:
        return self.status != AlertStatus.CLOSED and self.due_at is not None and self.due_at < timezone.now()

    def clean(self):
        super().clean()
        if self.status == AlertStatus.CLOSED and not self.closing_note.strip():
            raise ValidationError({"closing_note": "A note is required to close an alert."})
