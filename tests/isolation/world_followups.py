"""Tenant B's (and A's) rows for the followups models: builders registered after the core ones in world.py."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Account, Contact
from accounts.roles import Role
from followups.models import (
    Activity,
    ActivityKind,
    AskKind,
    AskResult,
    Department,
    DepartmentKind,
    FollowUp,
    FollowUpAsk,
    ResponseTheme,
    RootCause,
    Status,
    TaggedBy,
    Theme,
    ThemeKeywordRule,
)
from surveys.models import SurveyResponse
from tests.isolation.world import World, builder, canary_fields, text_value


def _response(w: World, where: str, score: int) -> SurveyResponse:
    """A response of the tenant's account, made here when the surveys builders made none to spare."""
    now = timezone.now()
    return SurveyResponse.objects.create(
        tenant=w.tenant,
        account=w.row(Account),
        contact=w.row(Contact),
        score=score,
        responded_at=now - timedelta(days=3),
        channel="import",
        **canary_fields(w, SurveyResponse, where),
    )


@builder("followups.Department")
def build_departments(w: World) -> None:
    # The built-in departments came with the tenant; give them the world's values (canaries for B).
    for department in Department.objects.for_tenant(w.tenant).order_by("pk"):
        name = text_value(w, f"department{department.kind}.name", Department._meta.get_field("name"))
        Department.objects.for_tenant(w.tenant).filter(pk=department.pk).update(name=name)
        Department.history.filter(tenant_id=w.tenant.pk, id=department.pk).update(name=name)
        w.add(Department.objects.for_tenant(w.tenant).get(pk=department.pk))
    custom = Department.objects.create(tenant=w.tenant, kind=DepartmentKind.CUSTOM, **canary_fields(w, Department))
    w.add(custom, main=True)


@builder("followups.RootCause")
def build_root_cause(w: World) -> None:
    w.add(RootCause.objects.create(tenant=w.tenant, **canary_fields(w, RootCause)))


@builder("followups.Theme")
def build_theme(w: World) -> None:
    w.add(Theme.objects.create(tenant=w.tenant, department=w.row(Department), **canary_fields(w, Theme)))


@builder("followups.ThemeKeywordRule")
def build_theme_rule(w: World) -> None:
    w.add(ThemeKeywordRule.objects.create(tenant=w.tenant, theme=w.row(Theme), **canary_fields(w, ThemeKeywordRule)))


@builder("followups.FollowUp")
def build_followups(w: World) -> None:
    now = timezone.now()
    csm = w.memberships[Role.CSM]
    spare = [r for r in w.rows.get(SurveyResponse._meta.label, []) if r.category == "detractor"]
    open_response = spare[0] if spare else _response(w, "surveyresponsefollowupopen", 3)
    closed_response = _response(w, "surveyresponsefollowupclosed", 2)
    # The probes' row: an open detractor follow-up, so A can assign, move and close it. It was closed once
    # and reopened, so it still shows its earlier outcome (the close probes start from those values).
    w.add(
        FollowUp.objects.create(
            tenant=w.tenant,
            response=open_response,
            account=open_response.account,
            contact=open_response.contact,
            category="detractor",
            assignee=csm,
            status=Status.IN_PROGRESS,
            due_at=now + timedelta(days=2),
            root_cause=w.row(RootCause),
            product_mismatch=False,
            resolved=True,
            **canary_fields(w, FollowUp),
        ),
        main=True,
    )
    w.add(
        FollowUp.objects.create(
            tenant=w.tenant,
            response=closed_response,
            account=closed_response.account,
            contact=closed_response.contact,
            category="detractor",
            assignee=csm,
            status=Status.CLOSED,
            due_at=now - timedelta(days=1),
            first_activity_at=now - timedelta(days=2),
            closed_at=now - timedelta(hours=5),
            closed_by=csm,
            root_cause=w.row(RootCause),
            product_mismatch=True,
            resolved=False,
            **canary_fields(w, FollowUp, "followupclosed"),
        )
    )


@builder("followups.FollowUpAsk")
def build_followup_ask(w: World) -> None:
    w.add(
        FollowUpAsk.objects.create(
            tenant=w.tenant,
            followup=w.row(FollowUp),
            kind=AskKind.REFERENCE,
            result=AskResult.LATER,
            **canary_fields(w, FollowUpAsk),
        )
    )


@builder("followups.Activity")
def build_activity(w: World) -> None:
    w.add(
        Activity.objects.create(
            tenant=w.tenant,
            followup=w.row(FollowUp),
            kind=ActivityKind.CALL,
            by=w.memberships[Role.CSM],
            at=timezone.now() - timedelta(hours=3),
            **canary_fields(w, Activity),
        )
    )


@builder("followups.ResponseTheme")
def build_response_theme(w: World) -> None:
    w.add(
        ResponseTheme.objects.create(
            tenant=w.tenant,
            response=w.row(FollowUp).response,
            theme=w.row(Theme),
            tagged_by=TaggedBy.RULE,
            rule=w.row(ThemeKeywordRule),
            tagged_by_member=w.memberships[Role.CSM],
            **canary_fields(w, ResponseTheme),
        )
    )
