"""Renewals: one per account and term, from pending to its outcome, with the CSM's call on the way."""

from django.db import models
from django.db.models import Q

from accounts.audit import audit_trail
from accounts.tenancy import TenantOwned


class Outcome(models.TextChoices):
    PENDING = "pending", "Pending"
    RENEWED = "renewed", "Renewed"  # at the ARR due
    EXPANDED = "expanded", "Expanded"  # renewed above the ARR due
    DOWNSOLD = "downsold", "Downsold"  # renewed below the ARR due
    CHURNED = "churned", "Churned"


CLOSED_OUTCOMES = (Outcome.RENEWED, Outcome.EXPANDED, Outcome.DOWNSOLD, Outcome.CHURNED)


class CsmCall(models.TextChoices):
    COMMIT = "commit", "Commit"
    LIKELY = "likely", "Likely"
    AT_RISK = "at_risk", "At risk"
    LOST = "lost", "Lost"


class RenewalSource(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    API = "api", "API"
    EVENT = "event", "Commercial event"
    IMPORT = "import", "Import"
    OPENING = "opening", "Opened from the account's renewal date"


class ReasonKind(models.TextChoices):
    CHURN = "churn", "Churn"
    DOWNSELL = "downsell", "Downsell"


class RenewalReason(TenantOwned):
    """A tenant's own reason for a churn or a downsell ("budget cut", "moved to a competitor")."""

    kind = models.CharField(max_length=10, choices=ReasonKind.choices)
    name = models.CharField(max_length=120)
    active = models.BooleanField(default=True, help_text="Inactive reasons stay on past renewals only.")

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "kind", "name"], name="renewalreason_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()})"


class Renewal(TenantOwned):
    """An account's renewal at the end of one term: what is due, what the CSM expects, what happened.

    A renewal is judged by its term's end, whether it closed early or late. Closing it moves the account's
    ARR through the ledger (``outcomes/services/ledger.py``), never by hand.
    """

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="renewals")
    external_id = models.CharField(max_length=191, blank=True, help_text="The tenant's own id (CRM opportunity).")
    term_start = models.DateField()
    term_end = models.DateField(help_text="The renewal is due on this day; early or late closes are judged by it.")
    arr_due = models.DecimalField("ARR due", max_digits=14, decimal_places=2, help_text="ARR up for renewal.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    closed_arr = models.DecimalField(
        "closed ARR",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="ARR after it closed; 0 when churned.",
    )
    closed_on = models.DateField(null=True, blank=True)
    reason = models.ForeignKey(
        RenewalReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Why it churned or was downsold (the tenant's list).",
    )  # fmt: skip
    csm_call = models.CharField("CSM's call", max_length=10, choices=CsmCall.choices, blank=True)
    csm_call_on = models.DateField("CSM's call made on", null=True, blank=True)
    notes = models.TextField(blank=True)
    source = models.CharField(
        max_length=10, choices=RenewalSource.choices, default=RenewalSource.MANUAL, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["term_end", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "account", "term_end"], name="renewal_one_per_term"),
            models.UniqueConstraint(
                fields=["tenant", "external_id"], condition=~Q(external_id=""), name="renewal_external_id_unique"
            ),
            models.CheckConstraint(condition=Q(term_end__gt=models.F("term_start")), name="renewal_term_positive"),
        ]
        indexes = [models.Index(fields=["tenant", "outcome", "term_end"], name="renewal_tenant_outcome_end")]

    def __str__(self) -> str:
        return f"{self.account} renewal due {self.term_end:%Y-%m-%d}"

    @property
    def is_closed(self) -> bool:
        return self.outcome != Outcome.PENDING

    def csm_may_change(self, membership) -> bool:
        """A CSM works the renewals of the accounts they own."""
        return membership is not None and self.account.csm_owner_id == membership.pk
