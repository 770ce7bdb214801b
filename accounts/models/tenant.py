import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models

from accounts.audit import audit_trail

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
}


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"'{value}' is not an IANA time zone (for example Europe/Paris).")


def validate_currency(value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise ValidationError("Use a three-letter ISO 4217 code such as USD or EUR.")


def validate_tenant_settings(value) -> None:
    if not isinstance(value, dict):
        raise ValidationError("Settings must be an object.")
    unknown = sorted(set(value) - set(TENANT_SETTING_DEFAULTS))
    if unknown:
        raise ValidationError(f"Unknown setting(s): {', '.join(unknown)}.")
    for key, default in TENANT_SETTING_DEFAULTS.items():
        if key in value and not isinstance(value[key], type(default)):
            raise ValidationError(f"Setting '{key}' must be a {type(default).__name__}.")


class Tenant(models.Model):
    """A software vendor running its customer-success team on csplatform."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    currency = models.CharField(max_length=3, default="USD", validators=[validate_currency])
    settings = models.JSONField(default=dict, blank=True, validators=[validate_tenant_settings])
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_trail()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def setting(self, key: str):
        return self.settings.get(key, TENANT_SETTING_DEFAULTS[key])
