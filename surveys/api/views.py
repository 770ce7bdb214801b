"""Surveys API: surveys (with eligibility), invitations, responses (single and bulk), NPS reports."""

from dataclasses import asdict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from drf_standardized_errors.formatter import flatten_errors
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response

from accounts.api.viewsets import TenantCrudViewSet, TenantScopedViewSet
from accounts.roles import ELIGIBILITY_SCOPES, Role, Scope
from indicators.api.views import AnyScopePermission
from surveys.api.filters import SurveyFilter, SurveyResponseFilter, SurveySendFilter
from surveys.api.serializers import (
    CompareQuerySerializer,
    EligibilityQuerySerializer,
    EligibilitySerializer,
    KeyReusedErrorSerializer,
    NpsComparisonSerializer,
    NpsSummarySerializer,
    NpsTrendSerializer,
    ResponseBulkReceiptSerializer,
    ScopeQuerySerializer,
    SurveyResponseCreatedSerializer,
    SurveyResponseInputSerializer,
    SurveyResponseSerializer,
    SurveySendSerializer,
    SurveySerializer,
    TrendQuerySerializer,
)
from surveys.models import Survey, SurveyResponse, SurveySend
from surveys.services import reports
from surveys.services.eligibility import contact_eligibility
from surveys.services.responses import MAX_KEY, KeyReused, Outcome, response_record

MAX_BULK_RESPONSES = 500


class SurveyViewSet(TenantCrudViewSet):
    """Surveys: the question, the audience filter, channels and schedule. Admins change them."""

    model = Survey
    serializer_class = SurveySerializer
    filterset_class = SurveyFilter
    ordering_fields = ["created_at", "name"]
    required_roles = {"PUT": Role.ADMIN, "PATCH": Role.ADMIN}
    required_scopes = {}  # the defaults; the eligibility check widens its own

    @extend_schema(
        summary="Would this contact be asked now?",
        description="For a contact (by `contact` id, `contact_external_id` or `contact_email`) and a channel "
        "(default email): whether the survey would ask them now and, if not, every reason "
        '("surveyed 41 days ago", "account budget of 3 per 30 days used", "unsubscribed on ...").',
        parameters=[EligibilityQuerySerializer],
        responses={200: EligibilitySerializer},
    )
    @action(
        detail=True,
        methods=["get"],
        extra_query_params=EligibilityQuerySerializer,
        permission_classes=[AnyScopePermission],
        required_scopes={"GET": ELIGIBILITY_SCOPES},
    )
    def eligibility(self, request, pk=None):
        survey = self.get_object()
        query = EligibilityQuerySerializer(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        contact, channel = query.validated_data["contact_obj"], query.validated_data["channel"]
        result = contact_eligibility(tenant=self.tenant, contact=contact, survey=survey, channel=channel)
        return Response({"survey": survey.pk, "contact": contact.pk, "channel": channel, **result.as_dict()})


@extend_schema_view(list=extend_schema(summary="List invitations"), retrieve=extend_schema(summary="An invitation"))
class SurveySendViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Invitations sent (or scheduled) by survey rounds. Read-only."""

    model = SurveySend
    serializer_class = SurveySendSerializer
    filterset_class = SurveySendFilter
    ordering_fields = ["created_at", "scheduled_for"]


IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_HEADER_KEY = MAX_KEY - 4  # room for the bulk item's "-<index>"

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=f"The key of this request when the body has no `dedup_key` (at most {MAX_HEADER_KEY} "
    "characters; a quoted string is read without its quotes). Bulk: each item without a `dedup_key` gets "
    "this key plus `-<index>`, so the whole request can be retried.",
)

KEY_REUSED = OpenApiResponse(
    KeyReusedErrorSerializer,
    description="The key (`dedup_key`, or the `Idempotency-Key` header, named in `attr`) was already sent with a "
    "different answer: nothing was stored. Use a new key for a new answer.",
)

CREATE_DESCRIPTION = """The contact by exactly one of `contact` (id), `contact_external_id`, `contact_email`.

One person, one answer: an answer from a contact to a survey (or to no survey) given within the tenant's amend
window (`survey_amend_hours`) after that contact's answer amends it, whatever the channel (page, API, import);
later, it is a new answer. `responded_at` (default now) decides, not the order of arrival. The body says what
happened in `outcome`: 201 `created`; 200 `amended`, `unchanged` or `duplicate`, with the contact's answer as it
now stands.

`dedup_key` is optional; without it the `Idempotency-Key` header is the key, and without either one is
generated. A key sent again with the same answer stores nothing (200, `duplicate`); with a different answer it
is a 422 naming the key's field."""

BULK_DESCRIPTION = f"""A JSON array of up to {MAX_BULK_RESPONSES} responses, each as for a single one and under the
same rule, in order.

Valid ones are recorded (201 when one created a new answer, else 200), each with its `outcome`; each invalid one,
or one whose key was already sent with a different answer, is reported in `rejected` by its index. When no item
is recorded the answer is an error whose `attr`s start with the item's index: 422 when a key was reused, else 400."""


class KeyReusedError(ValidationError):
    status_code = 422


def _header_key(request) -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':  # sent as a structured-field string (RFC 8941)
        key = key[1:-1]
    if len(key) > MAX_HEADER_KEY:
        detail = f"At most {MAX_HEADER_KEY} characters."
        raise ValidationError({IDEMPOTENCY_HEADER: [ErrorDetail(detail, code="max_length")]})
    return key


def _receipt(index: int, key: str, recorded) -> dict:
    outcome = recorded.outcome
    dedup_key = key or recorded.response.dedup_key
    return {"index": index, "id": recorded.response.pk, "dedup_key": dedup_key, "outcome": outcome,
            "duplicate": outcome is Outcome.DUPLICATE}  # fmt: skip


def _key_reused(field: str) -> dict:
    return {field: [ErrorDetail(KeyReused.MESSAGE, code="key_reused")]}


@extend_schema_view(list=extend_schema(summary="List responses"), retrieve=extend_schema(summary="A response"))
class SurveyResponseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """NPS answers, from survey links, integrations (key scope `ingest` or `write`) and imports."""

    model = SurveyResponse
    serializer_class = SurveyResponseSerializer
    filterset_class = SurveyResponseFilter
    ordering_fields = ["created_at", "responded_at"]
    permission_classes = [AnyScopePermission]
    required_scopes = {"POST": (Scope.INGEST, Scope.WRITE)}
    required_roles = {"POST": Role.CSM}

    def _record(self, data, key: str):
        return response_record(
            tenant=self.tenant,
            contact=data["contact_obj"],
            score=data["score"],
            comment=data.get("comment", ""),
            responded_at=data.get("responded_at"),
            survey=data.get("survey"),
            channel=data["channel"],
            dedup_key=key,
        )

    @extend_schema(
        summary="Record a response",
        description=CREATE_DESCRIPTION,
        request=SurveyResponseInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            201: OpenApiResponse(SurveyResponseCreatedSerializer, description="A new answer (`outcome`: `created`)."),
            200: OpenApiResponse(
                SurveyResponseCreatedSerializer,
                description="The contact's answer within the window, `amended` or `unchanged`; or a `duplicate`.",
            ),
            422: KEY_REUSED,
        },
    )
    def create(self, request):
        header = _header_key(request)
        serializer = SurveyResponseInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        key, field = data.get("dedup_key", ""), "dedup_key"
        if key and header and key != header:
            detail = f"Differs from the {IDEMPOTENCY_HEADER} header; send one key."
            raise ValidationError({"dedup_key": [ErrorDetail(detail, code="invalid")]})
        if not key and header:
            key, field = header, IDEMPOTENCY_HEADER
        try:
            recorded = self._record(data, key)
        except KeyReused:
            raise KeyReusedError(_key_reused(field)) from None
        response = recorded.response
        response.outcome, response.duplicate = recorded.outcome, recorded.outcome is Outcome.DUPLICATE
        data = SurveyResponseCreatedSerializer(response, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK)

    @extend_schema(
        summary=f"Record up to {MAX_BULK_RESPONSES} responses",
        description=BULK_DESCRIPTION,
        request=SurveyResponseInputSerializer(many=True),
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={
            201: ResponseBulkReceiptSerializer,
            200: OpenApiResponse(ResponseBulkReceiptSerializer, description="No item created a new answer."),
            422: OpenApiResponse(KeyReusedErrorSerializer, description="No item recorded, and a key was reused."),
        },
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        header = _header_key(request)
        items = request.data
        if not isinstance(items, list) or not items or len(items) > MAX_BULK_RESPONSES:
            detail = f"Expected a JSON array of 1 to {MAX_BULK_RESPONSES} responses."
            raise ValidationError({"non_field_errors": [ErrorDetail(detail, code="invalid")]})
        validator = SurveyResponseInputSerializer(context=self.get_serializer_context())
        valid, rejected = [], {}
        for index, item in enumerate(items):
            try:
                valid.append((index, validator.run_validation(item)))
            except ValidationError as exc:
                rejected[index] = exc.detail
        if not valid:
            raise ValidationError([rejected[index] for index in sorted(rejected)])
        stored, reused = [], False
        for index, data in valid:
            key, field = data.get("dedup_key", ""), "dedup_key"
            if not key and header:
                key, field = f"{header}-{index}", IDEMPOTENCY_HEADER
            try:
                stored.append((index, key, self._record(data, key)))
            except KeyReused:
                rejected[index], reused = _key_reused(field), True
        if not stored:
            errors = [rejected[index] for index in sorted(rejected)]
            raise KeyReusedError(errors) if reused else ValidationError(errors)
        outcomes = [r.outcome for _, _, r in stored]
        body = {
            "accepted": outcomes.count(Outcome.CREATED),
            "amended": outcomes.count(Outcome.AMENDED),
            "duplicates": outcomes.count(Outcome.UNCHANGED) + outcomes.count(Outcome.DUPLICATE),
            "responses": [_receipt(index, key, recorded) for index, key, recorded in stored],
            "rejected": [
                {"index": index, "type": "validation_error", "errors": [asdict(e) for e in flatten_errors(errors)]}
                for index, errors in sorted(rejected.items())
            ],
        }
        created = Outcome.CREATED in outcomes
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _scope(data, prefix: str = "") -> reports.Scope:
    return reports.Scope(
        start=data.get(f"{prefix}start"),
        end=data.get(f"{prefix}end"),
        survey_id=data["survey"].pk if data.get("survey") else None,
        segment=data.get("segment", ""),
        csm_id=data["csm"].pk if data.get("csm") else None,
        account_id=data["account"].pk if data.get("account") else None,
    )


class NpsReportViewSet(TenantScopedViewSet):
    """NPS over a period, a survey, a segment, a CSM's book or an account; always with n and the margin."""

    model = SurveyResponse
    serializer_class = SurveyResponseSerializer  # the rows reports read; the answers are report shapes
    pagination_class = None
    filter_backends = []

    def _query(self, serializer_class):
        query = serializer_class(data=self.request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        return query.validated_data

    @extend_schema(summary="NPS summary", parameters=[ScopeQuerySerializer], responses={200: NpsSummarySerializer})
    @action(detail=False, methods=["get"], extra_query_params=ScopeQuerySerializer)
    def summary(self, request):
        data = self._query(ScopeQuerySerializer)
        return Response(reports.nps_summary(tenant=self.tenant, scope=_scope(data)).as_dict())

    @extend_schema(
        summary="NPS trend",
        description="One point per week (starting Monday) or month, in the tenant's time zone; periods without "
        "responses are left out.",
        parameters=[TrendQuerySerializer],
        responses={200: NpsTrendSerializer},
    )
    @action(detail=False, methods=["get"], extra_query_params=TrendQuerySerializer)
    def trend(self, request):
        data = self._query(TrendQuerySerializer)
        points = reports.nps_trend(tenant=self.tenant, scope=_scope(data), interval=data["interval"])
        return Response({"interval": data["interval"], "points": [p.as_dict() for p in points]})

    @extend_schema(
        summary="Compare two periods",
        description="NPS before and after, the change, its 95% margin and whether the change is larger than the "
        "noise. Filters (survey, segment, csm, account) apply to both periods.",
        parameters=[CompareQuerySerializer],
        responses={200: NpsComparisonSerializer},
    )
    @action(detail=False, methods=["get"], extra_query_params=CompareQuerySerializer)
    def compare(self, request):
        data = self._query(CompareQuerySerializer)
        comparison = reports.nps_compare(
            tenant=self.tenant, before=_scope(data, "before_"), after=_scope(data, "after_")
        )
        return Response(comparison.as_dict())
