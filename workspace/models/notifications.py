"""What a member wants by email, and the record of each daily digest sent to them."""

from django.db import models
from django.utils import timezone

from accounts.tenancy import TenantOwned


class NotificationPreference(TenantOwned):
    """One member's email choices; created with its defaults the first time anything asks for it."""

    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    daily_digest = models.BooleanField(default=True, help_text="A morning email with the day's work in my book.")
    urgent_email = models.BooleanField(default=True, help_text="An email at once for urgent items in my book.")
    unsubscribed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(TenantOwned.Meta):
        ordering = ["membership__user__email"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "membership"], name="notification_preference_one_per_member")
        ]

    def __str__(self) -> str:
        return f"Notifications of {self.membership}"


class DigestSend(TenantOwned):
    """The claim on one member's digest for one local day: the unique constraint keeps it to one email."""

    membership = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="digest_sends")
    day = models.DateField(help_text="The tenant's calendar date the digest is for.")
    # The moment the digest was composed: the next digest's "new alerts" start here.
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantOwned.Meta):
        ordering = ["-day", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "membership", "day"], name="digest_send_once_per_member_day")
        ]

    def __str__(self) -> str:
        return f"Digest of {self.day} for {self.membership}"
