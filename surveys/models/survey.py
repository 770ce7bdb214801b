"""A survey: the NPS question, who is asked, through which channels, and when."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.audit import audit_trail
from accounts.models import LifecycleStage
from accounts.tenancy import TenantOwned
from surveys.models.choices import ContactRole, ScheduleKind, SurveyStatus

DEFAULT_QUESTION = "How likely are you to recommend us to a friend or colleague?"
DEFAULT_COMMENT_QUESTION = "What is the main reason for your score?"


class Survey(TenantOwned):
    name = models.CharField(max_length=200)
    question = models.CharField(max_length=300, default=DEFAULT_QUESTION, help_text="The 0–10 question.")
    comment_question = models.CharField(
        max_length=300, blank=True, default=DEFAULT_COMMENT_QUESTION, help_text="Leave empty to ask no comment."
    )
    status = models.CharField(max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)

    # Audience: contacts of the accounts matching every filter that is set.
    audience_segment = models.CharField(max_length=60, blank=True)
    audience_lifecycle_stage = models.CharField(max_length=20, choices=LifecycleStage.choices, blank=True)
    audience_csm = models.ForeignKey(
        "accounts.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="CSM"
    )
    audience_renewal_within_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Only accounts renewing within this many days."
    )
    audience_contact_role = models.CharField(max_length=20, choices=ContactRole.choices, blank=True)

    # Channels this survey reaches contacts by.
    channel_email = models.BooleanField("email link", default=True)
    channel_in_product = models.BooleanField("in product", default=False)
    channel_import = models.BooleanField("import", default=False)

    # Schedule: rounds start at starts_at (then every recurrence_days); each round's sends spread over drip_days.
    schedule_kind = models.CharField(max_length=10, choices=ScheduleKind.choices, default=ScheduleKind.ONE_OFF)
    starts_at = models.DateTimeField(null=True, blank=True)
    recurrence_days = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Days between rounds (recurring)."
    )
    drip_days = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(90)], help_text="Spread each round's sends over this many days."
    )
    next_round_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="survey_unique_name")]
        indexes = [models.Index(fields=["tenant", "status", "next_round_at"], name="survey_tenant_due")]

    def __str__(self) -> str:
        return self.name

    @property
    def channels(self) -> list[str]:
        names = [
            ("email", self.channel_email),
            ("in_product", self.channel_in_product),
            ("import", self.channel_import),
        ]
        return [name for name, enabled in names if enabled]

    def save(self, *args, **kwargs):
        # An active survey that never ran gets its first round due at its start (or right away).
        unscheduled = self.status == SurveyStatus.ACTIVE and self.next_round_at is None
        if unscheduled and (self._state.adding or not self.rounds.exists()):
            self.next_round_at = self.starts_at or timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "next_round_at"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        if self.schedule_kind == ScheduleKind.RECURRING and not self.recurrence_days:
            errors["recurrence_days"] = "A recurring survey needs the number of days between rounds."
        if self.schedule_kind == ScheduleKind.ONE_OFF and self.recurrence_days:
            errors["recurrence_days"] = "Only recurring surveys repeat."
        if not (self.channel_email or self.channel_in_product or self.channel_import):
            errors["channel_email"] = "Choose at least one channel."
        if errors:
            raise ValidationError(errors)
