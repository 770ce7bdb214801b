"""The tenant's customers: companies (Account) and the people who use the product (Contact)."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from accounts.audit import audit_trail
from accounts.models.tenant import validate_currency
from accounts.tenancy import TenantOwned


class LifecycleStage(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding"
    ADOPTING = "adopting", "Adopting"
    MATURE = "mature", "Mature"
    RENEWING = "renewing", "Renewing"
    CHURNED = "churned", "Churned"


class AdoptionStage(models.TextChoices):
    INVITED = "invited", "Invited"
    ACTIVATED = "activated", "Activated"
    ADOPTING = "adopting", "Adopting"
    HABITUAL = "habitual", "Habitual"
    DORMANT = "dormant", "Dormant"


RECOMPUTE_FIELDS = frozenset({"needs_recompute_since", "recompute_version"})


class Account(TenantOwned):
    """A customer company of the tenant."""

    external_id = models.CharField(max_length=191, help_text="The tenant's own id for this customer.")
    name = models.CharField(max_length=200)
    segment = models.CharField(max_length=60, blank=True, help_text="Segment or tier, e.g. enterprise.")
    arr = models.DecimalField(
        "ARR",
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text="Annual recurring revenue, in the account's currency.",
    )
    currency = models.CharField(
        max_length=3, blank=True, default="", validators=[validate_currency],
        help_text="ISO 4217 code of its ARR, renewals and ARR ledger; blank: the tenant's currency. Outcome "
        "figures convert it with the tenant's exchange rates. The ledger's past amounts are read in it: change "
        "it only to correct a mistake.",
    )  # fmt: skip
    licenses = models.PositiveIntegerField(default=0, help_text="Seats purchased.")
    lifecycle_stage = models.CharField(max_length=20, choices=LifecycleStage.choices, default=LifecycleStage.ONBOARDING)
    onboarding_started_on = models.DateField(null=True, blank=True)
    onboarding_completed_on = models.DateField(null=True, blank=True)
    objectives_documented = models.BooleanField(
        default=False, help_text="Partnership objectives agreed and written down."
    )
    objectives = models.TextField(blank=True)
    contract_start_on = models.DateField(null=True, blank=True)
    renewal_on = models.DateField(null=True, blank=True)
    csm_owner = models.ForeignKey(
        "accounts.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_accounts",
        verbose_name="CSM owner",
    )
    executive_sponsor = models.ForeignKey(
        "accounts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    custom_attributes = models.JSONField(
        default=dict, blank=True,
        help_text="What integrations say of the customer beyond these fields (group traits such as employees or "
        "industry), by name: at most 100, each text (up to 255 characters), a number or true/false.",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set in the transaction that stores an event for this account; cleared by its recompute.
    needs_recompute_since = models.DateTimeField(null=True, blank=True, editable=False)
    # Bumped by every mark: a recompute clears the mark only if no mark came after its claim.
    recompute_version = models.BigIntegerField(default=0, editable=False)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "external_id"], name="account_unique_external_id"),
        ]
        indexes = [
            models.Index(fields=["tenant", "name"], name="account_tenant_name"),
            models.Index(fields=["tenant", "renewal_on"], name="account_tenant_renewal"),
            models.Index(fields=["tenant", "csm_owner"], name="account_tenant_csm"),
            models.Index(fields=["tenant", "-created_at"], name="account_tenant_created"),
        ]

    def currency_in(self, tenant_currency: str) -> str:
        """The currency of its amounts: its own, or the tenant's (``tenant_currency``) when it has none."""
        return self.currency or tenant_currency

    def csm_may_change(self, membership) -> bool:
        """A CSM changes the accounts they own (admin and API ask this one rule)."""
        return membership is not None and self.csm_owner_id == membership.pk

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The recompute bookkeeping is written only by its own UPDATE statements: saving an instance
        # loaded earlier must not put back a mark that was cleared, or clear one set meanwhile.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in RECOMPUTE_FIELDS
            ]
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        if self.executive_sponsor_id and (self.pk is None or self.executive_sponsor.account_id != self.pk):
            errors["executive_sponsor"] = "The executive sponsor must be a contact of this account."
        if (
            self.onboarding_started_on
            and self.onboarding_completed_on
            and self.onboarding_completed_on < self.onboarding_started_on
        ):
            errors["onboarding_completed_on"] = "Onboarding cannot complete before it starts."
        if errors:
            raise ValidationError(errors)


class Contact(TenantOwned):
    """A person at a customer account: one of the product's users."""

    # Null until the contact is linked to an account (a Segment identify may precede its group).
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts")
    external_id = models.CharField(max_length=191, help_text="The tenant's own id for this person.")
    email = models.EmailField(blank=True)
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    is_executive = models.BooleanField(default=False)
    is_decision_maker = models.BooleanField(default=False)
    is_champion = models.BooleanField(default=False)
    is_advocate = models.BooleanField(default=False)
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports"
    )
    adoption_stage = models.CharField(max_length=20, choices=AdoptionStage.choices, default=AdoptionStage.INVITED)
    first_seen_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # The contact's recent days of product usage, kept current by ingestion (indicators/ingest/usage_days.py):
    # bit d is set when it used the product d days before usage_days_to, its last day of usage (UTC).
    usage_days = models.BigIntegerField(default=0, editable=False)
    usage_days_to = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "external_id"], name="contact_unique_external_id"),
        ]
        indexes = [
            models.Index(fields=["tenant", "account"], name="contact_tenant_account"),
            models.Index(fields=["tenant", "email"], name="contact_tenant_email"),
            models.Index(fields=["tenant", "-created_at"], name="contact_tenant_created"),
        ]

    def csm_may_change(self, membership) -> bool:
        """A CSM changes the contacts of the accounts they own."""
        return membership is not None and self.account.csm_owner_id == membership.pk

    def __str__(self) -> str:
        return self.name or self.email or self.external_id

    @classmethod
    def from_db(cls, db, field_names, values):
        contact = super().from_db(db, field_names, values)
        # As read: saving it as an advocate when it was not is news (accounts.signals.contact_became_advocate).
        contact._stored_is_advocate = contact.__dict__.get("is_advocate")
        return contact

    def clean(self):
        super().clean()
        if self.reports_to_id:
            if self.reports_to_id == self.pk:
                raise ValidationError({"reports_to": "A contact cannot report to themselves."})
            if self.reports_to.account_id != self.account_id:
                raise ValidationError({"reports_to": "Must be a contact of the same account."})
