"""Surveys API: surveys (with eligibility), invitations, responses (single and bulk), NPS reports."""

from dataclasses import asdict

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_standardized_errors.formatter import flatten_errors
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response

from accounts.api.viewsets import TenantCrudViewSet, TenantScopedViewSet
from accounts.roles import Role, Scope
from indicators.api.views import AnyScopePermission
from surveys.api.filters import SurveyFilter, SurveyResponseFilter, SurveySendFilter
from surveys.api.serializers import (
    CompareQuerySerializer,
    EligibilityQuerySerializer,
    EligibilitySerializer,
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
from surveys.services.responses import response_record

MAX_BULK_RESPONSES = 500


class SurveyViewSet(TenantCrudViewSet):
    """Surveys: the question, the audience filter, channels and schedule. Admins change them."""

    model = Survey
    serializer_class = SurveySerializer
    filterset_class = SurveyFilter
    ordering_fields = ["created_at", "name"]
    required_roles = {"PUT": Role.ADMIN, "PATCH": Role.ADMIN}

    @extend_schema(
        summary="Would this contact be asked now?",
        description="For a contact (by `contact` id, `contact_external_id` or `contact_email`) and a channel "
        "(default email): whether the survey would ask them now and, if not, every reason "
        '("surveyed 41 days ago", "account budget of 3 per 30 days used", "unsubscribed on ...").',
        parameters=[EligibilityQuerySerializer],
        responses={200: EligibilitySerializer},
    )
    @action(detail=True, methods=["get"])
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


BULK_DESCRIPTION = f"""A JSON array of up to {MAX_BULK_RESPONSES} responses, each as for a single one.

Valid ones are stored (201; 200 when every valid one was a duplicate by `dedup_key`); each invalid one is
reported in `rejected` by its index. When every item is invalid the answer is a 400 whose error `attr`s start
with the item's index."""


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

    def _record(self, data):
        return response_record(
            tenant=self.tenant,
            contact=data["contact_obj"],
            score=data["score"],
            comment=data.get("comment", ""),
            responded_at=data.get("responded_at"),
            survey=data.get("survey"),
            channel=data["channel"],
            dedup_key=data["dedup_key"],
        )

    @extend_schema(
        summary="Record a response",
        description="The contact by exactly one of `contact` (id), `contact_external_id`, `contact_email`. 201 with "
        'the stored response; 200 with `"duplicate": true` (and the earlier response) when the dedup_key was '
        "already stored.",
        request=SurveyResponseInputSerializer,
        responses={201: SurveyResponseCreatedSerializer, 200: SurveyResponseCreatedSerializer},
    )
    def create(self, request):
        serializer = SurveyResponseInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        recorded = self._record(serializer.validated_data)
        response = recorded.response
        response.duplicate = not recorded.created
        data = SurveyResponseCreatedSerializer(response, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK)

    @extend_schema(
        summary=f"Record up to {MAX_BULK_RESPONSES} responses",
        description=BULK_DESCRIPTION,
        request=SurveyResponseInputSerializer(many=True),
        responses={
            201: ResponseBulkReceiptSerializer,
            200: OpenApiResponse(ResponseBulkReceiptSerializer, description="Every valid response was a duplicate."),
        },
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        items = request.data
        if not isinstance(items, list) or not items or len(items) > MAX_BULK_RESPONSES:
            detail = f"Expected a JSON array of 1 to {MAX_BULK_RESPONSES} responses."
            raise ValidationError({"non_field_errors": [ErrorDetail(detail, code="invalid")]})
        validator = SurveyResponseInputSerializer(context=self.get_serializer_context())
        valid, rejected = [], []
        for index, item in enumerate(items):
            try:
                valid.append((index, validator.run_validation(item)))
            except ValidationError as exc:
                rejected.append((index, exc.detail))
        if not valid:
            raise ValidationError([errors for _, errors in rejected])
        stored = [(index, self._record(data)) for index, data in valid]
        accepted = sum(r.created for _, r in stored)
        body = {
            "accepted": accepted,
            "duplicates": len(stored) - accepted,
            "responses": [
                {"index": i, "id": r.response.pk, "dedup_key": r.response.dedup_key, "duplicate": not r.created}
                for i, r in stored
            ],
            "rejected": [
                {"index": index, "type": "validation_error", "errors": [asdict(e) for e in flatten_errors(errors)]}
                for index, errors in rejected
            ],
        }
        return Response(body, status=status.HTTP_201_CREATED if accepted else status.HTTP_200_OK)


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
    @action(detail=False, methods=["get"])
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
    @action(detail=False, methods=["get"])
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
    @action(detail=False, methods=["get"])
    def compare(self, request):
        data = self._query(CompareQuerySerializer)
        comparison = reports.nps_compare(
            tenant=self.tenant, before=_scope(data, "before_"), after=_scope(data, "after_")
        )
        return Response(comparison.as_dict())
