"""What the engine reads: one account's facts and aggregated activity at an ``as_of`` time.

Everything is a frozen dataclass built by the caller (the Django side loads rows and converts them).
Datetimes should be timezone-aware; the engine counts days in the tenant's calendar (``calendar.py``), like
the rollups.
Anything dated after ``as_of`` is ignored, so an old point in time can be recomputed from newer loads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from enum import StrEnum
from typing import Protocol, runtime_checkable

# How much history the indicators read; a loader needs at least this much (more is harmless).
ROLLUP_DAYS = 60  # daily rollups (account and contact): 30-day windows compared with the 30 days before
EVENT_DAYS = 180  # non-usage events: the longest event window (downsells)
SURVEY_DAYS = 365  # NPS and post-sale answers; onboarding answers are read whatever their age


class LifecycleStage(StrEnum):
    ONBOARDING = "onboarding"
    ADOPTING = "adopting"
    MATURE = "mature"
    RENEWING = "renewing"
    CHURNED = "churned"


class SurveyKind(StrEnum):
    NPS = "nps"
    POST_SALE = "post_sale"
    ONBOARDING = "onboarding"


class GutLevel(StrEnum):
    VERY_NEGATIVE = "very_negative"
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"
    VERY_POSITIVE = "very_positive"


@dataclass(frozen=True, slots=True, kw_only=True)
class TenantFacts:
    """What is shared by all accounts of a tenant: build it once per recompute batch."""

    features: Mapping[str, bool] = field(default_factory=dict)  # feature key -> is core value
    products_in_catalogue: int = 0
    # The tenant's usual support tickets per active user over 30 days (e.g. its median); None until known.
    tickets_per_active_user_baseline: float | None = None
    zone: tzinfo = UTC  # the tenant's time zone: its calendar counts the days


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountFacts:
    licenses: int = 0
    lifecycle_stage: str = LifecycleStage.ONBOARDING
    onboarding_started_on: date | None = None
    onboarding_completed_on: date | None = None
    objectives_documented: bool = False
    contract_start_on: date | None = None
    renewal_on: date | None = None
    products_subscribed: int = 0
    executive_sponsor_id: int | None = None
    # When first value was reached, if known from before the event window (else read from the events).
    first_value_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactFacts:
    id: int
    is_executive: bool = False
    is_decision_maker: bool = False
    is_champion: bool = False
    is_advocate: bool = False
    reports_to_id: int | None = None  # the org chart
    first_seen_at: datetime | None = None
    last_seen_at: datetime | None = None
    left_at: datetime | None = None  # contacts who left still count before this time


@dataclass(frozen=True, slots=True, kw_only=True)
class DayRollup:
    """One account's activity on one day of the tenant's calendar (``AccountDay``)."""

    day: date
    events: int = 0
    usage_events: int = 0
    active_users: int = 0  # distinct contacts with usage that day
    by_feature: Mapping[str, int] = field(default_factory=dict)
    by_type: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class DailyActivity:
    """An account's daily rollups already summed by day offset back from as_of's day (offset 0: that day).

    What the index would fold from ``days`` itself, for a loader that folds the rows as it reads them.
    """

    active_users: Sequence[int] = ()  # [offset] -> distinct contacts with usage that day
    usage_events: Sequence[int] = ()  # [offset] -> usage events that day
    features_30: Mapping[str, int] = field(default_factory=dict)  # usage by feature over offsets 0..29


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactDayRollup:
    """One contact's activity on one day of the tenant's calendar (``ContactDay``)."""

    contact_id: int
    day: date
    usage_events: int = 0
    by_feature: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRecord:
    """A recent non-usage event (support, communication, content, commercial, relationship, lifecycle)."""

    type: str
    name: str
    occurred_at: datetime
    contact_id: int | None = None
    properties: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class SurveyAnswer:
    contact_id: int | None
    score: int  # 0..10
    kind: str  # SurveyKind
    answered_at: datetime
    # An amended answer comes as several versions of one response: at ``as_of`` the latest version
    # given by then counts (``known_at``: when this version was given; None: when it was answered).
    response_id: object | None = None
    known_at: datetime | None = None


@runtime_checkable
class SurveySource(Protocol):
    """The account's survey answers; the only way survey data reaches the engine."""

    def answers(self) -> Iterable[SurveyAnswer]:
        """Answers of the account's contacts: NPS and post-sale ones of the last ``SURVEY_DAYS`` at least,
        onboarding ones of any age. Later answers than ``as_of`` may be included; they are ignored."""
        ...


@dataclass(frozen=True, slots=True)
class SurveyAnswers:
    """A ready-made ``SurveySource`` over answers already loaded."""

    items: tuple[SurveyAnswer, ...] = ()

    def answers(self) -> Iterable[SurveyAnswer]:
        return self.items


@dataclass(frozen=True, slots=True, kw_only=True)
class GutRead:
    """The CSM's own read of the account; once expired it counts as no data."""

    level: str  # GutLevel
    expires_at: datetime
    recorded_at: datetime | None = None
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountInputs:
    """Everything the engine needs for one account at ``as_of``.

    ``rollups_since`` and ``events_since`` say how far back the loaded rollups and events reach (None: all
    history). Windows reaching before them give no data instead of a misleading number.
    """

    as_of: datetime
    account: AccountFacts
    tenant: TenantFacts = field(default_factory=TenantFacts)
    contacts: tuple[ContactFacts, ...] = ()
    days: tuple[DayRollup, ...] = ()
    activity: DailyActivity | None = None  # instead of ``days``, when only ``as_of`` is evaluated
    contact_days: tuple[ContactDayRollup, ...] = ()
    # Instead of ``contact_days``, when only the account is scored: each contact's usage days as a bit mask
    # over day offsets back from as_of's day (bit d: usage on day d). Contact-level indicators need the rows.
    contact_usage: Mapping[int, int] | None = None
    events: tuple[EventRecord, ...] = ()  # usage events are ignored here: rollups carry usage
    rollups_since: date | None = None
    events_since: datetime | None = None
    surveys: SurveySource | None = None  # None: surveys not available yet (no data, not a zero)
    gut: GutRead | None = None
