"""Rounds of a survey and the invitations (sends) each round schedules."""

from django.db import models

from accounts.audit import audit_trail
from accounts.tenancy import TenantOwned
from surveys.models.choices import Channel, SendStatus


class SurveyRound(TenantOwned):
    """One round of a survey: the audience picked at its start, sent out until ``drip_until``."""

    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    drip_until = models.DateTimeField()
    selected = models.PositiveIntegerField(default=0, help_text="Contacts scheduled in this round.")
    skipped = models.PositiveIntegerField(default=0, help_text="Audience contacts not eligible at the start.")

    class Meta(TenantOwned.Meta):
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["tenant", "survey", "number"], name="surveyround_unique")]

    def __str__(self) -> str:
        return f"{self.survey} round {self.number}"


class SurveySend(TenantOwned):
    """An invitation of one contact to one survey, through one channel, carrying one link token."""

    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, related_name="sends")
    round = models.ForeignKey(
        "surveys.SurveyRound", null=True, blank=True, on_delete=models.SET_NULL, related_name="sends"
    )
    contact = models.ForeignKey("accounts.Contact", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.EMAIL)
    status = models.CharField(max_length=10, choices=SendStatus.choices, default=SendStatus.SCHEDULED)
    scheduled_for = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # The random part of the link token; the signed token names it, so a link maps to exactly one send.
    token_id = models.CharField(max_length=32, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["-scheduled_for"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "token_id"], name="surveysend_unique_token"),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "scheduled_for"], name="surveysend_tenant_due"),
            models.Index(fields=["tenant", "contact", "-sent_at"], name="surveysend_tenant_contact"),
            models.Index(fields=["tenant", "account", "-sent_at"], name="surveysend_tenant_account"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} → {self.contact}"

    @property
    def used(self) -> bool:
        return self.answered_at is not None
