from dataclasses import asdict

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_standardized_errors.formatter import flatten_errors
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response

from accounts.api.pagination import CreatedCursorPagination
from accounts.api.permissions import TenantRolePermission
from accounts.api.principal import principal_of
from accounts.api.viewsets import TenantCrudViewSet, TenantScopedViewSet
from accounts.roles import Role, Scope
from indicators.api.filters import EventFilter, FeatureFilter, ProductFilter, TieBreakingOrderingFilter
from indicators.api.serializers import (
    EventBulkReceiptSerializer,
    EventCreatedSerializer,
    EventSerializer,
    FeatureMergeSerializer,
    FeatureSerializer,
    ProductSerializer,
    event_input,
    event_input_schema,
    preload,
)
from indicators.ingest import counters
from indicators.models import Event, Feature, Product
from indicators.services.catalogue import feature_merge
from indicators.services.events import events_record

MAX_BULK_EVENTS = 1000


class AnyScopePermission(TenantRolePermission):
    """As TenantRolePermission; a method's ``required_scopes`` entry may be a tuple: any one of them will do."""

    def has_permission(self, request, view):
        principal = principal_of(request)
        scopes = getattr(view, "required_scopes", {}).get(request.method)
        if principal.tenant is not None and principal.api_key is not None and isinstance(scopes, tuple):
            return any(principal.api_key.has_scope(scope) for scope in scopes)
        return super().has_permission(request, view)


class OccurredCursorPagination(CreatedCursorPagination):
    ordering = ("-occurred_at", "-id")


class FirstSeenCursorPagination(CreatedCursorPagination):
    ordering = ("-first_seen_at", "-id")


BULK_DESCRIPTION = f"""A JSON array of up to {MAX_BULK_EVENTS} events, each as for a single event.

Valid events are stored (201; 200 when every valid one was a duplicate) and each invalid one is
reported in `rejected` by its index, with its errors in the API's error shape. When every item is
invalid the answer is a 400 whose error `attr`s start with the item's index (`2.properties.ticket_id`)."""


@extend_schema_view(
    list=extend_schema(summary="List events", description="Newest first; `ordering=occurred_at` for oldest first."),
    retrieve=extend_schema(summary="Retrieve an event"),
)
class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Events of every type. Integrations (key scope `ingest` or `write`) and CSMs record them; viewers read."""

    model = Event
    serializer_class = EventSerializer
    filterset_class = EventFilter
    filter_backends = [DjangoFilterBackend, TieBreakingOrderingFilter]
    ordering_fields = ["occurred_at"]
    pagination_class = OccurredCursorPagination
    permission_classes = [AnyScopePermission]
    required_scopes = {"POST": (Scope.INGEST, Scope.WRITE)}
    required_roles = {"POST": Role.CSM}

    @extend_schema(
        summary="Record an event",
        description="Each type has its own names and properties. 201 with the stored event; 200 with "
        '`"duplicate": true` (and the event stored earlier) when its message_id was already stored.',
        request=event_input_schema(),
        responses={201: EventCreatedSerializer, 200: EventCreatedSerializer},
    )
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            counters.events_counted(door=counters.API, accepted=0, duplicates=0, rejected={counters.INVALID_MESSAGE: 1})
            raise ValidationError(serializer.errors)
        recorded = events_record(tenant=self.tenant, items=[event_input(serializer.validated_data)])
        counters.events_counted(door=counters.API, accepted=recorded.accepted, duplicates=recorded.duplicates)
        result = recorded.events[0]
        event = self.get_queryset().get(pk=result.event_id)
        event.duplicate = result.duplicate
        data = EventCreatedSerializer(event, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_200_OK if result.duplicate else status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record up to 1,000 events",
        description=BULK_DESCRIPTION,
        request=event_input_schema(many=True),
        responses={
            201: EventBulkReceiptSerializer,
            200: OpenApiResponse(EventBulkReceiptSerializer, description="Every valid event was a duplicate."),
        },
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        items = request.data
        if not isinstance(items, list) or not items or len(items) > MAX_BULK_EVENTS:
            detail = f"Expected a JSON array of 1 to {MAX_BULK_EVENTS} events."
            raise ValidationError({"non_field_errors": [ErrorDetail(detail, code="invalid")]})
        context = {**self.get_serializer_context(), "preloaded": preload(tenant=self.tenant, items=items)}
        validator = EventSerializer(context=context)  # one instance: building serializer fields is not free
        valid, rejected = [], []
        for index, item in enumerate(items):
            try:
                valid.append((index, event_input(validator.run_validation(item))))
            except ValidationError as exc:
                rejected.append((index, exc.detail))
        refused = {counters.INVALID_MESSAGE: len(rejected)}
        if not valid:
            counters.events_counted(door=counters.API, accepted=0, duplicates=0, rejected=refused)
            raise ValidationError([errors for _, errors in rejected])
        recorded = events_record(tenant=self.tenant, items=[item for _, item in valid])
        counters.events_counted(
            door=counters.API, accepted=recorded.accepted, duplicates=recorded.duplicates, rejected=refused
        )
        body = {
            "accepted": recorded.accepted,
            "duplicates": recorded.duplicates,
            "events": [
                {"index": index, "id": r.event_id, "message_id": r.message_id, "duplicate": r.duplicate}
                for (index, _), r in zip(valid, recorded.events, strict=True)
            ],
            "rejected": [
                {"index": index, "type": "validation_error", "errors": [asdict(e) for e in flatten_errors(errors)]}
                for index, errors in rejected
            ],
        }
        return Response(body, status=status.HTTP_201_CREATED if recorded.accepted else status.HTTP_200_OK)


class ProductViewSet(TenantCrudViewSet):
    """The tenant's products (modules). Admins and `write` keys change them."""

    model = Product
    serializer_class = ProductSerializer
    filterset_class = ProductFilter
    ordering_fields = ["created_at", "name", "key"]
    required_roles = {"PUT": Role.ADMIN, "PATCH": Role.ADMIN}


class FeatureViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantScopedViewSet,
):
    """Features, keyed by the event name usage is tracked by. Unknown names register themselves as non-core."""

    model = Feature
    serializer_class = FeatureSerializer
    filterset_class = FeatureFilter
    ordering_fields = ["first_seen_at", "name", "key"]
    pagination_class = FirstSeenCursorPagination
    required_roles = {"PUT": Role.ADMIN, "PATCH": Role.ADMIN}

    def get_serializer_class(self):
        return FeatureMergeSerializer if self.action == "merge" else super().get_serializer_class()

    @extend_schema(
        summary="Merge a feature into another",
        description="From now on, usage of this feature counts as usage of `into` (events already counted stay "
        "where they are). Merging into a merged feature merges into its target; features merged into this one "
        "follow it, so merges never chain.",
        request=FeatureMergeSerializer,
        responses={200: FeatureSerializer},
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        feature = self.get_object()
        context = {**self.get_serializer_context(), "feature": feature}
        serializer = FeatureMergeSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        feature = feature_merge(tenant=self.tenant, feature=feature, into=serializer.validated_data["into"])
        return Response(FeatureSerializer(feature, context=self.get_serializer_context()).data)
