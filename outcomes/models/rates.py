"""The tenant's exchange rates: how outcome figures turn amounts in an account's currency into its reporting one."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.audit import audit_trail
from accounts.models.tenant import validate_currency
from accounts.tenancy import TenantOwned


class ExchangeRate(TenantOwned):
    """One unit of ``currency`` is worth ``rate`` units of the tenant's currency from ``valid_from`` on, until the
    currency's next rate. Outcome figures convert each amount with the rate valid on its day."""

    currency = models.CharField(max_length=3, validators=[validate_currency], help_text="ISO 4217 code, e.g. EUR.")
    rate = models.DecimalField(
        max_digits=18, decimal_places=8, validators=[MinValueValidator(Decimal("0.00000001"))],
        help_text="Units of the tenant's currency for one unit of this one (1.0850 for EUR when reporting in USD).",
    )  # fmt: skip
    valid_from = models.DateField(help_text="First day it applies (the tenant's calendar), until the next rate.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "currency", "valid_from"], name="exchangerate_one_per_day"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchangerate_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} at {self.rate} from {self.valid_from:%Y-%m-%d}"

    def clean(self):
        super().clean()
        if self.tenant_id is None or not self.currency:
            return
        if self.currency == self.tenant.currency:
            raise ValidationError({"currency": "This is the tenant's own currency: its amounts need no rate."})
        if self.valid_from is not None:
            same_day = ExchangeRate.objects.for_tenant(self.tenant_id).filter(
                currency=self.currency, valid_from=self.valid_from
            )
            if same_day.exclude(pk=self.pk).exists():
                raise ValidationError({"valid_from": f"{self.currency} already has a rate from this day: change it."})
