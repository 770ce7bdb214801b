import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.db import models
from holidays import list_supported_countries
from holidays.registry import COUNTRIES

from accounts.audit import audit_trail
from accounts.limits import INGEST_CEILING, per_minute_error
from accounts.tenancy import TenantOwned

# Settings that later features read, with their defaults. A tenant overrides any of them.
TENANT_SETTING_DEFAULTS: dict[str, int | float | str] = {
    "survey_interval_days": 90,
    "survey_max_per_account": 3,
    "survey_account_window_days": 30,
    "survey_amend_hours": 24,
    "followup_days_detractor": 2,
    "followup_days_passive": 5,
    "followup_days_promoter": 5,
    "followup_fallback_assignee_email": "",  # a member's email: follow-ups of accounts without a CSM
    "dormant_after_days": 30,
    "adoption_adopting_min_active_days": 4,
    "adoption_habitual_min_active_days": 12,
    "adoption_habitual_min_active_weeks": 3,
    "ingest_messages_per_minute": 1_200_000,  # per ingest key, counted in messages
    "event_dedup_days": 30,  # a message id re-sent within this many days is not stored again
    "event_retention_months": 25,  # raw events older are dropped; rollups and score history stay
}

# Bounds of the settings that must stay within them: (least, most, why the least).
TENANT_SETTING_BOUNDS: dict[str, tuple[int, int, str]] = {
    "event_dedup_days": (30, 365, "clients retry for days; a month is the least that catches every retry"),
    "event_retention_months": (13, 120, "scores and year-on-year figures read back a year of raw events"),
}


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"'{value}' is not an IANA time zone (for example Europe/Paris).")


def validate_currency(value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise ValidationError("Use a three-letter ISO 4217 code such as USD or EUR.")


def validate_gross_margin(value) -> None:
    if not 0 < value <= 1:
        raise ValidationError("Give a fraction above 0 and at most 1, e.g. 0.80 for a gross margin of 80%.")


@cache
def holiday_subdivisions() -> dict[str, tuple[str, ...]]:
    """ISO 3166-1 alpha-2 code -> subdivision codes, for every country the ``holidays`` library knows."""
    return {code: tuple(subs) for code, subs in list_supported_countries(include_aliases=False).items()}


def holiday_country_choices() -> list[tuple[str, str]]:
    """(code, "Name (code)") for every country whose public holidays are known, by name."""
    small = {"And", "Of", "The"}
    names = {
        entry[1]: " ".join(w.lower() if w in small else w for w in module.replace("_", " ").title().split())
        for module, entry in COUNTRIES.items()
    }
    return sorted(((code, f"{names.get(code, code)} ({code})") for code in holiday_subdivisions()), key=lambda c: c[1])


def subdivision_error(country: str, subdivision: str) -> str | None:
    """Why ``subdivision`` cannot go with ``country`` (both as stored), or None when it can."""
    if not subdivision:
        return None
    if not country:
        return "Choose the country first: a subdivision is a state, province or region of it."
    if country not in holiday_subdivisions():
        return None  # the country's own error says what is wrong
    known = holiday_subdivisions()[country]
    if subdivision in known:
        return None
    if not known:
        return f"Public holidays of {country} are known for the whole country only: leave the subdivision empty."
    codes = ", ".join(known)
    return f"'{subdivision}' is not a subdivision of {country} with known public holidays. Use one of: {codes}."


def validate_tenant_settings(value) -> None:
    if not isinstance(value, dict):
        raise ValidationError("Settings must be an object.")
    unknown = sorted(set(value) - set(TENANT_SETTING_DEFAULTS))
    if unknown:
        raise ValidationError(f"Unknown setting(s): {', '.join(unknown)}.")
    for key, default in TENANT_SETTING_DEFAULTS.items():
        if key in value and not isinstance(value[key], type(default)):
            raise ValidationError(f"Setting '{key}' must be a {type(default).__name__}.")
    for key, (least, most, why) in TENANT_SETTING_BOUNDS.items():
        if key in value and not least <= value[key] <= most:
            raise ValidationError(f"Setting '{key}' must be from {least} to {most} ({why}).")
    if "ingest_messages_per_minute" in value:  # capped by the platform: one tenant's share of the workers
        problem = per_minute_error(value["ingest_messages_per_minute"], setting=INGEST_CEILING, unit="messages")
        if problem:
            raise ValidationError(f"Setting 'ingest_messages_per_minute': {problem}")


class Tenant(models.Model):
    """A software vendor running its customer-success team on csplatform."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    currency = models.CharField(
        max_length=3, default="USD", validators=[validate_currency],
        help_text="The reporting currency: outcome figures are in it, accounts billed in another are converted "
        "with the tenant's exchange rates.",
    )  # fmt: skip
    gross_margin = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True, validators=[validate_gross_margin],
        help_text="Gross margin as a fraction, e.g. 0.80 for 80%. Lifetime value is average ARR × gross margin ÷ "
        "revenue churn rate; empty, it is not computed.",
    )  # fmt: skip
    # The business calendar: weekends, these public holidays and the tenant's closing days are not business days.
    country = models.CharField(
        max_length=2,
        blank=True,
        default="",
        choices=holiday_country_choices,  # a callable: a new ``holidays`` release needs no migration
        help_text="Its public holidays are not business days: follow-up deadlines skip them, like weekends "
        "and the closing days below. Empty: no public holidays.",
    )
    subdivision = models.CharField(
        max_length=32,
        blank=True,
        default="",
        help_text="State, province or region code whose own public holidays apply too (e.g. TX in the US, "
        "BY in Germany). Empty: the country's holidays only.",
    )
    settings = models.JSONField(default=dict, blank=True, validators=[validate_tenant_settings])
    require_two_factor = models.BooleanField(
        "require two-factor sign-in", default=False,
        help_text="Members must sign in with a code from an authenticator app as well as their password. A member "
        "without one is sent to set it up at their next page and can do nothing else until they have. API keys "
        "are not affected.",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_trail()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        self.subdivision = canonical_subdivision(self.country, (self.subdivision or "").strip())
        problem = subdivision_error(self.country, self.subdivision)
        if problem:
            raise ValidationError({"subdivision": problem})

    def setting(self, key: str):
        return self.settings.get(key, TENANT_SETTING_DEFAULTS[key])


def canonical_subdivision(country: str, subdivision: str) -> str:
    """``subdivision`` spelled as the library spells it for ``country`` ("tx" -> "TX"), else unchanged."""
    for known in holiday_subdivisions().get(country, ()):
        if known.casefold() == subdivision.casefold():
            return known
    return subdivision


class ClosingDay(TenantOwned):
    """A day the tenant's team does not work besides weekends and public holidays (a company holiday)."""

    day = models.DateField(help_text="Not a business day: follow-up deadlines and response times skip it.")
    name = models.CharField(max_length=100, help_text="What it is, e.g. “Company offsite”.")

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["tenant", "day"], name="closingday_unique_day")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}: {self.name}"
