from rest_framework import serializers

from accounts.api.fields import AccountCurrencyField
from accounts.api.serializers_base import TenantModelSerializer
from accounts.custom_attributes import (
    MAX_ATTRIBUTES,
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    custom_attributes_clean,
    custom_attributes_merge,
)
from accounts.models import Account, Contact, Membership


class AccountSerializer(TenantModelSerializer):
    currency = AccountCurrencyField(
        required=False,
        help_text="ISO 4217 code of its ARR, renewals and ledger; blank (or absent) for the tenant's currency, "
        "which is what it reads as then.",
    )
    arr = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    custom_attributes = serializers.JSONField(
        required=False,
        help_text="Merged into the account's, not replacing them: a null value removes one. At most "
        f"{MAX_ATTRIBUTES}; names up to {MAX_NAME_LENGTH} characters; values text (up to {MAX_TEXT_LENGTH} "
        "characters), numbers or true/false; an object is kept as one attribute per field (address.city).",
    )

    class Meta:
        model = Account
        fields = [
            "id",
            "external_id",
            "name",
            "segment",
            "arr",
            "currency",
            "licenses",
            "lifecycle_stage",
            "onboarding_started_on",
            "onboarding_completed_on",
            "objectives_documented",
            "objectives",
            "contract_start_on",
            "renewal_on",
            "csm_owner",
            "executive_sponsor",
            "custom_attributes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []  # (tenant, external_id) uniqueness is checked in validate_external_id

    def validate_external_id(self, value):
        tenant = self.context["tenant"]
        clash = Account.objects.for_tenant(tenant).filter(external_id=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError("An account with this external_id already exists.", code="unique")
        return value

    def validate(self, attrs):
        sponsor = attrs.get("executive_sponsor")
        if sponsor is not None and (self.instance is None or sponsor.account_id != self.instance.pk):
            raise serializers.ValidationError(
                {"executive_sponsor": "Must be a contact of this account."}, code="invalid"
            )
        started = attrs.get("onboarding_started_on", getattr(self.instance, "onboarding_started_on", None))
        completed = attrs.get("onboarding_completed_on", getattr(self.instance, "onboarding_completed_on", None))
        if started and completed and completed < started:
            raise serializers.ValidationError(
                {"onboarding_completed_on": "Onboarding cannot complete before it starts."}, code="invalid"
            )
        if "custom_attributes" in attrs:
            attrs["custom_attributes"] = self._custom_attributes(attrs["custom_attributes"])
        return attrs

    def _custom_attributes(self, changes) -> dict:
        current = self.instance.custom_attributes if self.instance is not None else {}
        if not isinstance(changes, dict):
            raise serializers.ValidationError({"custom_attributes": "Must be an object."}, code="invalid")
        try:
            cleaned = custom_attributes_clean(changes, prefix="custom_attributes")
            return custom_attributes_merge(current, cleaned, prefix="custom_attributes")
        except ValueError as exc:
            raise serializers.ValidationError({"custom_attributes": str(exc)}, code="invalid") from None


class ContactSerializer(TenantModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "external_id",
            "account",
            "email",
            "name",
            "title",
            "is_executive",
            "is_decision_maker",
            "is_champion",
            "is_advocate",
            "reports_to",
            "adoption_stage",
            "first_seen_at",
            "last_seen_at",
            "created_at",
            "updated_at",
        ]
        # First and last seen come from the contact's own product usage (ingestion), never from a caller.
        read_only_fields = ["id", "first_seen_at", "last_seen_at", "created_at", "updated_at"]
        validators = []

    def validate_external_id(self, value):
        clash = Contact.objects.for_tenant(self.context["tenant"]).filter(external_id=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError("A contact with this external_id already exists.", code="unique")
        return value

    def validate(self, attrs):
        if self.instance is None and not (attrs.get("email") or attrs.get("name")):
            # A contact nobody can name or reach is a blank row: creating one (POST, or PUT by external id)
            # takes an email or a name; an update may send any field alone.
            detail = "A new contact needs an email or a name."
            raise serializers.ValidationError({"email": [detail], "name": [detail]}, code="required")
        account = attrs.get("account", getattr(self.instance, "account", None))
        manager = attrs.get("reports_to")
        if manager is not None:
            if self.instance is not None and manager.pk == self.instance.pk:
                raise serializers.ValidationError({"reports_to": "A contact cannot report to themselves."})
            if account is not None and manager.account_id != account.pk:
                raise serializers.ValidationError({"reports_to": "Must be a contact of the same account."})
        return attrs


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "role", "created_at"]
        read_only_fields = fields
