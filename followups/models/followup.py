"""The inner loop: a follow-up per survey response, its activities, and what closing it recorded."""

from django.db import models
from django.utils import timezone

from accounts.audit import audit_trail
from accounts.tenancy import TenantOwned
from followups.models.choices import OPEN_STATUSES, ActivityKind, AskKind, AskResult, Status
from surveys.models import Category


class RootCause(TenantOwned):
    """A tenant-defined reason a customer is a detractor ("missing integration", "outages")."""

    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True, help_text="Inactive causes stay on closed follow-ups only.")
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="rootcause_unique_name")]

    def __str__(self) -> str:
        return self.name


class FollowUp(TenantOwned):
    """What the account's CSM does about one survey response, and what they learned when closing it."""

    response = models.ForeignKey("surveys.SurveyResponse", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey("accounts.Contact", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=10, choices=Category.choices)
    assignee = models.ForeignKey(
        "accounts.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    due_at = models.DateTimeField(
        help_text="End of the last business day allowed, in the tenant's time zone. Business days are Monday "
        "to Friday, except the tenant's public holidays and closing days."
    )
    first_activity_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_note = models.TextField(blank=True)

    # Outcome of a promoter follow-up (the asks are FollowUpAsk rows).
    reason_promoter = models.TextField("why they are a promoter", blank=True)
    # Outcome of a passive follow-up.
    what_would_make_promoter = models.TextField("what would make them a promoter", blank=True)
    # Outcome of a detractor follow-up.
    root_cause = models.ForeignKey(RootCause, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    product_mismatch = models.BooleanField(
        null=True, blank=True, help_text="Their needs are ones the product was not made for."
    )
    resolved = models.BooleanField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["due_at", "pk"]
        verbose_name = "follow-up"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "response"], name="followup_unique_response"),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "due_at"], name="followup_tenant_status_due"),
            models.Index(fields=["tenant", "assignee", "status"], name="followup_tenant_assignee"),
            models.Index(fields=["tenant", "account", "-created_at"], name="followup_tenant_account"),
        ]

    def csm_may_change(self, membership) -> bool:
        """Follow-ups are team work: any CSM of the tenant may pick one up."""
        return membership is not None

    def __str__(self) -> str:
        return f"{self.get_category_display()} follow-up: {self.contact}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < timezone.now()

    @property
    def received_late(self) -> bool:
        """Overdue from its opening: the answer reached csplatform after its deadline (synced or imported late)."""
        return self.created_at is not None and self.due_at is not None and self.due_at <= self.created_at


class FollowUpAsk(TenantOwned):
    """One ask made of a promoter (a reference, a review...) and their answer."""

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="asks")
    kind = models.CharField(max_length=12, choices=AskKind.choices)
    result = models.CharField(max_length=10, choices=AskResult.choices)
    note = models.CharField(max_length=500, blank=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["tenant", "followup", "kind"], name="followupask_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_result_display()}"


class Activity(TenantOwned):
    """A touch logged on a follow-up: a call, an email, a meeting or a note, by whom and when."""

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=10, choices=ActivityKind.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey("accounts.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now, help_text="When it happened.")
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["-at", "-pk"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["tenant", "followup", "-at"], name="activity_tenant_followup")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.at:%Y-%m-%d}"
