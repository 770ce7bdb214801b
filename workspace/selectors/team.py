"""The team view: per member who holds a book or work, their accounts, risk, open work, deadline adherence,
NPS and retention, with an "Unassigned" row for what nobody owns and a totals row.

Rows are keyed by membership id (None: unassigned). An account belongs to its ``csm_owner``; a work item to
its holder (its assignee, else the account's CSM: ``work_items.holder``), so every item counts in exactly
one row and the rows add up to the totals. The figures:

- accounts, ARR, band mix and segment mix: current customers (churned accounts are out of the book);
- open and overdue alerts and follow-ups: ``work_items``, overdue meaning past their deadline now;
- deadline adherence: follow-ups closed and playbook tasks done in the last ``ADHERENCE_DAYS`` days, on time
  when closed on or before their deadline (``workspace.adherence``; each kind is one of ``ADHERENCE_SOURCES``);
- NPS of the book: answers of the last ``NPS_DAYS`` days of the tenant's calendar from the contacts of the
  member's accounts, with its 95% margin and count (``surveys.nps_margins``); below
  ``NPS_MIN_RESPONSES`` answers no NPS is given, only the count;
- retention of the book: ``outcomes.selectors.outcomes_summary`` over the last twelve months of the tenant's
  calendar for the member's accounts (churned ones included: they left that book): closed renewals whose
  term ended in it, renewed or churned, and gross revenue retention with its definition.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q

from accounts.models import Account, Membership, Tenant
from accounts.roles import Role
from accounts.zones import tenant_zone
from alerts.models import Task
from followups.models import FollowUp, Status
from outcomes.periods import year_before
from outcomes.selectors import outcomes_summary
from surveys import nps_margins
from surveys.services.reports import COUNTS, Scope, responses_in_scope
from workspace.adherence import NONE_CLOSED, Adherence, deadline_adherence
from workspace.local_day import local_day
from workspace.selectors.book import BandMix, band_mix_by_owner, current_accounts
from workspace.selectors.work_items import holder, open_alerts, open_followups

ADHERENCE_DAYS = 90
NPS_DAYS = 90
# Below this many answers the normal approximation behind the margin is not to be trusted (the threshold the
# NPS reports use before they compare two periods): the row shows the count and no score.
NPS_MIN_RESPONSES = nps_margins.MIN_RESPONSES_TO_COMPARE
UNASSIGNED = "Unassigned"
KEPT = ("renewed", "expanded", "downsold")  # closed renewals where the customer stayed


@dataclass(frozen=True)
class OpenWork:
    open: int = 0
    overdue: int = 0

    def __add__(self, other: OpenWork) -> OpenWork:
        return OpenWork(self.open + other.open, self.overdue + other.overdue)


@dataclass(frozen=True)
class BookNps:
    summary: nps_margins.NpsSummary

    @property
    def responses(self) -> int:
        return self.summary.responses

    @property
    def enough(self) -> bool:
        return self.summary.responses >= NPS_MIN_RESPONSES

    @property
    def nps(self) -> float | None:
        return self.summary.nps if self.enough else None

    @property
    def margin(self) -> float | None:
        return self.summary.margin_of_error if self.enough else None


@dataclass(frozen=True)
class BookRetention:
    renewed: int  # closed renewals whose term ended in the period and the customer stayed (expanded, downsold too)
    churned: int
    pending: int  # term ended in the period, outcome not recorded: counted aside
    grr: Decimal | None  # gross revenue retention, 0-1; None: not enough data (``grr_missing`` says why)
    grr_missing: str | None
    grr_counts: dict
    definition: str


@dataclass
class TeamRow:
    member_id: int | None  # None: the unassigned row, or the totals
    name: str
    role: str
    book: BandMix = field(default_factory=BandMix)
    segments: dict[str, int] = field(default_factory=dict)
    alerts: OpenWork = field(default_factory=OpenWork)
    followups: OpenWork = field(default_factory=OpenWork)
    adherence: Adherence = NONE_CLOSED
    nps: BookNps = field(default_factory=lambda: BookNps(_no_answers()))
    retention: BookRetention | None = None

    @property
    def segment_mix(self) -> list[tuple[str, int]]:
        """(segment, accounts), the largest first ("" for accounts without a segment, last)."""
        return sorted(self.segments.items(), key=lambda item: (item[0] == "", -item[1], item[0]))


@dataclass(frozen=True)
class Team:
    today: date
    rows: list[TeamRow]  # members by name, then the unassigned row
    total: TeamRow
    adherence_since: datetime
    nps_start: date
    retention_start: date


def working_members(*, tenant: Tenant, holders: set[int]):
    """The tenant's CSMs, and every other member who owns an account or holds work."""
    owners = Account.objects.for_tenant(tenant).filter(csm_owner__isnull=False).values("csm_owner_id")
    return (
        Membership.objects.for_tenant(tenant)
        .filter(Q(role=Role.CSM) | Q(pk__in=owners) | Q(pk__in=holders))
        .select_related("user")
    )


def _open_work(queryset, now: datetime) -> dict[int | None, OpenWork]:
    rows = (
        queryset.annotate(holder=holder()).values("holder")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now))).order_by()
        .values_list("holder", "n", "late")
    )  # fmt: skip
    return {key: OpenWork(n, late) for key, n, late in rows}


def closed_followups(*, tenant: Tenant, since: datetime):
    """(holder, due_at, closed_at) of the follow-ups closed since ``since``."""
    return (
        FollowUp.objects.for_tenant(tenant)
        .filter(status=Status.CLOSED, closed_at__gte=since)
        .annotate(holder=holder()).values_list("holder", "due_at", "closed_at")
    )  # fmt: skip


def done_tasks(*, tenant: Tenant, since: datetime):
    """(holder, due_at, done_at) of the playbook tasks done since ``since``."""
    return (
        Task.objects.for_tenant(tenant)
        .filter(done_at__gte=since)
        .annotate(holder=holder()).values_list("holder", "due_at", "done_at")
    )  # fmt: skip


# Every kind of work with a deadline that adherence counts: each gives (holder, due_at, closed_at) rows.
ADHERENCE_SOURCES = (closed_followups, done_tasks)


def _adherence(tenant: Tenant, since: datetime) -> dict[int | None, Adherence]:
    pairs = defaultdict(list)
    for source in ADHERENCE_SOURCES:
        for key, due_at, closed_at in source(tenant=tenant, since=since):
            pairs[key].append((due_at, closed_at))
    return {key: deadline_adherence(found) for key, found in pairs.items()}


def _nps(tenant: Tenant, start: date, end: date) -> dict[int | None, nps_margins.NpsSummary]:
    rows = (
        responses_in_scope(tenant=tenant, scope=Scope(start=start, end=end))
        .values("account__csm_owner_id").annotate(**COUNTS).order_by()
    )  # fmt: skip
    return {
        row["account__csm_owner_id"]: nps_margins.summary_from_counts(
            promoters=row["n_promoters"], passives=row["n_passives"], detractors=row["n_detractors"]
        )
        for row in rows
    }


def _segments(tenant: Tenant) -> dict[int | None, dict[str, int]]:
    found: dict[int | None, dict[str, int]] = defaultdict(dict)
    rows = (
        current_accounts(tenant=tenant).values("csm_owner_id", "segment").annotate(n=Count("pk")).order_by()
        .values_list("csm_owner_id", "segment", "n")
    )  # fmt: skip
    for key, segment, n in rows:
        found[key][segment] = found[key].get(segment, 0) + n
    return found


def book_retention(summary: dict) -> BookRetention:
    """The retention figures of a book out of an ``outcomes_summary`` answer."""
    renewals = summary["figures"]["gross_renewal_rate"]["counts"]
    grr = summary["figures"]["gross_revenue_retention"]
    return BookRetention(
        renewed=sum(renewals.get(outcome, 0) for outcome in KEPT),
        churned=renewals.get("churned", 0),
        pending=renewals.get("pending", 0),
        grr=Decimal(grr["value"]) if grr["value"] is not None else None,
        grr_missing=grr.get("missing"),
        grr_counts=dict(grr["counts"]),
        definition=grr["definition"],
    )


def team_view(*, tenant: Tenant, now: datetime) -> Team:
    """Every working member's row, the unassigned row and the totals, as of ``now``."""
    today = local_day(now, tenant_zone(tenant)).day
    adherence_since = now - timedelta(days=ADHERENCE_DAYS)
    nps_start = today - timedelta(days=NPS_DAYS - 1)
    retention_start = year_before(today) + timedelta(days=1)
    books = band_mix_by_owner(tenant=tenant)
    segments = _segments(tenant)
    alerts = _open_work(open_alerts(tenant=tenant), now)
    followups = _open_work(open_followups(tenant=tenant), now)
    adherence = _adherence(tenant, adherence_since)
    nps = _nps(tenant, nps_start, today)
    holders = {key for key in (*alerts, *followups, *adherence) if key is not None}
    members = sorted(working_members(tenant=tenant, holders=holders), key=lambda m: (str(m.user).lower(), m.pk))

    def row(key: int | None, name: str, role: str, retention: dict) -> TeamRow:
        return TeamRow(
            member_id=key, name=name, role=role, book=books.get(key, BandMix()), segments=segments.get(key, {}),
            alerts=alerts.get(key, OpenWork()), followups=followups.get(key, OpenWork()),
            adherence=adherence.get(key, NONE_CLOSED), nps=BookNps(nps.get(key, _no_answers())),
            retention=book_retention(retention),
        )  # fmt: skip

    def summary(**scope) -> dict:
        return outcomes_summary(tenant=tenant, start=retention_start, end=today, **scope)

    rows = [row(m.pk, str(m.user), m.get_role_display(), summary(csm=m)) for m in members]
    rows.append(row(None, UNASSIGNED, "", summary(unowned=True)))
    return Team(
        today=today, rows=rows, total=_total(rows, summary()), adherence_since=adherence_since,
        nps_start=nps_start, retention_start=retention_start,
    )  # fmt: skip


def _no_answers() -> nps_margins.NpsSummary:
    return nps_margins.summary_from_counts(promoters=0, passives=0, detractors=0)


def _total(rows: list[TeamRow], retention: dict) -> TeamRow:
    total = TeamRow(member_id=None, name="Total", role="", retention=book_retention(retention))
    promoters = passives = detractors = 0
    for r in rows:
        total.book = total.book + r.book
        for segment, n in r.segments.items():
            total.segments[segment] = total.segments.get(segment, 0) + n
        total.alerts = total.alerts + r.alerts
        total.followups = total.followups + r.followups
        total.adherence = total.adherence + r.adherence
        s = r.nps.summary
        promoters, passives, detractors = promoters + s.promoters, passives + s.passives, detractors + s.detractors
    total.nps = BookNps(nps_margins.summary_from_counts(promoters=promoters, passives=passives, detractors=detractors))
    return total
