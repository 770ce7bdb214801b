"""An answer to the NPS question, however it arrived (link, integration, import)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts.audit import audit_trail
from accounts.tenancy import TenantOwned
from indicators.engine.nps import SCALE_MAX, SCALE_MIN, category_for
from surveys.models.choices import Category, Channel


class SurveyResponse(TenantOwned):
    # Null for answers posted by integrations or imported without naming one of the tenant's surveys.
    survey = models.ForeignKey(
        "surveys.Survey", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    send = models.ForeignKey(
        "surveys.SurveySend", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    contact = models.ForeignKey("accounts.Contact", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)])
    category = models.CharField(max_length=10, choices=Category.choices, editable=False)
    comment = models.TextField(blank=True)
    responded_at = models.DateTimeField()
    channel = models.CharField(max_length=12, choices=Channel.choices)
    dedup_key = models.CharField(
        max_length=191,
        help_text="The key that created this answer (the caller's, or generated); unique per tenant.",
    )
    # {key: fingerprint of the answer it came with} for every key that created or amended this answer, so a
    # replay is recognised and a key reused for another answer refused (surveys.services.responses).
    answer_keys = models.JSONField(default=dict, blank=True, editable=False)
    amended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["-responded_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "dedup_key"], name="surveyresponse_unique_dedup_key"),
            # One answer per invitation; a second use of the link amends it.
            models.UniqueConstraint(
                fields=["tenant", "send"], name="surveyresponse_unique_send", condition=models.Q(send__isnull=False)
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "-responded_at"], name="surveyresponse_tenant_time"),
            models.Index(fields=["tenant", "account", "-responded_at"], name="surveyresponse_tenant_account"),
            models.Index(fields=["tenant", "contact", "-responded_at"], name="surveyresponse_tenant_contact"),
            models.Index(fields=["tenant", "survey", "-responded_at"], name="surveyresponse_tenant_survey"),
        ]

    def __str__(self) -> str:
        return f"{self.score} from {self.contact}"

    def save(self, *args, **kwargs):
        self.category = category_for(self.score)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.contact_id and self.account_id and self.contact.account_id != self.account_id:
            raise ValidationError({"account": "The contact does not belong to this account."})
