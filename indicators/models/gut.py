"""The CSM's gut read of an account: a five-level sentiment with a note and an expiry.

Each read is a new row; the latest one set for an account is its read until it expires (a newer
read replaces it, even a shorter-lived one). Computed, gut and final scores sit side by side on
``HealthScore``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.audit import audit_trail
from accounts.tenancy import TenantOwned
from indicators.engine import GutLevel


class GutLevelChoice(models.TextChoices):
    VERY_NEGATIVE = GutLevel.VERY_NEGATIVE, "Very negative"
    NEGATIVE = GutLevel.NEGATIVE, "Negative"
    NEUTRAL = GutLevel.NEUTRAL, "Neutral"
    POSITIVE = GutLevel.POSITIVE, "Positive"
    VERY_POSITIVE = GutLevel.VERY_POSITIVE, "Very positive"


class GutRead(TenantOwned):
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="gut_reads")
    level = models.CharField(max_length=20, choices=GutLevelChoice.choices)
    note = models.TextField(blank=True, help_text="Why: what the CSM sees that the numbers may not.")
    expires_at = models.DateTimeField(help_text="After this the read no longer counts.")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    set_at = models.DateTimeField(default=timezone.now, editable=False)
    # When its expiry marked the account for a recompute (indicators/stale/expiries.py); None until then.
    expiry_marked_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["-set_at", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "account", "-set_at"], name="gutread_tenant_account_set"),
            # The expiry sweep's read: only the reads still to expire are in it (live ones: a small index).
            models.Index(
                fields=["tenant", "expires_at"],
                condition=models.Q(expiry_marked_at__isnull=True),
                name="gutread_expiry_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} until {self.expires_at:%Y-%m-%d}"

    def is_live(self, at=None) -> bool:
        return self.expires_at > (at or timezone.now())
