"""Health scores: the current one per account, and the history of every change."""

from django.db import models

from accounts.tenancy import TenantOwned


class Band(models.TextChoices):
    GREEN = "green", "Green"
    YELLOW = "yellow", "Yellow"
    RED = "red", "Red"


class ScoreFields(models.Model):
    """What a score is: final, computed and gut side by side, band, coverage, and its measures."""

    score = models.FloatField(null=True, help_text="Final score, 0-100 (computed, blended with a live gut read).")
    computed = models.FloatField(null=True)
    gut = models.FloatField(null=True)
    band = models.CharField(max_length=10, choices=Band.choices, blank=True)
    coverage = models.FloatField(default=0, help_text="Share of the scorecard's weight with data, 0-1.")
    scorecard = models.CharField(max_length=100, help_text="Scorecard key and version that produced the score.")
    result = models.JSONField(default=dict, help_text="The engine's result: measures with value, points, share.")

    class Meta:
        abstract = True


class HealthScore(ScoreFields, TenantOwned):
    """The account's current score (one row per account), with its trend."""

    account = models.OneToOneField("accounts.Account", on_delete=models.CASCADE, related_name="health")
    values = models.JSONField(default=dict, help_text="Every indicator's value at the last recompute.")
    computed_at = models.DateTimeField()
    history_at = models.DateTimeField(null=True, help_text="When the last history row was written.")
    change_7d = models.FloatField(null=True)
    change_30d = models.FloatField(null=True)
    # A fingerprint of what this row says (result, values, trend): a recompute that reproduces it only moves
    # computed_at, instead of rewriting kilobytes of JSON and every index entry.
    digest = models.BigIntegerField(null=True, editable=False)

    class Meta(TenantOwned.Meta):
        indexes = [
            models.Index(fields=["tenant", "band", "score"], name="healthscore_tenant_band"),
            models.Index(fields=["tenant", "change_7d"], name="healthscore_tenant_change7"),
        ]

    def __str__(self) -> str:
        return f"{self.score} ({self.band})"


class HealthScoreHistory(ScoreFields, TenantOwned):
    """A row whenever the score changes, and at least one a day."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    # Every indicator's value as it stood then (not only the scorecard's measures): what learning from
    # outcomes reads, as recorded at the time and never recomputed later.
    values = models.JSONField(default=dict)

    class Meta(TenantOwned.Meta):
        indexes = [models.Index(fields=["tenant", "account", "-at"], name="healthhist_tenant_account_at")]
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.score} ({self.band}) at {self.at:%Y-%m-%d %H:%M}"
