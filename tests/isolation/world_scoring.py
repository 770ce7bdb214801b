"""Tenant B's (and A's) rows for the scoring models: builders registered after the core ones in world.py."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Account
from accounts.roles import Role
from indicators.models import GutRead, Scorecard, ScorecardMeasure, ScorecardVersion
from indicators.services.scorecards import scorecard_definition
from tests.isolation.world import World, builder, canary_fields, text_value


@builder("indicators.Scorecard")
def build_scorecards(b: World) -> None:
    default = Scorecard.objects.create(tenant=b.tenant, is_default=True, version=1, **canary_fields(b, Scorecard))
    targeted = Scorecard.objects.create(
        tenant=b.tenant,
        segments=[text_value(b, "scorecard.segments")],
        lifecycle_stages=["renewing"],
        green_min=75,
        yellow_min=45,
        gut_weight=0.1,
        version=1,
        **canary_fields(b, Scorecard, "scorecardtargeted"),
    )
    b.add(default, main=True)
    b.add(targeted)


@builder("indicators.ScorecardMeasure")
def build_scorecard_measures(b: World) -> None:
    for scorecard in b.rows["indicators.Scorecard"]:
        b.add(
            ScorecardMeasure.objects.create(
                tenant=b.tenant, scorecard=scorecard, indicator="license_utilization", weight=20, lower=10, upper=80
            ),
            main=scorecard.is_default,
        )
        b.add(
            ScorecardMeasure.objects.create(
                tenant=b.tenant,
                scorecard=scorecard,
                indicator="open_escalations",
                weight=5,
                rule="bands",
                bands=[
                    {"lower": None, "upper": 1, "lower_inclusive": False, "upper_inclusive": False, "points": 100},
                    {"lower": 1, "upper": None, "lower_inclusive": True, "upper_inclusive": False, "points": 0},
                ],
                position=1,
            )
        )


@builder("indicators.ScorecardVersion")
def build_scorecard_versions(b: World) -> None:
    for scorecard in b.rows["indicators.Scorecard"]:
        b.add(
            ScorecardVersion.objects.create(
                tenant=b.tenant,
                scorecard=scorecard,
                number=1,
                definition=scorecard_definition(scorecard),
                changed_by=b.users[Role.ADMIN],
            ),
            main=scorecard.is_default,
        )


@builder("indicators.GutRead")
def build_gut_read(b: World) -> None:
    now = timezone.now()
    b.add(
        GutRead.objects.create(
            tenant=b.tenant,
            account=b.row(Account),
            level="negative",
            expires_at=now + timedelta(days=30),
            set_by=b.users[Role.CSM],
            set_at=now - timedelta(hours=3),
            **canary_fields(b, GutRead),
        )
    )
