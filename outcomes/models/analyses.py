"""Stored runs of the outcome analyses: what was learnt, when, and from which renewals."""

from django.db import models

from accounts.tenancy import TenantOwned


class AnalysisKind(models.TextChoices):
    INDICATORS = "indicators", "Which indicators preceded churn"
    FORECAST = "forecast", "Renewal forecast"


class OutcomeAnalysis(TenantOwned):
    """One run of an analysis over the tenant's closed renewals; never changed, the next run is a new row."""

    kind = models.CharField(max_length=20, choices=AnalysisKind.choices)
    lead_days = models.PositiveSmallIntegerField(
        null=True, help_text="Indicators read this many days before each term end (a forecast reads several)."
    )
    ran_at = models.DateTimeField()
    first_term_end = models.DateField(null=True, help_text="The data window: the renewals' term ends it read.")
    last_term_end = models.DateField(null=True)
    churned = models.PositiveIntegerField(default=0)
    renewed = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=list)

    class Meta(TenantOwned.Meta):
        ordering = ["-ran_at", "-pk"]
        indexes = [models.Index(fields=["tenant", "kind", "lead_days", "-ran_at"], name="analysis_tenant_kind_ran")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.lead_days} days ahead) at {self.ran_at:%Y-%m-%d %H:%M}"
