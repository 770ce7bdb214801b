"""An answer to the NPS question, however it arrived (link, integration, import)."""

from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction

from accounts.audit import audit_trail
from accounts.tenancy import TenantOwned
from indicators.engine.nps import SCALE_MAX, SCALE_MIN, category_for
from surveys.models.choices import Category, Channel
from surveys.models.nps_counts import Cell, count_changes, counts_apply

# The fields that decide where an answer is counted in the daily NPS counts.
COUNTED_FIELDS = frozenset({"tenant", "responded_at", "survey", "account_segment", "account_csm", "score", "category"})


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
    # The account's segment and CSM when the answer was stored: NPS by segment or CSM reads these, so an
    # account moving segment or changing hands later does not rewrite what its customers said before.
    # The CSM is kept by id (no constraint): a membership removed later leaves the answers' history alone.
    account_segment = models.CharField(max_length=60, blank=True, editable=False)
    account_csm = models.ForeignKey(
        "accounts.Membership", null=True, blank=True, editable=False, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )  # fmt: skip
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

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._counted = instance._count_key()
        return instance

    def _count_key(self) -> tuple | None:
        """What decides this answer's place in the daily counts, as the row now holds it."""
        if self.get_deferred_fields() & {"tenant_id", "responded_at", "survey_id", "account_segment",
                                         "account_csm_id", "category"} or self.category == "":  # fmt: skip
            return None
        return (self.tenant_id, self.responded_at, self.survey_id or 0, self.account_segment,
                self.account_csm_id or 0, self.category)  # fmt: skip

    def _stored_count_key(self) -> tuple | None:
        """The key as loaded, or read again when the row was loaded without those fields."""
        loaded = getattr(self, "_counted", None)
        if loaded is not None:
            return loaded
        stored = type(self).unscoped.filter(pk=self.pk).first()
        return stored._counted if stored is not None else None

    def counted_in(self, key: tuple | None = None) -> tuple[Cell, str] | None:
        """(the daily count's cell, the category) for ``key`` (default: this answer as it stands now)."""
        key = key if key is not None else self._count_key()
        if key is None:
            return None
        tenant_id, at, survey_key, segment, csm_key, category = key
        day = at.astimezone(ZoneInfo(self.tenant.time_zone)).date()
        return Cell(tenant_id, day, survey_key, segment, csm_key), category

    def save(self, *args, **kwargs):
        """Store the answer and move its count in the daily NPS counts, in one transaction."""
        self.category = category_for(self.score)
        update_fields = kwargs.get("update_fields")
        counted = update_fields is None or bool(COUNTED_FIELDS & set(update_fields))
        before = None if self._state.adding else self._stored_count_key()
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            if counted:
                after = self._count_key()
                if after != before:
                    counts_apply(count_changes(before=self.counted_in(before) if before else None,
                                               after=self.counted_in(after)))  # fmt: skip
                self._counted = after

    def clean(self):
        super().clean()
        if self.contact_id and self.account_id and self.contact.account_id != self.account_id:
            raise ValidationError({"account": "The contact does not belong to this account."})
