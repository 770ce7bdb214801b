"""The ARR ledger: every change of an account's ARR, appended, never edited in place."""

from django.db import models

from accounts.tenancy import TenantOwned


class MovementKind(models.TextChoices):
    NEW = "new", "New"  # first ARR of an account
    EXPANSION = "expansion", "Expansion"
    CONTRACTION = "contraction", "Contraction"
    CHURN = "churn", "Churn"  # down to 0
    REACTIVATION = "reactivation", "Reactivation"  # back from 0 after a churn


class ArrMovement(TenantOwned):
    """One change of an account's ARR: its kind, the signed amount and the ARR after it.

    Written only by ``outcomes.services.ledger.arr_move`` in the transaction that changes the account's ARR;
    a correction is a further movement, so the ledger always sums to the account's ARR.
    """

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="+")
    on = models.DateField(help_text="The day of the tenant's calendar it took effect.")
    kind = models.CharField(max_length=12, choices=MovementKind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2, help_text="Signed change of ARR.")
    arr_after = models.DecimalField("ARR after", max_digits=14, decimal_places=2)
    renewal = models.ForeignKey(
        "outcomes.Renewal", null=True, blank=True, on_delete=models.SET_NULL, related_name="movements"
    )
    # The commercial event it came from (its message id: events are kept by retention, the ledger for good).
    event_message_id = models.CharField(max_length=191, blank=True)
    note = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantOwned.Meta):
        verbose_name = "ARR movement"
        ordering = ["on", "pk"]
        indexes = [models.Index(fields=["tenant", "account", "on"], name="arrmovement_tenant_account_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount:+} on {self.on:%Y-%m-%d}"
