"""Renewals (CRUD, upsert by external id, bulk) and the ARR ledger (read only)."""

from dataclasses import asdict
from datetime import timedelta

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.api.fields import TenantIdField
from accounts.api.principal import principal_of
from accounts.api.serializers_base import RejectUnknownFieldsMixin
from accounts.api.upsert import ExternalIdUpsertMixin
from accounts.api.viewsets import TenantCrudViewSet, TenantScopedViewSet
from accounts.background import enqueue_on_commit
from accounts.models import Membership
from accounts.roles import Role
from indicators.models import Scorecard
from outcomes import periods
from outcomes.api.filters import ArrMovementFilter, RenewalFilter
from outcomes.api.serializers import ArrMovementSerializer, RenewalSerializer
from outcomes.api.upsert_rows import renewals_upsert
from outcomes.models import AnalysisKind, ArrMovement, OutcomeAnalysis, Renewal
from outcomes.selectors import MAX_PERIODS, outcomes_summary, outcomes_trend
from outcomes.services.forecast import forecast_accuracy
from outcomes.services.learning import LEADS, draft_suggest, scorecard_backtest, scorecard_default, scorecards_compare
from outcomes.services.ledger import tenant_today
from outcomes.tasks import analyse_indicators, forecast_renewals

EXTERNAL_ID = OpenApiParameter("external_id", str, OpenApiParameter.PATH, description="The tenant's own id.")
MAX_BULK = 500


class BulkRenewalsSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """The body as checked: each item is then validated as a create or an update by its external id."""

    renewals = serializers.ListField(
        child=serializers.DictField(), max_length=MAX_BULK,
        help_text=f"Up to {MAX_BULK} renewals, each with its external_id: created or updated by it.",
    )  # fmt: skip


class BulkRenewalsBodySerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """The body as documented."""

    renewals = RenewalSerializer(many=True, help_text=f"Up to {MAX_BULK} renewals, each with its external_id.")


class BulkRenewalResultSerializer(serializers.Serializer):
    """One saved item of a bulk upsert (schema only)."""

    index = serializers.IntegerField(help_text="Its place in `renewals`.")
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    created = serializers.BooleanField(help_text="Created (true) or updated (false).")


class BulkRenewalsResultSerializer(serializers.Serializer):
    renewals = BulkRenewalResultSerializer(many=True)


class RenewalViewSet(ExternalIdUpsertMixin, TenantCrudViewSet):
    """Renewals per account and term. Admins and write keys change any; CSMs their accounts' ones.

    Closing a renewal (an outcome other than pending, with its closed ARR) moves the account's ARR through
    the ledger and opens the next term; a closed renewal is corrected by closing it again, never reopened.
    """

    model = Renewal
    serializer_class = RenewalSerializer
    filterset_class = RenewalFilter
    ordering_fields = ["term_end", "arr_due", "created_at", "updated_at"]
    required_roles = {"DELETE": Role.ADMIN}

    def narrow(self, queryset):
        return queryset.select_related("account", "reason", "forecast")

    @extend_schema(parameters=[EXTERNAL_ID], methods=["GET"], summary="Retrieve a renewal by external id")
    @extend_schema(
        parameters=[EXTERNAL_ID], methods=["PUT"], summary="Create or update a renewal by external id",
        description="Creates the renewal (201) or updates the fields sent (200).",
    )  # fmt: skip
    @action(detail=False, methods=["get", "put"], url_path=r"by-external-id/(?P<external_id>[^/]+)")
    def by_external_id(self, request, external_id):
        if request.method in ("GET", "HEAD"):
            return self.retrieve_by_external_id(request, external_id)
        return self.upsert_by_external_id(request, external_id)

    @extend_schema(
        summary="Create or update renewals in bulk, by external id",
        description="All or nothing: every item is validated and saved in one transaction; a 400 names each "
        "failing item by its index (`renewals.<index>.<field>`). 200 with each item's id and whether it was "
        "created.",
        request=BulkRenewalsBodySerializer,
        responses=BulkRenewalsResultSerializer,
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        body = BulkRenewalsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        results, errors = renewals_upsert(
            tenant=self.tenant, items=body.validated_data["renewals"], context=self.get_serializer_context(),
            require_external_id=True, check=lambda renewal: self.check_object_permissions(request, renewal),
        )  # fmt: skip
        if errors:
            raise ValidationError({f"renewals.{i}.{k}": v for i, fields in errors.items() for k, v in fields.items()})
        return Response({"renewals": results}, status=status.HTTP_200_OK)


class ArrMovementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """The ARR ledger: every change of an account's ARR, appended, never edited (read only)."""

    model = ArrMovement
    serializer_class = ArrMovementSerializer
    filterset_class = ArrMovementFilter
    ordering_fields = ["on", "recorded_at", "amount"]
    ordering = ["on", "pk"]
    required_roles = {"GET": Role.VIEWER}


class OutcomesQuerySerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    start = serializers.DateField(required=False, help_text="First day (tenant's calendar); default a year ago.")
    end = serializers.DateField(required=False, help_text="Last day, inclusive; default today.")
    segment = serializers.CharField(required=False, max_length=60)
    csm = TenantIdField(model=Membership, required=False, help_text="A CSM's book: accounts they own.")
    cohort = serializers.IntegerField(
        required=False, min_value=1900, max_value=2999,
        help_text="Accounts that became customers in this year (their first new ARR movement).",
    )  # fmt: skip

    def default_start(self, attrs, end):
        return end - timedelta(days=364)

    def validate(self, attrs):
        end = attrs.setdefault("end", tenant_today(self.context["tenant"]))
        start = attrs.setdefault("start", self.default_start(attrs, end))
        if start > end:
            raise serializers.ValidationError({"end": "Must not be before start."})
        return attrs


class TrendQuerySerializer(OutcomesQuerySerializer):
    start = serializers.DateField(
        required=False, help_text="First day (tenant's calendar); default 12 months, 8 quarters, 3 years or 12 "
        "trailing twelve months back, the period holding `end` included.",
    )  # fmt: skip
    period = serializers.CharField(
        required=False, default="month", max_length=10,
        help_text=f"One of {', '.join(periods.PERIOD_KINDS)} (ttm: trailing twelve months, one per month end).",
    )  # fmt: skip

    def default_start(self, attrs, end):
        try:
            return periods.default_start(attrs["period"], end)
        except periods.InvalidPeriod as exc:
            raise serializers.ValidationError({TREND_FIELDS.get(exc.field, exc.field): exc.message}) from None


# periods.InvalidPeriod names its own argument; the trend's query calls it ``period``.
TREND_FIELDS = {"kind": "period"}


class IndicatorsQuerySerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    lead_days = serializers.ChoiceField(
        choices=LEADS, default=LEADS[0], required=False, help_text="Indicators as recorded so many days before."
    )


class BacktestQuerySerializer(IndicatorsQuerySerializer):
    scorecard = TenantIdField(model=Scorecard, required=False, help_text="Default: the tenant's default scorecard.")


class CompareQuerySerializer(BacktestQuerySerializer):
    draft = TenantIdField(model=Scorecard, help_text="The scorecard to compare with the current one (a draft).")


class SuggestSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    lead_days = serializers.ChoiceField(choices=LEADS, default=LEADS[0], required=False,
                                        help_text="Which ranking to build it from.")  # fmt: skip


class NoParametersSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """Nothing: a refresh body or a report query without parameters (any field sent is named in a 400)."""


class OutcomesViewSet(TenantScopedViewSet):
    """Outcome figures: revenue and logo retention, renewal rates, growth per customer, with definitions."""

    model = ArrMovement
    serializer_class = ArrMovementSerializer  # the rows the figures read; the answer is a report shape
    pagination_class = None
    filter_backends = []
    required_roles = {"GET": Role.VIEWER, "POST": Role.ADMIN}

    def _queued(self, request, task):
        body = request.data if isinstance(request.data, dict) else {}
        NoParametersSerializer(data=body).is_valid(raise_exception=True)
        enqueue_on_commit(task, tenant_id=self.tenant.pk)
        return Response({"queued": True}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Which indicators preceded churn",
        description="The latest stored run (weekly, or on demand with `POST .../indicators/refresh/`): per "
        "indicator, AUC with a bootstrap 95% interval (direction fixed in advance by the catalogue), "
        "permutation p and Benjamini–Hochberg q, lift and coverage, counts; ranked only when the interval "
        'clears 0.5 and q ≤ 0.1, "not enough outcomes yet" below 20 churned (and 20 renewed) renewals with '
        "a value. `run` is null before the first run.",
        parameters=[IndicatorsQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], extra_query_params=IndicatorsQuerySerializer)
    def indicators(self, request):
        query = IndicatorsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        run = (
            OutcomeAnalysis.objects.for_tenant(self.tenant)
            .filter(kind=AnalysisKind.INDICATORS, lead_days=query.validated_data["lead_days"]).first()
        )  # fmt: skip
        if run is None:
            return Response({"run": None, "indicators": []})
        window = {"first_term_end": run.first_term_end, "last_term_end": run.last_term_end}
        return Response({
            "run": {"ran_at": run.ran_at, "lead_days": run.lead_days, **window, "churned": run.churned,
                    "renewed": run.renewed},
            "indicators": run.result,
        })  # fmt: skip

    @extend_schema(
        summary="Run the indicator ranking now", request=NoParametersSerializer, responses={202: OpenApiTypes.OBJECT}
    )
    @action(detail=False, methods=["post"], url_path="indicators/refresh")
    def indicators_refresh(self, request):
        NoParametersSerializer(data=request.data if isinstance(request.data, dict) else {}).is_valid(
            raise_exception=True
        )
        enqueue_on_commit(analyse_indicators, tenant_id=self.tenant.pk)
        return Response({"queued": True}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="The renewal forecast model and its accuracy",
        description="The latest fit (daily, or on demand with `POST .../forecast/refresh/`): its method "
        "(`logistic`: a calibrated L2 logistic regression on the tenant's own closed renewals; `band rates`: "
        "churn rate by band shrunk to the tenant's rate, with too few outcomes for a model; `none`: under 10 "
        "closed renewals), why, the features used, its validation on later renewals than it was fitted on "
        "(Brier score and skill against the base rate, AUC with a bootstrap 95% interval, per lead of 30, 90 "
        "and 180 days; a calibration table), and per quarter of term end the forecast and the CSM's call against "
        "what happened. `run` is null before the first fit.",
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"])
    def forecast(self, request):
        NoParametersSerializer(data=request.query_params).is_valid(raise_exception=True)
        run = OutcomeAnalysis.objects.for_tenant(self.tenant).filter(kind=AnalysisKind.FORECAST).first()
        accuracy = forecast_accuracy(tenant=self.tenant)
        if run is None:
            return Response({"run": None, "accuracy": accuracy})
        return Response({
            "run": {"ran_at": run.ran_at, "model_version": f"{run.result['method']} #{run.pk}",
                    "first_term_end": run.first_term_end, "last_term_end": run.last_term_end,
                    "churned": run.churned, "renewed": run.renewed},
            "model": run.result,
            "accuracy": accuracy,
        })  # fmt: skip

    @extend_schema(
        summary="Refit the forecast and forecast every pending renewal now",
        request=NoParametersSerializer, responses={202: OpenApiTypes.OBJECT},
    )  # fmt: skip
    @action(detail=False, methods=["post"], url_path="forecast/refresh")
    def forecast_refresh(self, request):
        NoParametersSerializer(data=request.data if isinstance(request.data, dict) else {}).is_valid(
            raise_exception=True
        )
        enqueue_on_commit(forecast_renewals, tenant_id=self.tenant.pk)
        return Response({"queued": True}, status=status.HTTP_202_ACCEPTED)

    def _scorecard(self, chosen: Scorecard | None) -> Scorecard:
        scorecard = chosen or scorecard_default(tenant=self.tenant)
        if scorecard is None:
            raise ValidationError({"scorecard": ["The tenant has no default scorecard: name one."]})
        return scorecard

    @extend_schema(
        summary="Compare a draft scorecard with the current one on the same renewals",
        description="Both scorecards' backtests (as `GET .../backtest/`) side by side on the same closed renewals, "
        "and the AUC difference (draft - current) over the renewals both scored, with a paired bootstrap 95% "
        'interval; "not enough outcomes yet" below 20 churned and 20 renewed.',
        parameters=[CompareQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], url_path="backtest/compare", extra_query_params=CompareQuerySerializer)
    def backtest_compare(self, request):
        query = CompareQuerySerializer(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        data = query.validated_data
        current = self._scorecard(data.get("scorecard"))
        result = scorecards_compare(tenant=self.tenant, current=current, draft=data["draft"],
                                    lead_days=data["lead_days"])  # fmt: skip
        return Response({"scorecard": current.pk, "draft": data["draft"].pk, "lead_days": data["lead_days"],
                         "comparison": asdict(result)})  # fmt: skip

    @extend_schema(
        summary="Build a draft scorecard from the indicator ranking",
        description="A new scorecard applying to no account: each indicator that preceded churn in the latest "
        "ranking, weighted by its share of (AUC - 0.5), with a linear rule from the 10th to the 90th percentile "
        "of the closed renewals' values; thresholds and gut weight from the default scorecard. 201 with the draft "
        "and its comparison with the default; 400 on `lead_days` when no indicator preceded churn yet.",
        request=SuggestSerializer,
        responses={201: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["post"], url_path="suggested-draft")
    def suggested_draft(self, request):
        body = SuggestSerializer(data=request.data if isinstance(request.data, dict) else {})
        body.is_valid(raise_exception=True)
        lead = body.validated_data["lead_days"]
        current = self._scorecard(None)
        draft = draft_suggest(tenant=self.tenant, changed_by=principal_of(request).person, lead_days=lead)
        if draft is None:
            raise ValidationError({"lead_days": ["No indicator has preceded churn in the latest ranking yet."]})
        comparison = scorecards_compare(tenant=self.tenant, current=current, draft=draft, lead_days=lead)
        measures = [m.definition() for m in draft.measures.order_by("position")]
        body = {"draft": draft.pk, "name": draft.name, "measures": measures, "scorecard": current.pk,
                "lead_days": lead, "comparison": asdict(comparison)}  # fmt: skip
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Backtest a scorecard on the tenant's closed renewals",
        description="The scorecard's current version applied to each closed renewal's indicators as recorded "
        "`lead_days` before its term end: AUC of its score against churn with a bootstrap 95% interval, the "
        'churn rate per band with a Wilson interval, and how many renewals had a score; "not enough outcomes '
        'yet" below 20 churned and 20 renewed.',
        parameters=[BacktestQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], extra_query_params=BacktestQuerySerializer)
    def backtest(self, request):
        query = BacktestQuerySerializer(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        scorecard = self._scorecard(query.validated_data.get("scorecard"))
        result = scorecard_backtest(
            tenant=self.tenant, scorecard=scorecard, lead_days=query.validated_data["lead_days"]
        )
        return Response({"scorecard": scorecard.pk, "lead_days": query.validated_data["lead_days"], **asdict(result)})

    @extend_schema(
        summary="Outcome figures over a period",
        description="GRR and NRR on the cohort of accounts that were customers when the period started (new "
        "accounts excluded; GRR never above 100%); logo retention and churn; gross and net renewal rates on the "
        "ARR due in the period (a different denominator); revenue growth per customer; lifetime value (average "
        "ARR at the end × the tenant's gross margin ÷ the revenue churn rate of the year to the end) with the "
        "median observed lifetime of churned accounts beside it. Each figure has its "
        "definition, numerator, denominator, counts, and `enough: false` with a null value below its minimum "
        "(`missing` says why). `segment`, `csm` and `cohort` (the year accounts became customers) narrow the "
        "accounts. Amounts in an account's own currency are converted to the tenant's with the rate valid on "
        "their day: `rates` lists the ones used, `excluded` the accounts left out for want of one.",
        parameters=[OutcomesQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], extra_query_params=OutcomesQuerySerializer)
    def summary(self, request):
        query = OutcomesQuerySerializer(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        return Response(outcomes_summary(tenant=self.tenant, **query.validated_data))

    @extend_schema(
        summary="Outcome figures per period",
        description="The summary's figures (same definitions, numerators, denominators, counts and minimums) for "
        "each month, quarter, year or trailing twelve months (`period`) of the tenant's calendar that lies wholly "
        "inside [`start`, `end`], oldest first, plus the running one cut at the end of today (`complete: false`, "
        "labelled to date). Each period: `label`, `start`, `end` (inclusive), `complete`, `figures`. At most "
        f"{MAX_PERIODS} periods. `rates` and `excluded` as in the summary, once for all periods.",
        parameters=[TrendQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], extra_query_params=TrendQuerySerializer)
    def trend(self, request):
        query = TrendQuerySerializer(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        try:
            return Response(outcomes_trend(tenant=self.tenant, **query.validated_data))
        except periods.InvalidPeriod as exc:
            raise ValidationError({TREND_FIELDS.get(exc.field, exc.field): [exc.message]}) from None
