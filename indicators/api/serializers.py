"""Validation at the edge of the events and catalogue API: one schema per event type.

``EventSerializer`` is the resource: it represents any stored event, and validates a new one
by handing the body to the serializer of its ``type`` (``EVENT_SERIALIZERS``). Each of those
checks the names and properties its type allows; the shared part (account and contact by id or
external id, the time, the de-duplication key) lives in ``EventFieldsSerializer``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.fields import empty

from accounts.api.fields import TenantRelatedField
from accounts.api.serializers_base import RejectUnknownFieldsMixin, TenantModelSerializer
from accounts.json_values import nested_deeper_than, text_problem, unstorable_text
from accounts.models import Account, Contact, Membership
from accounts.whole_numbers import whole_number
from indicators.ingest.messages import MAX_DEPTH
from indicators.models import Event, EventType, Feature, Product
from indicators.models.events import FUTURE_TOLERANCE, FUTURE_TOLERANCE_SAID
from indicators.services.catalogue import feature_merge_target
from indicators.services.events import EventInput

SURVEY_ENDPOINT = "/api/v1/survey-responses/"
MAX_PROPERTIES_BYTES = 32 * 1024  # as a whole Segment message
MAX_PROPERTIES_DEPTH = MAX_DEPTH - 1  # as a Segment message's properties, one level below the message


def _error(message: str, code: str) -> list[ErrorDetail]:
    return [ErrorDetail(message, code=code)]


# --- relations -------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class PreloadedRelatedField(TenantRelatedField):
    """A tenant-scoped id that a bulk request may answer from rows it preloaded (see ``preload``).

    An integer id missing from the preloaded rows does not exist for this tenant, exactly as the
    query would say; anything else goes through the ordinary lookup.
    """

    def to_internal_value(self, data):
        if isinstance(data, int) and not isinstance(data, bool) and _id(data) is None:
            self.fail("does_not_exist", pk_value=data)  # beyond any id: never a row (and an overflow on SQLite)
        rows = self.context.get("preloaded", {}).get(self.model)
        if rows is None or isinstance(data, bool) or not isinstance(data, int):
            return super().to_internal_value(data)
        if data not in rows:
            self.fail("does_not_exist", pk_value=data)
        return rows[data]


def _id(value) -> int | None:
    """``value`` if it is an int that can be an id (a bigint), else None: the one rule for ids sent as numbers."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return whole_number(str(value))


def unstorable_refuse(data: Mapping) -> None:
    """A 400 on the first field of ``data`` holding text the database cannot store (a NUL character, a
    lone surrogate), anywhere inside it. Checked before anything else reads ``data``: an error message
    that quoted such text could not even be written as the response (a 500)."""
    found = unstorable_text(data)
    if found is not None:
        where, problem = found
        field = re.split(r"[.\[]", where, maxsplit=1)[0]
        raise ValidationError({field: _error(f"{where} holds {problem}.", "invalid_text")})


def preload(*, tenant, items: Iterable) -> dict:
    """The rows a bulk request names, loaded in a few queries instead of a few per item."""
    objects = [item for item in items if isinstance(item, Mapping)]
    properties = [item["properties"] for item in objects if isinstance(item.get("properties"), Mapping)]

    def ids(values):
        return {v for v in values if _id(v) is not None}

    def external_ids(model, key):
        wanted = {item.get(key) for item in objects if isinstance(item.get(key), str) and not text_problem(item[key])}
        rows = model.objects.for_tenant(tenant).filter(external_id__in=wanted) if wanted else []
        return {row.external_id: row for row in rows}

    return {
        Account: Account.objects.for_tenant(tenant).in_bulk(ids(item.get("account") for item in objects)),
        Contact: Contact.objects.for_tenant(tenant).in_bulk(ids(item.get("contact") for item in objects)),
        Membership: Membership.objects.for_tenant(tenant).in_bulk(ids(p.get("csm") for p in properties)),
        (Account, "external_id"): external_ids(Account, "account_external_id"),
        (Contact, "external_id"): external_ids(Contact, "contact_external_id"),
    }


# --- properties of each event type -----------------------------------------------------------------


class PropertiesSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """A type's properties object."""

    unknown_field_message = "Unknown property."


class SupportProperties(PropertiesSerializer):
    ticket_id = serializers.CharField(max_length=191, help_text="The help desk's ticket id.")
    severity = serializers.ChoiceField(choices=["low", "normal", "high", "urgent"], default="normal")
    subject = serializers.CharField(max_length=500, required=False, allow_blank=True)


class CommunicationProperties(PropertiesSerializer):
    direction = serializers.ChoiceField(
        choices=["proactive", "reactive"],
        help_text="proactive: the CSM reached out; reactive: answering the customer's request.",
    )
    csm = PreloadedRelatedField(model=Membership, required=False, help_text="The member who communicated (id).")
    summary = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def validate(self, attrs):
        if "csm" in attrs:
            attrs["csm"] = attrs["csm"].pk
        return attrs


class ContentProperties(PropertiesSerializer):
    content_id = serializers.CharField(max_length=191, help_text="The tenant's id for the piece of content.")
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    format = serializers.ChoiceField(
        choices=["webinar", "ebook", "event", "article", "video", "newsletter", "course"], required=False
    )


class CommercialProperties(PropertiesSerializer):
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, help_text="Required except for escalation."
    )
    currency = serializers.CharField(
        min_length=3, max_length=3, required=False,
        help_text="ISO 4217 code; default the account's own (the tenant's when it has none). An amount in another "
        "currency than the account's is stored but moves neither its ARR nor its renewals.",
    )  # fmt: skip
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def validate_currency(self, value):
        if not re.fullmatch(r"[A-Za-z]{3}", value):
            raise ValidationError("Use a three-letter ISO 4217 code such as USD or EUR.", code="invalid")
        return value.upper()


class RelationshipProperties(PropertiesSerializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class LifecycleProperties(PropertiesSerializer):
    milestone = serializers.CharField(max_length=200, required=False, help_text="Required for onboarding_milestone.")
    feature = serializers.CharField(
        max_length=200, required=False, help_text="The feature (its key) through which the customer reached value."
    )


# --- events ----------------------------------------------------------------------------------------


class EventFieldsSerializer(TenantModelSerializer):
    """What every event has; subclasses narrow ``type``, ``name`` and ``properties``."""

    serializer_related_field = PreloadedRelatedField

    account_external_id = serializers.CharField(
        write_only=True, required=False, max_length=191, help_text="Instead of `account`: the tenant's own id."
    )
    contact_external_id = serializers.CharField(
        write_only=True, required=False, max_length=191, help_text="Instead of `contact`: the tenant's own id."
    )
    occurred_at = serializers.DateTimeField(
        required=False,
        help_text=f"When it happened (ISO 8601). Default now; at most {FUTURE_TOLERANCE_SAID} in the future.",
    )
    message_id = serializers.CharField(
        max_length=191,
        required=False,
        help_text="De-duplication key: an event whose message_id is already stored is not stored again. "
        "Default: a new one.",
    )
    properties = serializers.DictField(required=False, help_text="Free-form for usage; typed for other types.")

    class Meta:
        model = Event
        fields = [
            "id",
            "type",
            "name",
            "account",
            "account_external_id",
            "contact",
            "contact_external_id",
            "occurred_at",
            "received_at",
            "properties",
            "source",
            "message_id",
            "user_id",
        ]
        read_only_fields = ["id", "received_at", "source", "user_id"]
        extra_kwargs = {"account": {"help_text": "The account's id (or give account_external_id)."}}
        validators = []  # (tenant, message_id) is de-duplication, not an error

    def refused_fields(self, data):
        # Read-only fields are refused too: an event's source and user id are not the caller's to set.
        read_only = [n for n in data if n in self.fields and self.fields[n].read_only]
        refused = {**super().refused_fields(data), **{n: _error("Read-only field.", "read_only") for n in read_only}}
        return dict(sorted(refused.items()))

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            data = {"properties": {}, **data}  # so a type's required properties are reported when absent
        return super().to_internal_value(data)

    def validate_occurred_at(self, value):
        if value > timezone.now() + FUTURE_TOLERANCE:
            raise ValidationError(f"Cannot be more than {FUTURE_TOLERANCE_SAID} in the future.", code="future")
        return value

    def validate_properties(self, value):
        if nested_deeper_than(value, MAX_PROPERTIES_DEPTH):  # first: json.dumps below recurses
            raise ValidationError(f"Nested more than {MAX_PROPERTIES_DEPTH} levels deep.", code="too_deep")
        if len(json.dumps(value, default=str)) > MAX_PROPERTIES_BYTES:
            raise ValidationError(f"At most {MAX_PROPERTIES_BYTES // 1024} KB of properties.", code="too_large")
        return value

    def validate(self, attrs):
        account, _ = self._resolve(attrs, "account", Account)
        contact, contact_attr = self._resolve(attrs, "contact", Contact)
        if account is None:
            raise ValidationError({"account": _error("Give account or account_external_id.", "required")})
        if contact is not None and contact.account_id != account.pk:
            raise ValidationError({contact_attr: _error("Must be a contact of the account.", "invalid")})
        self.validate_event(attrs, account, contact)
        return {
            "type": attrs["type"],
            "name": attrs["name"],
            "account_id": account.pk,
            "contact_id": contact.pk if contact is not None else None,
            "occurred_at": attrs.get("occurred_at") or timezone.now(),
            "message_id": attrs.get("message_id", ""),
            "properties": dict(attrs["properties"]),
        }

    def validate_event(self, attrs, account, contact) -> None:
        """Rules of one type that tie its name, contact and properties together."""

    def _resolve(self, attrs, name: str, model):
        """The row named by ``name`` (an id) or ``name_external_id``, and the field that named it."""
        row = attrs.get(name)
        external_id = attrs.get(f"{name}_external_id")
        if external_id is None:
            return row, name
        preloaded = self.context.get("preloaded", {}).get((model, "external_id"))
        if preloaded is not None:
            found = preloaded.get(external_id)
        else:
            found = model.objects.for_tenant(self.context["tenant"]).filter(external_id=external_id).first()
        attr = f"{name}_external_id"
        if found is None:
            raise ValidationError({attr: _error(f"No {name} with this external id.", "does_not_exist")})
        if row is not None and row.pk != found.pk:
            raise ValidationError({attr: _error(f"Names another {name} than `{name}` does.", "invalid")})
        return found, attr


class UsageEventSerializer(EventFieldsSerializer):
    """A contact used a feature: the name is the feature key; properties are free-form."""

    type = serializers.ChoiceField(choices=[EventType.USAGE.value])
    name = serializers.CharField(max_length=200, help_text="The feature key (the event name integrations track).")


class SupportEventSerializer(EventFieldsSerializer):
    """A help-desk ticket was opened, closed or escalated."""

    type = serializers.ChoiceField(choices=[EventType.SUPPORT.value])
    name = serializers.ChoiceField(choices=["ticket_opened", "ticket_closed", "ticket_escalated"])
    properties = SupportProperties()


class CommunicationEventSerializer(EventFieldsSerializer):
    """A proactive (the CSM reached out) or reactive (answering the customer) touch."""

    type = serializers.ChoiceField(choices=[EventType.COMMUNICATION.value])
    name = serializers.ChoiceField(choices=["email", "call", "meeting", "business_review"])
    properties = CommunicationProperties()


class ContentEventSerializer(EventFieldsSerializer):
    """Engagement with marketing, educational or upsell content."""

    type = serializers.ChoiceField(choices=[EventType.CONTENT.value])
    name = serializers.ChoiceField(choices=["marketing", "educational", "upsell"])
    properties = ContentProperties()


class CommercialEventSerializer(EventFieldsSerializer):
    """A commercial move; every one but an escalation has an amount."""

    type = serializers.ChoiceField(choices=[EventType.COMMERCIAL.value])
    name = serializers.ChoiceField(
        choices=["renewal", "expansion", "downsell", "refund_request", "discount_request", "churn", "escalation"]
    )
    properties = CommercialProperties(required=False)

    def validate_event(self, attrs, account, contact) -> None:
        properties = attrs["properties"]
        if "amount" not in properties:
            if attrs["name"] != "escalation":
                raise ValidationError({"properties": {"amount": _error("This field is required.", "required")}})
            return
        properties["amount"] = str(properties["amount"])  # a string keeps the decimal exact in JSON
        properties.setdefault("currency", account.currency_in(self.context["tenant"].currency))


class RelationshipEventSerializer(EventFieldsSerializer):
    """A change in who the tenant knows at the account; names its contact."""

    type = serializers.ChoiceField(choices=[EventType.RELATIONSHIP.value])
    name = serializers.ChoiceField(
        choices=["contact_added", "contact_left", "champion_left", "executive_sponsor_engaged"]
    )
    properties = RelationshipProperties(required=False)

    def validate_event(self, attrs, account, contact) -> None:
        if contact is None:
            raise ValidationError({"contact": _error("A relationship event names its contact.", "required")})


class LifecycleEventSerializer(EventFieldsSerializer):
    """First value reached, or an onboarding milestone (named in properties)."""

    type = serializers.ChoiceField(choices=[EventType.LIFECYCLE.value])
    name = serializers.ChoiceField(choices=["first_value_reached", "onboarding_milestone"])
    properties = LifecycleProperties(required=False)

    def validate_event(self, attrs, account, contact) -> None:
        if attrs["name"] == "onboarding_milestone" and not attrs["properties"].get("milestone"):
            raise ValidationError({"properties": {"milestone": _error("This field is required.", "required")}})


EVENT_SERIALIZERS: dict[str, type[EventFieldsSerializer]] = {
    EventType.USAGE: UsageEventSerializer,
    EventType.SUPPORT: SupportEventSerializer,
    EventType.COMMUNICATION: CommunicationEventSerializer,
    EventType.CONTENT: ContentEventSerializer,
    EventType.COMMERCIAL: CommercialEventSerializer,
    EventType.RELATIONSHIP: RelationshipEventSerializer,
    EventType.LIFECYCLE: LifecycleEventSerializer,
}


def event_input_schema(*, many: bool = False) -> PolymorphicProxySerializer:
    """The request body in the OpenAPI schema: one of the typed events, told apart by ``type``."""
    return PolymorphicProxySerializer(
        component_name="EventInput",
        serializers={str(k): v for k, v in EVENT_SERIALIZERS.items()},
        resource_type_field_name="type",
        many=many,
    )


class EventSerializer(EventFieldsSerializer):
    """An event of any type. A new one is validated by the serializer of its type."""

    def run_validation(self, data=empty):
        if not isinstance(data, Mapping):
            raise ValidationError(
                {"non_field_errors": _error(f"Expected an object, got {type(data).__name__}.", "invalid")}
            )
        unstorable_refuse(data)
        try:
            kind = self.fields["type"].run_validation(data.get("type", empty))
        except ValidationError as exc:
            raise ValidationError({"type": exc.detail}) from None
        if kind == EventType.SURVEY:
            raise ValidationError(
                {"type": _error(f"Survey answers are recorded through {SURVEY_ENDPOINT}.", "unsupported_type")}
            )
        # One serializer per type, kept: a bulk request validates many items with the same instance.
        typed = self.__dict__.setdefault("_typed", {})
        if kind not in typed:
            typed[kind] = EVENT_SERIALIZERS[kind](context=self.context)
        return typed[kind].run_validation(data)


def event_input(validated: dict) -> EventInput:
    return EventInput(**validated)


class EventCreatedSerializer(EventFieldsSerializer):
    # A plain string here: the same enum in two components would need a name override in the schema.
    type = serializers.CharField(read_only=True, help_text="The event type (see Event).")
    duplicate = serializers.BooleanField(
        read_only=True, help_text="True when an event with this message_id was already stored (this is that one)."
    )

    class Meta(EventFieldsSerializer.Meta):
        fields = [*EventFieldsSerializer.Meta.fields, "duplicate"]


class BulkStoredSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position in the request.")
    id = serializers.IntegerField()
    message_id = serializers.CharField()
    duplicate = serializers.BooleanField()


class BulkErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class BulkRejectedSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position in the request.")
    type = serializers.CharField(help_text="validation_error")
    errors = BulkErrorSerializer(many=True)


class EventBulkReceiptSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Events stored by this request.")
    duplicates = serializers.IntegerField(help_text="Valid events whose message_id was already stored.")
    events = BulkStoredSerializer(many=True, help_text="One entry per valid item.")
    rejected = BulkRejectedSerializer(many=True, help_text="One entry per invalid item, in the API's error shape.")


# --- catalogue -------------------------------------------------------------------------------------


class ProductSerializer(TenantModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "key", "name", "created_at"]
        read_only_fields = ["id", "created_at"]
        validators = []  # (tenant, key) uniqueness is checked in validate_key

    def validate_key(self, value):
        clash = Product.objects.for_tenant(self.context["tenant"]).filter(key=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError("A product with this key already exists.", code="unique")
        return value


class FeatureSerializer(TenantModelSerializer):
    name = serializers.CharField(max_length=200, required=False, help_text="Default: the key.")

    class Meta:
        model = Feature
        fields = ["id", "key", "name", "product", "is_core_value", "merged_into", "first_seen_at"]
        read_only_fields = ["id", "merged_into", "first_seen_at"]
        validators = []

    def validate_key(self, value):
        if self.instance is not None:
            if value != self.instance.key:
                raise ValidationError(
                    "The key is the event name usage is tracked by; it cannot change. Create a feature with the "
                    "new key and merge this one into it.",
                    code="immutable",
                )
            return value
        if Feature.objects.for_tenant(self.context["tenant"]).filter(key=value).exists():
            raise ValidationError("A feature with this key already exists.", code="unique")
        return value

    def validate(self, attrs):
        if self.instance is None and not attrs.get("name"):
            attrs["name"] = attrs["key"]
        return attrs


class FeatureMergeSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    into = PreloadedRelatedField(
        model=Feature, help_text="The feature whose usage this one's counts as. If it is merged, its target is used."
    )

    def validate_into(self, into):
        if feature_merge_target(into=into).pk == self.context["feature"].pk:
            raise ValidationError("A feature cannot be merged into itself.", code="self_merge")
        return into
