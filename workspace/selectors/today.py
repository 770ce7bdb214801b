"""A CSM's day: what is due, which renewals come, which accounts fell, where the risk is, who is unhappy.

"Mine" is one member's: the accounts they own (``csm_owner``), the alerts assigned to them or raised on
their accounts, the follow-ups assigned to them. Churned accounts are out of every list. "Today" is the
tenant's calendar day (``workspace.local_day``): an item is due today when its deadline falls before
the end of that day, and overdue once its deadline has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Q

from accounts.models import Membership, Tenant
from accounts.zones import tenant_zone
from alerts.models.choices import PRIORITY_RANK
from followups.models import FollowUp, Status
from indicators.models import Band, HealthScore
from indicators.selectors import health_movers
from outcomes.models import CsmCall, Outcome, Renewal
from outcomes.selectors_renewals import HORIZONS, Window, windows_until
from surveys.models import Category, SurveyResponse
from workspace.local_day import LocalDay, days_back, local_day
from workspace.selectors.book import ZERO, BandMix, band_mix_by_owner, current_accounts
from workspace.selectors.work_items import open_alerts, open_followups, open_tasks

ALERT, FOLLOW_UP, TASK = "alert", "follow-up", "task"
FALLERS = 5  # accounts listed under "fell most this week"
AT_RISK_LISTED = 50  # red and yellow accounts listed under the book by risk
DETRACTOR_DAYS = 14  # "recent" detractors: today and the 13 days before, in the tenant's calendar
CALL_LABELS = dict(CsmCall.choices)


@dataclass(frozen=True)
class WorkItem:
    kind: str  # ALERT, FOLLOW_UP or TASK
    item_id: int
    title: str
    account_id: int
    account_name: str
    due_at: datetime
    overdue: bool  # its deadline has passed; else it falls later today
    priority: str  # an alert's priority key; a follow-up's category key; a task's alert priority


def my_work(*, tenant: Tenant, member: Membership, day: LocalDay, now: datetime) -> list[WorkItem]:
    """The member's open alerts, follow-ups and playbook tasks due before the end of ``day``, overdue first, then
    by deadline."""
    alerts = (
        open_alerts(tenant=tenant).filter(Q(assignee=member) | Q(account__csm_owner=member), due_at__lt=day.end)
        .values_list("pk", "title", "account_id", "account__name", "due_at", "priority", "detail")
    )  # fmt: skip
    followups = (
        open_followups(tenant=tenant).filter(assignee=member, due_at__lt=day.end)
        .values_list("pk", "contact__name", "contact__email", "account_id", "account__name", "due_at", "category")
    )  # fmt: skip
    tasks = (
        open_tasks(tenant=tenant).filter(assignee=member, due_at__lt=day.end)
        .values_list("pk", "title", "account_id", "account__name", "due_at", "alert__priority")
    )  # fmt: skip
    followups = list(followups)
    # An alert about a follow-up listed here (it is overdue) is the same piece of work: the follow-up stands for it.
    listed = {row[0] for row in followups}
    items = [
        WorkItem(ALERT, pk, title, account_id, account, due_at, due_at < now, priority)
        for pk, title, account_id, account, due_at, priority, detail in alerts
        if (detail or {}).get("followup_id") not in listed
    ]
    items += [
        WorkItem(FOLLOW_UP, pk, f"Follow up with {name or email or 'the contact'}", account_id, account, due_at,
                 due_at < now, category)
        for pk, name, email, account_id, account, due_at, category in followups
    ]  # fmt: skip
    items += [
        WorkItem(TASK, pk, title, account_id, account, due_at, due_at < now, priority)
        for pk, title, account_id, account, due_at, priority in tasks
    ]
    return sorted(items, key=lambda i: (not i.overdue, i.due_at, PRIORITY_RANK.get(i.priority, 9), i.kind, i.item_id))


@dataclass(frozen=True)
class RenewalRow:
    renewal_id: int
    account_id: int
    account_name: str
    term_end: date
    days_left: int  # negative: the term ended and the renewal is still pending
    window: str
    arr_due: Decimal
    score: float | None
    band: str  # "" when not scored
    chance: float | None  # the stored forecast's chance to renew, 0-1
    low: float | None  # its 95% interval, where the method gives one
    high: float | None
    csm_call: str


@dataclass(frozen=True)
class WindowCount:
    window: Window
    renewals: int
    arr_due: Decimal


@dataclass(frozen=True)
class MyRenewals:
    windows: list[WindowCount]
    rows: list[RenewalRow]


@dataclass(frozen=True)
class NewAlert:
    alert_id: int
    title: str
    account_id: int
    account_name: str
    opened_at: datetime
    priority: str


def my_new_alerts(*, tenant: Tenant, member: Membership, since: datetime, until: datetime) -> list[NewAlert]:
    """The member's alerts (assigned to them or raised on their accounts) first opened after ``since`` and up to
    ``until``, still open; by the moment they opened, the latest first."""
    rows = (
        open_alerts(tenant=tenant)
        .filter(Q(assignee=member) | Q(account__csm_owner=member), first_fired_at__gt=since, first_fired_at__lte=until)
        .order_by("-first_fired_at", "-pk")
        .values_list("pk", "title", "account_id", "account__name", "first_fired_at", "priority")
    )
    return [NewAlert(*row) for row in rows]


def my_renewals(*, tenant: Tenant, member: Membership, today: date, horizon: int = HORIZONS[-1]) -> MyRenewals:
    """Pending renewals of the member's current accounts ending within ``horizon`` days of ``today``, and the
    overdue ones, by term end, with health, the latest forecast and the CSM's call; counts per window."""
    windows = windows_until(horizon)
    found = (
        Renewal.objects.for_tenant(tenant)
        .filter(outcome=Outcome.PENDING, term_end__lte=today + timedelta(days=horizon), account__csm_owner=member,
                account__in=current_accounts(tenant=tenant))
        .order_by("term_end", "pk")
        .values_list("pk", "account_id", "account__name", "term_end", "arr_due", "account__health__score",
                     "account__health__band", "forecast__probability", "forecast__low", "forecast__high", "csm_call")
    )  # fmt: skip
    rows = []
    for pk, account_id, name, term_end, arr_due, score, band, chance, low, high, call in found:
        days_left = (term_end - today).days
        window = next(w.key for w in windows if w.holds(days_left))
        shown_band = band if score is not None else ""
        rows.append(RenewalRow(pk, account_id, name, term_end, days_left, window, arr_due, score, shown_band,
                               chance, low, high, CALL_LABELS.get(call, "")))  # fmt: skip
    counts = [
        WindowCount(w, sum(r.window == w.key for r in rows), sum((r.arr_due for r in rows if r.window == w.key), ZERO))
        for w in windows
    ]
    return MyRenewals(windows=counts, rows=rows)


def my_fallers(*, tenant: Tenant, member: Membership, limit: int = FALLERS) -> list[HealthScore]:
    """The member's current accounts whose score fell most over the last 7 days (the health dashboard's list)."""
    return health_movers(tenant=tenant, limit=limit, csm=member)[1]


@dataclass(frozen=True)
class AtRisk:
    account_id: int
    account_name: str
    band: str
    score: float
    arr: Decimal
    renewal_on: date | None


@dataclass(frozen=True)
class BookByRisk:
    mix: BandMix
    accounts: list[AtRisk]  # red then yellow, each by ARR, the largest first
    more: int  # red and yellow accounts beyond those listed


def my_book_by_risk(*, tenant: Tenant, member: Membership, listed: int = AT_RISK_LISTED) -> BookByRisk:
    """The member's current accounts and ARR per band, and the red then yellow ones by ARR."""
    mix = band_mix_by_owner(tenant=tenant, owner=member).get(member.pk, BandMix())
    risky = (
        current_accounts(tenant=tenant)
        .filter(csm_owner=member, health__score__isnull=False, health__band__in=[Band.RED, Band.YELLOW])
        .values_list("pk", "name", "health__band", "health__score", "arr", "renewal_on")
    )
    rank = {Band.RED.value: 0, Band.YELLOW.value: 1}
    ordered = sorted(risky, key=lambda r: (rank[r[2]], -r[4], r[1], r[0]))
    return BookByRisk(mix=mix, accounts=[AtRisk(*row) for row in ordered[:listed]], more=max(len(ordered) - listed, 0))


@dataclass(frozen=True)
class Detractor:
    response_id: int
    account_id: int
    account_name: str
    contact: str
    score: int
    comment: str
    responded_at: datetime
    followup_id: int | None  # the follow-up the answer opened
    followup_open: bool


def my_detractors(*, tenant: Tenant, member: Membership, day: LocalDay, days: int = DETRACTOR_DAYS) -> list[Detractor]:
    """Detractor answers of the last ``days`` days (today counted) from contacts of the member's current
    accounts, the latest first, each with its follow-up."""
    since = days_back(day, days, tenant_zone(tenant))
    responses = list(
        SurveyResponse.objects.for_tenant(tenant)
        .filter(category=Category.DETRACTOR, responded_at__gte=since, responded_at__lt=day.end,
                account__csm_owner=member, account__in=current_accounts(tenant=tenant))
        .order_by("-responded_at", "-pk")
        .values_list("pk", "account_id", "account__name", "contact__name", "contact__email", "score", "comment",
                     "responded_at")
    )  # fmt: skip
    followups = {
        response_id: (pk, status != Status.CLOSED)
        for response_id, pk, status in FollowUp.objects.for_tenant(tenant)
        .filter(response_id__in=[r[0] for r in responses]).values_list("response_id", "pk", "status")
    }  # fmt: skip
    return [
        Detractor(pk, account_id, account, name or email or "", score, comment, at, *followups.get(pk, (None, False)))
        for pk, account_id, account, name, email, score, comment, at in responses
    ]


@dataclass(frozen=True)
class Today:
    member: Membership
    day: LocalDay
    work: list[WorkItem]
    renewals: MyRenewals
    fallers: list[HealthScore]
    book: BookByRisk
    detractors: list[Detractor]

    @property
    def overdue(self) -> list[WorkItem]:
        return [i for i in self.work if i.overdue]

    @property
    def due_today(self) -> list[WorkItem]:
        return [i for i in self.work if not i.overdue]


def today_of(*, tenant: Tenant, member: Membership, now: datetime) -> Today:
    """Everything the member's Today page shows, as of ``now``."""
    day = local_day(now, tenant_zone(tenant))
    return Today(
        member=member,
        day=day,
        work=my_work(tenant=tenant, member=member, day=day, now=now),
        renewals=my_renewals(tenant=tenant, member=member, today=day.day),
        fallers=my_fallers(tenant=tenant, member=member),
        book=my_book_by_risk(tenant=tenant, member=member),
        detractors=my_detractors(tenant=tenant, member=member, day=day),
    )
