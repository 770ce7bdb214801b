"""Each pending renewal's forecast: the chance it renews, the ARR expected, what drives it, which model said so."""

from django.db import models

from accounts.tenancy import TenantOwned


class RenewalForecast(TenantOwned):
    """The latest forecast of one renewal: rewritten each day while it is pending, kept as it was once it closes,
    so the forecast standing when it closed can be compared with what happened and with the CSM's call."""

    renewal = models.OneToOneField("outcomes.Renewal", on_delete=models.CASCADE, related_name="forecast")
    run = models.ForeignKey("outcomes.OutcomeAnalysis", on_delete=models.CASCADE, related_name="+",
                            help_text="The fit that made it: its method, validation and data window.")  # fmt: skip
    model_version = models.CharField(max_length=40, help_text="Method and run, e.g. 'logistic #12'.")
    method = models.CharField(max_length=20)
    made_on = models.DateField(help_text="The tenant's day it was made.")
    made_at = models.DateTimeField()
    probability = models.FloatField(null=True, help_text="Chance of renewing, 0-1; empty: no forecast possible.")
    low = models.FloatField(null=True, help_text="95% interval, where the method gives one (band rates).")
    high = models.FloatField(null=True)
    expected_arr = models.DecimalField("expected ARR", max_digits=14, decimal_places=2, null=True)
    drivers = models.JSONField(default=list, help_text="What pushes it up or down, in words.")
    features = models.JSONField(default=dict, help_text="The features it was made from.")

    class Meta(TenantOwned.Meta):
        indexes = [models.Index(fields=["tenant", "probability"], name="forecast_tenant_probability")]

    def __str__(self) -> str:
        shown = "no forecast" if self.probability is None else f"{self.probability:.0%} to renew"
        return f"{shown} ({self.model_version}, {self.made_on:%Y-%m-%d})"
