"""Scorecards as data: which accounts they apply to, their measures, thresholds, and immutable versions.

The rows (``Scorecard`` and its ``ScorecardMeasure``s) are what an admin edits; every change is
recorded as a ``ScorecardVersion`` holding the whole definition, and scores are produced from the
current version (``indicators.scoring.scorecards``), so a score's ``scorecard`` ("<key>@v<n>")
always names the exact definition behind it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts.audit import audit_trail
from accounts.tenancy import TenantOwned
from indicators.engine.catalogue import DAYS_RULE
from indicators.engine.definition import (
    BANDS,
    LINEAR,
    DefinitionError,
    account_indicator_choices,
    measure_from_definition,
    thresholds_from_definition,
)

ONE_DEFAULT = "scorecard_one_default_per_tenant"


class RuleKind(models.TextChoices):
    LINEAR = LINEAR, "Linear ramp between two bounds"
    BANDS = BANDS, "Bands of values"


class Scorecard(TenantOwned):
    """A set of measures; the default applies to every account no more specific scorecard matches.

    A scorecard that is neither the default nor names a segment or stage applies to no account (a draft).
    """

    key = models.SlugField(max_length=50, help_text="Names the scorecard in scores: <key>@v<version>. Fixed.")
    name = models.CharField(max_length=200)
    is_default = models.BooleanField(
        default=False, help_text="Applies to accounts no other scorecard matches; exactly one per tenant."
    )
    segments = models.JSONField(
        default=list, blank=True, help_text="Account segments this scorecard applies to (any, when empty)."
    )
    lifecycle_stages = models.JSONField(
        default=list, blank=True, help_text="Lifecycle stages this scorecard applies to (any, when empty)."
    )
    green_min = models.FloatField(
        default=70, validators=[MinValueValidator(0), MaxValueValidator(100)], help_text="Green from this score."
    )
    yellow_min = models.FloatField(
        default=40, validators=[MinValueValidator(0), MaxValueValidator(100)], help_text="Yellow from this score."
    )
    gut_weight = models.FloatField(
        default=0.2,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Share of the final score taken by a live gut read (0: shown beside the score, not blended).",
    )
    version = models.PositiveIntegerField(default=0, editable=False, help_text="The current version's number.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="scorecard_unique_key"),
            models.UniqueConstraint(fields=["tenant"], condition=models.Q(is_default=True), name=ONE_DEFAULT),
        ]

    def __str__(self) -> str:
        return f"{self.name} (default)" if self.is_default else self.name

    def validate_constraints(self, exclude=None):
        # Making a scorecard the default takes the flag from the previous one in the same
        # transaction (services.scorecards), so a form may ask for it while another holds it.
        exclude = set(exclude or ())
        others = [c for c in self._meta.constraints if c.name != ONE_DEFAULT]
        errors = {}
        for constraint in others:
            try:
                constraint.validate(self.__class__, self, exclude=exclude, using="default")
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def clean(self):
        super().clean()
        errors = {}
        self.segments = _segment_list(self.segments, errors)
        stages = self.lifecycle_stages if isinstance(self.lifecycle_stages, list) else None
        known = {value for value, _ in _lifecycle_choices()}
        if stages is None or any(stage not in known for stage in stages):
            errors["lifecycle_stages"] = f"A list of lifecycle stages among {', '.join(sorted(known))}."
        if self.is_default and (self.segments or self.lifecycle_stages):
            errors["is_default"] = (
                "The default applies to every account no other scorecard matches: leave its segments and "
                "lifecycle stages empty."
            )
        if self.pk is not None and not self.is_default:
            was_default = Scorecard.unscoped.filter(pk=self.pk, tenant_id=self.tenant_id, is_default=True).exists()
            if was_default:
                errors["is_default"] = "A tenant always has a default scorecard: make another one the default instead."
        try:
            thresholds_from_definition({"green_min": self.green_min, "yellow_min": self.yellow_min})
        except DefinitionError as exc:
            errors.setdefault(exc.field, exc.message)
        if errors:
            raise ValidationError(errors)


def _lifecycle_choices():
    from accounts.models.customers import LifecycleStage

    return LifecycleStage.choices


def _segment_list(value, errors: dict) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        errors["segments"] = "A list of segment names."
        return value
    cleaned = [s.strip() for s in value if s.strip()]
    if any(len(s) > 60 for s in cleaned):
        errors["segments"] = "A segment name has at most 60 characters."
    return list(dict.fromkeys(cleaned))


NO_DATA_POINTS_HELP = (
    "Empty: no data (say, no proactive communication ever) is left out of the score and lowers its coverage. "
    "0-100: score no data with these points, an explicit rule that still does not count as data."
)


class ScorecardMeasure(TenantOwned):
    """One indicator of a scorecard: its weight and the rule turning its value into 0-100 points."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="measures")
    indicator = models.CharField(max_length=80, choices=account_indicator_choices, help_text=DAYS_RULE)
    weight = models.FloatField(help_text="Relative weight, above 0; weights need not sum to 100.")
    rule = models.CharField(max_length=10, choices=RuleKind.choices, default=RuleKind.LINEAR)
    lower = models.FloatField(null=True, blank=True, help_text="Linear rule: where the ramp starts.")
    upper = models.FloatField(null=True, blank=True, help_text="Linear rule: where the ramp ends.")
    bands = models.JSONField(
        default=list,
        blank=True,
        help_text='Bands rule: [{"lower": null, "upper": 1, "lower_inclusive": false, "upper_inclusive": false, '
        '"points": 100}, ...]; null is an open bound.',
    )
    outside_points = models.FloatField(default=0, help_text="Bands rule: points of a value in no band.")
    no_data_points = models.FloatField(
        null=True,
        blank=True,
        verbose_name="points when there is no data",
        help_text=NO_DATA_POINTS_HELP,
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "scorecard", "indicator"], name="scorecard_measure_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} × {self.weight:g}"

    def definition(self) -> dict:
        """This measure as a definition entry (see ``indicators.engine.definition``)."""
        linear = self.rule == RuleKind.LINEAR
        return {
            "indicator": self.indicator,
            "weight": self.weight,
            "rule": self.rule,
            "lower": self.lower if linear else None,
            "upper": self.upper if linear else None,
            "bands": [] if linear else self.bands,
            "outside_points": 0.0 if linear else self.outside_points,
            "no_data_points": self.no_data_points,
        }

    def clean(self):
        super().clean()
        try:
            measure_from_definition(self.definition())
        except DefinitionError as exc:
            raise ValidationError({exc.field: exc.message}) from None


class ScorecardVersion(TenantOwned):
    """The whole definition of a scorecard as it stood from ``changed_at``; never changed afterwards."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField(help_text="Name, targeting, thresholds, gut weight and measures.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantOwned.Meta):
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "scorecard", "number"], name="scorecard_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.definition.get('key', '?')}@v{self.number}"
