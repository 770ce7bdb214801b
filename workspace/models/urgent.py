"""The record of each urgent email: one per member and thing it is about, so none goes twice."""

from django.db import models
from django.utils import timezone

from accounts.tenancy import TenantOwned


class UrgentKind(models.TextChoices):
    DETRACTOR = "detractor", "An executive or champion is a detractor"
    RED_RENEWAL = "red_renewal", "A red account renews within 30 days"


class UrgentNotice(TenantOwned):
    """The claim on one urgent email to one member: the unique constraint keeps it to one.

    ``subject`` names what it is about within its kind: the answer's id for a detractor, the account's id and
    the renewal date for a red renewal (``<account id>:<YYYY-MM-DD>``), so a later renewal is told again.
    """

    membership = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="urgent_notices")
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=UrgentKind.choices)
    subject = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantOwned.Meta):
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "membership", "kind", "subject"], name="urgent_notice_once_per_member_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.subject}) to {self.membership}"
