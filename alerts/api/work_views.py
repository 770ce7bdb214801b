"""The CSM's work items at the API: snooze, unsnooze and reassign an alert; playbooks; tasks.

Who may act is decided as for working an alert: CSMs on what they may change (their accounts',
theirs and unassigned), admins and `write` keys on anything, viewers and `read` keys on nothing.
"""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.principal import principal_of
from accounts.api.viewsets import TenantCrudViewSet, TenantScopedViewSet
from accounts.roles import Role
from alerts.api.serializers import AlertSerializer
from alerts.api.work_filters import TaskFilter
from alerts.api.work_serializers import (
    AlertSnoozeSerializer,
    EmptySerializer,
    PlaybookSerializer,
    ReassignSerializer,
    TaskCompleteSerializer,
    TaskSerializer,
)
from alerts.models import Playbook, Task
from alerts.services import (
    alert_reassign,
    alert_snooze,
    alert_unsnooze,
    task_complete,
    task_reassign,
    task_reopen,
)
from indicators.api.filters import TieBreakingOrderingFilter


def _body(view, serializer_class):
    serializer = serializer_class(data=view.request.data, context=view.get_serializer_context())
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class AlertWorkViewActions:
    """Actions of the alerts viewset (it allows POST to CSMs for them: it creates nothing)."""

    def _alert_answer(self, alert):
        return Response(AlertSerializer(alert, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Snooze an alert",
        description="Out of working lists until the start of `snoozed_until` in the tenant's time zone (a day "
        "after its today), for `snooze_reason`. It keeps firing (its fire count moves) and stays snoozed.",
        request=AlertSnoozeSerializer,
        responses={200: AlertSerializer},
    )
    @action(detail=True, methods=["post"])
    def snooze(self, request, pk=None):
        alert = self.get_object()
        data = _body(self, AlertSnoozeSerializer)
        alert_snooze(tenant=self.tenant, alert=alert, until=data["snoozed_until"], reason=data["snooze_reason"],
                     by=principal_of(request).person)  # fmt: skip
        return self._alert_answer(alert)

    @extend_schema(summary="Unsnooze an alert", description="Back in working lists now.", request=EmptySerializer,
                   responses={200: AlertSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def unsnooze(self, request, pk=None):
        alert = self.get_object()
        _body(self, EmptySerializer)
        alert_unsnooze(tenant=self.tenant, alert=alert, by=principal_of(request).person)
        return self._alert_answer(alert)

    @extend_schema(
        summary="Reassign an alert",
        description="To another admin or CSM of the tenant; the alert's open tasks held by its previous assignee "
        "follow it.",
        request=ReassignSerializer,
        responses={200: AlertSerializer},
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        alert = self.get_object()
        data = _body(self, ReassignSerializer)
        alert_reassign(tenant=self.tenant, alert=alert, assignee=data["assignee"])
        return self._alert_answer(alert)


@extend_schema_view(
    list=extend_schema(summary="List playbooks"),
    retrieve=extend_schema(summary="Retrieve a playbook"),
    create=extend_schema(summary="Create a playbook with its steps"),
    update=extend_schema(summary="Replace a playbook and its steps"),
    partial_update=extend_schema(summary="Change a playbook", description="Sending `steps` replaces the list."),
    destroy=extend_schema(summary="Delete a playbook", description="Rules naming it keep working, without tasks."),
)
class PlaybookViewSet(TenantCrudViewSet):
    """The tenant's playbooks: checklists a rule turns into an alert's tasks. Admins (and `write` keys) change
    them; everyone else reads."""

    model = Playbook
    serializer_class = PlaybookSerializer
    ordering_fields = ["name", "created_at"]
    required_roles = {"PUT": Role.ADMIN, "PATCH": Role.ADMIN}

    def narrow(self, queryset):
        return queryset.prefetch_related("steps")


@extend_schema_view(
    list=extend_schema(summary="List tasks", description="Soonest due first. `assignee=me`, `state=open`."),
    retrieve=extend_schema(summary="Retrieve a task"),
)
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Tasks made by playbooks when their rules open alerts."""

    model = Task
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    filter_backends = [DjangoFilterBackend, TieBreakingOrderingFilter]
    ordering_fields = ["due_at", "created_at", "done_at"]
    ordering = ["due_at"]
    required_roles = {"POST": Role.CSM}  # the actions below; tasks are never created through the API

    def narrow(self, queryset):
        return queryset.select_related("account", "done_by")

    def _answer(self, task):
        task = self.get_queryset().get(pk=task.pk)
        return Response(TaskSerializer(task, context=self.get_serializer_context()).data)

    @extend_schema(summary="Complete a task", description="With an optional `note`. A done task is a 400.",
                   request=TaskCompleteSerializer, responses={200: TaskSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        task = self.get_object()
        data = _body(self, TaskCompleteSerializer)
        task_complete(tenant=self.tenant, task=task, by=principal_of(request).person, note=data.get("note", ""))
        return self._answer(task)

    @extend_schema(summary="Reopen a task", request=EmptySerializer, responses={200: TaskSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        task = self.get_object()
        _body(self, EmptySerializer)
        task_reopen(tenant=self.tenant, task=task)
        return self._answer(task)

    @extend_schema(summary="Reassign a task", description="To another admin or CSM of the tenant.",
                   request=ReassignSerializer, responses={200: TaskSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        task = self.get_object()
        data = _body(self, ReassignSerializer)
        task_reassign(tenant=self.tenant, task=task, assignee=data["assignee"])
        return self._answer(task)
