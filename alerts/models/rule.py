"""Alert rules: what the tenant wants to be told about, per account."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from accounts.audit import audit_trail
from accounts.tenancy import TenantOwned
from alerts.models.choices import Priority
from indicators import engine
from indicators.models import Band


class RuleKind(models.TextChoices):
    INDICATOR_THRESHOLD = "indicator_threshold", "Indicator crosses a threshold"
    SCORE_DROP = "score_drop", "Score drops over a window"
    BAND_CHANGE = "band_change", "Band changes"
    RENEWAL_PROXIMITY = "renewal_proximity", "Renewal approaching in a band"
    DETRACTOR_ANSWER = "detractor_answer", "Detractor answer"


class Operator(models.TextChoices):
    LT = "lt", "<"
    LTE = "lte", "<="
    GT = "gt", ">"
    GTE = "gte", ">="


def indicator_choices() -> list[tuple[str, str]]:
    return sorted(((i.key, i.label) for i in engine.ACCOUNT_INDICATORS), key=lambda c: c[1])


# The fields each kind reads; clean() requires them and clears the others so a rule never
# carries settings that look active but are ignored.
KIND_FIELDS = {
    RuleKind.INDICATOR_THRESHOLD: ("indicator", "operator", "threshold"),
    RuleKind.SCORE_DROP: ("points", "within_days"),
    RuleKind.BAND_CHANGE: ("to_band",),
    RuleKind.RENEWAL_PROXIMITY: ("within_days",),
    RuleKind.DETRACTOR_ANSWER: ("within_days",),
}
OPTIONAL_FIELDS = {RuleKind.BAND_CHANGE: ("from_band",), RuleKind.RENEWAL_PROXIMITY: ("bands",)}
SETTING_FIELDS = ("indicator", "operator", "threshold", "points", "within_days", "to_band", "from_band", "bands")
EMPTY = {"indicator": "", "operator": "", "threshold": None, "points": None, "within_days": None,
         "to_band": "", "from_band": "", "bands": []}  # fmt: skip


class AlertRule(TenantOwned):
    """A condition over an account's indicators, score, band, renewal or survey answers."""

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=30, choices=RuleKind.choices)
    indicator = models.CharField(
        max_length=100, blank=True, choices=indicator_choices, help_text="Indicator thresholds: which indicator."
    )
    operator = models.CharField(max_length=3, blank=True, choices=Operator.choices)
    threshold = models.FloatField(null=True, blank=True, help_text="Indicator thresholds: the value compared to.")
    points = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.01)], help_text="Score drops: at least this many points."
    )
    within_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Score drops: the window; renewals: days ahead; detractor answers: days back.",
    )
    to_band = models.CharField(max_length=10, blank=True, choices=Band.choices, help_text="Band changes: into band.")
    from_band = models.CharField(
        max_length=10, blank=True, choices=Band.choices, help_text="Band changes: from this band only (optional)."
    )
    bands = models.JSONField(
        default=list, blank=True, help_text='Renewals: only in these bands, e.g. ["red"]; empty means any band.'
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    due_in_days = models.PositiveIntegerField(default=3, help_text="The alert is due this many days after firing.")
    enabled = models.BooleanField(default=True)
    playbook = models.ForeignKey(
        "alerts.Playbook", null=True, blank=True, on_delete=models.SET_NULL, related_name="rules",
        help_text="Its steps become tasks, with due dates, each time this rule opens an alert.",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="alertrule_unique_name")]
        indexes = [models.Index(fields=["tenant", "enabled"], name="alertrule_tenant_enabled")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        kind = self.kind
        needed = KIND_FIELDS.get(kind, ())
        for name in needed:
            if getattr(self, name) in (None, ""):
                errors[name] = "Required for this kind of rule."
        for name in SETTING_FIELDS:
            if name not in needed and name not in OPTIONAL_FIELDS.get(kind, ()):
                setattr(self, name, EMPTY[name])
        if self.bands is None:
            self.bands = []
        if not isinstance(self.bands, list) or any(b not in Band.values for b in self.bands):
            errors["bands"] = f"A list of bands among {', '.join(Band.values)}."
        elif len(set(self.bands)) != len(self.bands):
            errors["bands"] = "Each band once."
        if kind == RuleKind.BAND_CHANGE and self.from_band and self.from_band == self.to_band:
            errors["from_band"] = "Must differ from the band changed to."
        if errors:
            raise ValidationError(errors)
