"""Serializers of the surveys API: surveys, invitations, responses (read and input), report queries."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers

from accounts.api.fields import TenantIdField
from accounts.api.serializers_base import RejectUnknownFieldsMixin, TenantModelSerializer
from accounts.models import Account, Membership
from surveys.models import Channel, ScheduleKind, Survey, SurveyResponse, SurveySend
from surveys.services.contacts import ContactNotFound, contact_resolve
from surveys.services.responses import Outcome

CONTACT_FIELDS = ("contact", "contact_external_id", "contact_email")
CONTACT_LOOKUPS = {"contact": "contact_id", "contact_external_id": "external_id", "contact_email": "email"}


def contact_from(attrs: dict, tenant):
    """The contact named by ``contact``, ``contact_external_id`` or ``contact_email``.

    Each reference given is resolved inside the tenant (an unknown one is an error on that field); when
    several are given they must name the same contact.
    """
    given = [name for name in CONTACT_FIELDS if attrs.get(name) not in (None, "")]
    if not given:
        raise serializers.ValidationError(
            {"contact": "Name the contact by contact (id), contact_external_id or contact_email."}, code="required"
        )
    found = {}
    for name in given:
        try:
            found[name] = contact_resolve(tenant=tenant, **{CONTACT_LOOKUPS[name]: attrs[name]})
        except ContactNotFound as error:
            raise serializers.ValidationError({name: str(error)}, code="does_not_exist") from None
    if len({contact.pk for contact in found.values()}) > 1:
        raise serializers.ValidationError({"contact": "These references name different contacts."}, code="invalid")
    return found[given[0]]


class SurveySerializer(TenantModelSerializer):
    channels = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Survey
        fields = [
            "id", "name", "question", "comment_question", "status",
            "audience_segment", "audience_lifecycle_stage", "audience_csm", "audience_renewal_within_days",
            "audience_contact_role", "channel_email", "channel_in_product", "channel_import", "channels",
            "schedule_kind", "starts_at", "recurrence_days", "drip_days", "next_round_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["next_round_at", "created_at", "updated_at"]

    def validate(self, attrs):
        merged = {f: getattr(self.instance, f, None) for f in ("schedule_kind", "recurrence_days")}
        for name in ("channel_email", "channel_in_product", "channel_import"):
            merged[name] = getattr(self.instance, name) if self.instance else Survey._meta.get_field(name).default
        merged.update(attrs)
        kind = merged.get("schedule_kind") or ScheduleKind.ONE_OFF
        if kind == ScheduleKind.RECURRING and not merged.get("recurrence_days"):
            raise serializers.ValidationError({"recurrence_days": "A recurring survey needs the days between rounds."})
        if kind == ScheduleKind.ONE_OFF and merged.get("recurrence_days"):
            raise serializers.ValidationError({"recurrence_days": "Only recurring surveys repeat."})
        if not (merged["channel_email"] or merged["channel_in_product"] or merged["channel_import"]):
            raise serializers.ValidationError({"channel_email": "Choose at least one channel."})
        tenant = self.context.get("tenant")
        name = attrs.get("name")
        if name and tenant is not None:
            clash = Survey.objects.for_tenant(tenant).filter(name=name)
            if self.instance is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise serializers.ValidationError({"name": "A survey with this name exists."}, code="unique")
        return attrs


class SurveySendSerializer(TenantModelSerializer):
    class Meta:
        model = SurveySend
        fields = [
            "id", "survey", "round", "contact", "account", "channel", "status", "scheduled_for", "sent_at",
            "expires_at", "opened_at", "answered_at", "error", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class SurveyResponseSerializer(TenantModelSerializer):
    class Meta:
        model = SurveyResponse
        fields = [
            "id", "survey", "send", "contact", "account", "score", "category", "comment", "responded_at",
            "channel", "dedup_key", "amended_at", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


OUTCOME_HELP = (
    "What the answer did. `created` (201): a new answer. `amended` (200): the contact had answered this survey "
    "within the tenant's amend window (`survey_amend_hours`) before it, and that answer now has this score and "
    "comment (`amended_at` says when). `unchanged` (200): an answer within that window already says this, or "
    "says something given later (an older answer arriving late does not overwrite a newer one). `duplicate` "
    "(200): the key was already sent with this same answer. The response returned is the contact's answer as it "
    "now stands."
)


class SurveyResponseCreatedSerializer(SurveyResponseSerializer):
    outcome = serializers.ChoiceField(choices=[o.value for o in Outcome], read_only=True, help_text=OUTCOME_HELP)
    duplicate = serializers.BooleanField(
        read_only=True, help_text="True when the key was already sent with this same answer (outcome `duplicate`)."
    )

    class Meta(SurveyResponseSerializer.Meta):
        fields = [*SurveyResponseSerializer.Meta.fields, "outcome", "duplicate"]
        read_only_fields = fields


class SurveyResponseInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """One answer from an integration: the contact by exactly one of id, external id or email."""

    contact = serializers.IntegerField(required=False, help_text="The contact's id.")
    contact_external_id = serializers.CharField(required=False, max_length=191)
    contact_email = serializers.EmailField(required=False)
    survey = TenantIdField(model=Survey, required=False, allow_null=True)
    score = serializers.IntegerField(min_value=0, max_value=10)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    responded_at = serializers.DateTimeField(required=False, help_text="Defaults to now.")
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        default=Channel.IN_PRODUCT,
        required=False,
        help_text="Where the answer was given (default in_product).",
    )
    dedup_key = serializers.CharField(
        required=False,
        max_length=191,
        help_text="Optional: your id for this answer, to retry safely. Sent again with the same answer it stores "
        "nothing new (200, `duplicate`); with a different answer it is refused (422, `key_reused`). Without it "
        "the `Idempotency-Key` header is the key; without either one is generated, and a retry within the amend "
        "window amends the answer to the same values.",
    )

    def validate_responded_at(self, value):
        if value > timezone.now() + timedelta(minutes=5):
            raise serializers.ValidationError("Cannot be in the future.")
        return value

    def validate(self, attrs):
        contact = contact_from(attrs, self.context["tenant"])
        if contact.account_id is None:
            raise serializers.ValidationError({"contact": "The contact is not linked to an account."})
        attrs["contact_obj"] = contact
        return attrs


class ResponseBulkItemSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    id = serializers.IntegerField(help_text="The contact's answer this item created, amended or found.")
    dedup_key = serializers.CharField(
        help_text="The item's key: its own, or the `Idempotency-Key` header's plus `-<index>`; without either, "
        "the key of the answer it created or found.",
    )
    outcome = serializers.ChoiceField(choices=[o.value for o in Outcome], help_text=OUTCOME_HELP)
    duplicate = serializers.BooleanField(help_text="True when the outcome is `duplicate`.")


class ResponseBulkRejectedSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    type = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField())


class ResponseBulkReceiptSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Items that created a new answer.")
    amended = serializers.IntegerField(help_text="Items that amended an answer given within the amend window.")
    duplicates = serializers.IntegerField(help_text="Items that changed nothing (`unchanged` or `duplicate`).")
    responses = ResponseBulkItemSerializer(many=True)
    rejected = ResponseBulkRejectedSerializer(many=True)


class KeyReusedErrorItemSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["key_reused"])
    detail = serializers.CharField()
    attr = serializers.CharField(help_text="`dedup_key` or `Idempotency-Key`: where the key was sent.")


class KeyReusedErrorSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["validation_error"])
    errors = KeyReusedErrorItemSerializer(many=True)


class EligibilityQuerySerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    contact = serializers.IntegerField(required=False)
    contact_external_id = serializers.CharField(required=False, max_length=191)
    contact_email = serializers.EmailField(required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.EMAIL, required=False)

    def validate(self, attrs):
        attrs["contact_obj"] = contact_from(attrs, self.context["tenant"])
        return attrs


class EligibilitySerializer(serializers.Serializer):
    survey = serializers.IntegerField()
    contact = serializers.IntegerField()
    channel = serializers.CharField()
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text='e.g. "surveyed 41 days ago".')


class ScopeQuerySerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """Which responses a report reads; every parameter narrows it."""

    start = serializers.DateField(required=False, help_text="First day (tenant's time zone), inclusive.")
    end = serializers.DateField(required=False, help_text="Last day, inclusive.")
    survey = TenantIdField(model=Survey, required=False)
    segment = serializers.CharField(required=False, max_length=60)
    csm = TenantIdField(model=Membership, required=False, help_text="A CSM's book: accounts they own.")
    account = TenantIdField(model=Account, required=False)

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["start"] > attrs["end"]:
            raise serializers.ValidationError({"end": "Must not be before start."})
        return attrs


class TrendQuerySerializer(ScopeQuerySerializer):
    interval = serializers.ChoiceField(choices=["week", "month"], default="month", required=False)


class CompareQuerySerializer(ScopeQuerySerializer):
    before_start = serializers.DateField()
    before_end = serializers.DateField()
    after_start = serializers.DateField()
    after_end = serializers.DateField()

    def validate(self, attrs):
        attrs = super().validate(attrs)
        for period in ("before", "after"):
            if attrs[f"{period}_start"] > attrs[f"{period}_end"]:
                raise serializers.ValidationError({f"{period}_end": "Must not be before the start."})
        return attrs


class NpsSummarySerializer(serializers.Serializer):
    nps = serializers.FloatField(allow_null=True, help_text="% promoters - % detractors, -100..100; null: none.")
    responses = serializers.IntegerField()
    promoters = serializers.IntegerField()
    passives = serializers.IntegerField()
    detractors = serializers.IntegerField()
    margin_of_error = serializers.FloatField(
        allow_null=True, help_text="Half the width of the 95% interval, in NPS points; null without answers."
    )
    interval_low = serializers.FloatField(
        allow_null=True, help_text="95% interval (adjusted Wald, Rocks 2016), lower end, within -100..100."
    )
    interval_high = serializers.FloatField(allow_null=True, help_text="95% interval, upper end, within -100..100.")


class NpsTrendPointSerializer(NpsSummarySerializer):
    period_start = serializers.DateField()


class NpsTrendSerializer(serializers.Serializer):
    interval = serializers.CharField()
    points = NpsTrendPointSerializer(many=True)


class NpsComparisonSerializer(serializers.Serializer):
    before = NpsSummarySerializer()
    after = NpsSummarySerializer()
    change = serializers.FloatField(allow_null=True)
    margin_of_change = serializers.FloatField(allow_null=True)
    significant = serializers.BooleanField(
        help_text="True when the change is larger than its 95% margin, with at least 10 answers in each period."
    )
    verdict = serializers.CharField()
