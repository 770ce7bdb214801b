"""Six months of believable events for the demo tenant, stored through the ingestion path.

``demo_events_plan`` is pure: the demo customers and a date in, ``NewEvent`` rows out. Every draw comes
from a random stream named by the seed, the account and (for day-to-day activity) the day, and every
message id is built from the same names, so running it again on the same day inserts nothing:
``events_store`` skips message ids it already holds. A run on a later day adds the days since.
``demo_events_seed`` writes the product catalogue, then stores the plan ``BATCH`` events per transaction
through ``events_store``, exactly as the APIs do, so daily rollups and recompute marks are real.
"""

from __future__ import annotations

import random
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from accounts.models import Account, Contact, Tenant
from demo import events_vocabulary as v
from demo.people import demo_plan
from demo.renewal_history import anniversary
from demo.segments import SEGMENTS
from indicators.ingest.store import NewEvent, events_store
from indicators.models import Event, EventType, Feature, Product

DAY = timedelta(days=1)
CENTS = Decimal("0.01")
CONTENT_IDS = list(v.CONTENT)
CONTENT_CUM = list(accumulate(v.CONTENT_WEIGHTS[kind] for kind, _, _ in v.CONTENT.values()))


@dataclass(frozen=True)
class Person:
    pk: int
    external_id: str
    stage: str  # adoption stage
    first: date | None  # first and last day seen
    last: date | None
    champion: bool


@dataclass(frozen=True)
class Customer:
    pk: int
    external_id: str
    stage: str  # lifecycle stage
    segment: str
    arr: float
    kickoff: date | None
    onboarded: date | None
    contract_start: date | None
    renewal: date | None
    csm: int | None  # the CSM's membership id
    sponsor: Person | None
    people: tuple[Person, ...]


def account_trend(external_id: str, stage: str) -> str:
    """growing, stable or declining; churned and onboarding accounts follow their lifecycle stage."""
    weights = v.TRENDS.get(stage)
    if weights is None:
        return stage
    return random.Random(f"{v.SEED}/{external_id}/trend").choices(list(weights), list(weights.values()))[0]


def _quiet(**kwargs):
    """The default ``progress``: shaped like ``tqdm(total=, desc=, unit=)`` with ``update(n)``; prints nothing."""
    return nullcontext(SimpleNamespace(update=lambda n=1: None))


def demo_events_seed(*, tenant: Tenant, progress=None, accounts=None, days: int = v.DAYS, now=None) -> int:
    """Store the demo events of ``tenant`` not stored yet (all accounts, or those external ids); return how many."""
    progress, now = progress or _quiet, now or timezone.now()
    with transaction.atomic():
        demo_catalogue_seed(tenant=tenant)
    customers, today, events = demo_customers(tenant, accounts, now), now.astimezone(UTC).date(), []
    with progress(total=len(customers), desc="Planning events", unit="account") as bar:
        for customer in customers:
            events += demo_events_plan([customer], today=today, days=days, currency=tenant.currency)
            bar.update(1)
    known = set(Event.objects.for_tenant(tenant).filter(source=v.SOURCE).values_list("message_id", flat=True))
    fresh = [e for e in events if e.message_id not in known]  # a shortcut only: events_store skips them anyway
    inserted = 0
    with progress(total=len(fresh), desc="Events", unit="event") as bar:
        for start in range(0, len(fresh), v.BATCH):
            batch = fresh[start : start + v.BATCH]
            with transaction.atomic():
                inserted += len(events_store(tenant=tenant, events=batch).inserted)
            bar.update(len(batch))
    return inserted


def demo_catalogue_seed(*, tenant: Tenant) -> None:
    """The demo products and features (feature key = the tracked event name), refreshed by key."""
    Product.objects.for_tenant(tenant).bulk_create(
        [Product(tenant=tenant, key=key, name=name) for key, (name, _, _) in v.PRODUCTS.items()],
        update_conflicts=True, unique_fields=["tenant", "key"], update_fields=["name"],
    )  # fmt: skip
    product_ids = dict(Product.objects.for_tenant(tenant).filter(key__in=v.PRODUCTS).values_list("key", "pk"))
    features = [
        Feature(tenant=tenant, key=key, name=name, product_id=product_ids[product], is_core_value=core)
        for product, (_, _, catalogue) in v.PRODUCTS.items()
        for key, name, core, _ in catalogue
    ]
    Feature.objects.for_tenant(tenant).bulk_create(
        features, update_conflicts=True, unique_fields=["tenant", "key"],
        update_fields=["name", "product", "is_core_value"],
    )  # fmt: skip


def demo_customers(tenant: Tenant, external_ids, now: datetime) -> list[Customer]:
    """What the plan needs to know of the accounts (all, or those external ids) and their contacts."""
    accounts = Account.objects.for_tenant(tenant).order_by("external_id")
    if external_ids is not None:
        accounts = accounts.filter(external_id__in=list(external_ids))
    accounts = list(accounts)

    def seen(at: datetime | None) -> date | None:
        # The UTC calendar day: storing the demo's own usage moves first/last seen within their day (to the
        # events' times), never across it, so a second run draws the very same events.
        return None if at is None else at.astimezone(UTC).date()

    people = defaultdict(list)
    contacts = Contact.objects.for_tenant(tenant).filter(account_id__in=[a.pk for a in accounts])
    for c in contacts.order_by("external_id"):
        first, last = seen(c.first_seen_at), seen(c.last_seen_at)
        people[c.account_id].append(Person(c.pk, c.external_id, c.adoption_stage, first, last, c.is_champion))
    # The commercial facts come from the plan, not the rows: the demo's own renewal, expansion and churn
    # events move the stored ARR, renewal date and stage, and the next run must draw the very same events.
    planned = {p.fields["external_id"]: p.fields for p in demo_plan(now)[0]}
    customers = []
    for a in accounts:
        sponsor = next((p for p in people[a.pk] if p.pk == a.executive_sponsor_id), None)
        plan = planned.get(a.external_id, {})
        stage, arr = plan.get("lifecycle_stage", a.lifecycle_stage), plan.get("arr", a.arr)
        customers.append(Customer(
            a.pk, a.external_id, stage, a.segment, float(arr), a.onboarding_started_on,
            a.onboarding_completed_on, a.contract_start_on, plan.get("renewal_on", a.renewal_on), a.csm_owner_id,
            sponsor, tuple(people[a.pk]),
        ))  # fmt: skip
    return customers


def _amount(value: float) -> str:
    """A whole amount written as the events API stores amounts: a decimal string with two places ("1200.00")."""
    return str(Decimal(round(value)).quantize(CENTS))


def demo_events_plan(customers: list[Customer], *, today: date, days: int = v.DAYS, currency="USD") -> list[NewEvent]:
    """Every demo event from ``days`` days ago up to the end of yesterday (UTC), account by account."""
    events: list[NewEvent] = []
    for customer in customers:
        events += _Plan(customer, today, days, currency).events
    return events


def _at(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, rng.choice(v.HOURS), rng.randrange(60), rng.randrange(60), tzinfo=UTC)


class _Plan:
    """One account's events: day-to-day activity, then its one-off moves."""

    def __init__(self, customer: Customer, today: date, days: int, currency: str):
        self.c, self.today, self.currency = customer, today, currency
        self.start = datetime.combine(today - days * DAY, time(), UTC)
        self.end = datetime.combine(today, time(), UTC)
        self.trend = account_trend(customer.external_id, customer.stage)
        self.churn = customer.renewal if customer.stage == "churned" else None
        self.events: list[NewEvent] = []
        self.left: dict[int, date] = {}  # contacts who left, and when
        once = random.Random(f"{v.SEED}/{customer.external_id}/once")
        self._mix(once)
        self.phase = once.randrange(365)
        self._one_offs(once)
        for n in range(days, 0, -1):
            day = today - n * DAY
            rng = random.Random(f"{v.SEED}/{customer.external_id}/{day:%Y%m%d}")
            self._usage(day, rng)
            self._touches(day, rng)

    def emit(self, key: str, type_: str, name: str, at: datetime, person: Person | None = None, **properties):
        if self.churn:  # nothing happens after the churn date: open tickets are closed that day
            at = min(at, datetime.combine(self.churn, time(23, 59), UTC))
        if self.start <= at < self.end:
            self.events.append(NewEvent(
                message_id=f"demo-{v.SEED}/{key}", type=type_, name=name, occurred_at=at, source=v.SOURCE,
                properties=properties, account_id=self.c.pk, contact_id=person.pk if person else None,
                user_id=person.external_id if person else "",
            ))  # fmt: skip

    def _mix(self, rng: random.Random) -> None:
        """The features this account uses and how much: subscribed products, each account its own taste."""
        self.features, weights, low_core, self.product_of = [], [], [], {}
        for product, (_, chance, catalogue) in v.PRODUCTS.items():
            subscribed = product == "insights" or rng.random() < chance[self.c.segment]
            for key, _, core, weight in catalogue if subscribed else ():
                self.features.append(key)
                self.product_of[key] = product
                weights.append(weight * rng.lognormvariate(0, 0.5))
                low_core.append(weights[-1] * (0.25 if core else 1))
        self.core = [key for key in self.features if key in v.CORE]
        self.cum, self.cum_declining = list(accumulate(weights)), list(accumulate(low_core))

    def declining(self, day: date) -> bool:
        return self.trend == "declining" and (self.today - day).days <= v.DECLINE_DAYS

    def level(self, day: date) -> float:
        """How much of its usual usage the account shows on ``day``."""
        c = self.c
        if c.kickoff is None or day < c.kickoff:
            return 0.0
        ramp = min(1.0, 0.3 + 0.7 * (day - c.kickoff).days / v.RAMP_DAYS)
        ago = (self.today - day).days
        if self.declining(day):
            return ramp * (v.DECLINE_FLOOR + (1 - v.DECLINE_FLOOR) * (ago / v.DECLINE_DAYS) ** 2)
        if self.trend == "growing":
            return ramp * (0.7 + 0.4 * max(0.0, 1 - ago / v.DAYS))
        if self.churn:
            quiet, fade = v.FADE_DAYS
            return ramp * max(0.0, min(1.0, ((self.churn - day).days - quiet) / fade))
        return ramp

    def _usage(self, day: date, rng: random.Random) -> None:
        level = self.level(day) * (1.0 if day.weekday() < 5 else v.WEEKEND)
        if level <= 0:
            return
        declining = self.declining(day)
        cum, joined_lately = (self.cum_declining, self.today - v.DECLINE_DAYS * DAY) if declining else (self.cum, None)
        for p in self.c.people:
            if p.first is None or not p.first <= day <= p.last or day >= self.left.get(p.pk, date.max):
                continue
            newcomer = declining and p.first >= joined_lately
            if rng.random() >= v.ACTIVE_CHANCE[p.stage] * level * (v.NEWCOMERS_AT_RISK if newcomer else 1):
                continue
            n = 1
            while n < 8 and rng.random() < v.MORE_EVENTS[p.stage]:
                n += 1
            for i in range(n):
                name = rng.choices(self.features, cum_weights=cum)[0]
                key = f"{day:%Y%m%d}/{p.external_id}/{i}"
                self.emit(key, EventType.USAGE, name, _at(day, rng), p, product=self.product_of[name])

    def _touches(self, day: date, rng: random.Random) -> None:
        """Tickets, the CSM's conversations and content engagement on ``day``."""
        c = self.c
        if c.kickoff is None or day < c.kickoff or (self.churn and day > self.churn):
            return
        reachable = [p for p in c.people if p.first and p.first <= day and day < self.left.get(p.pk, date.max)]
        reachable = reachable or ([c.sponsor] if c.sponsor else [])
        if not reachable:
            return
        risky = self.declining(day) or (self.churn is not None and (self.churn - day).days <= 90)
        weekday, key = day.weekday() < 5, f"{day:%Y%m%d}/{c.external_id}"
        chance = v.TICKETS[c.segment] * (v.RISK_FACTOR if risky else 1) * (1 if weekday else 2 * v.WEEKEND)
        if rng.random() < chance:
            self._ticket(day, rng, rng.choice(reachable), risky, key)
        if not weekday:
            return
        for kind, chance in v.PROACTIVE[c.segment].items():
            if rng.random() < chance * (v.NEGLECT_FACTOR if risky else 1):
                self._talk(kind, "proactive", _at(day, rng), rng, reachable, risky, f"{key}/{kind}")
        every = v.REVIEW_EVERY.get(c.segment)
        if every and (day.toordinal() + self.phase) % every == 0:
            self._talk("business_review", "proactive", _at(day, rng), rng, reachable, risky, f"{key}/review")
        if rng.random() < v.REACTIVE[c.segment] * (v.RISK_FACTOR if risky else 1):
            self._talk(rng.choice(("email", "email", "call")), "reactive", _at(day, rng), rng, reachable, risky,
                       f"{key}/inbound")  # fmt: skip
        engaged = sum(1 for p in reachable if p.last and day <= p.last)
        if rng.random() < min(0.35, v.CONTENT_PER_PERSON * engaged):
            content_id = rng.choices(CONTENT_IDS, cum_weights=CONTENT_CUM)[0]
            kind, title, format_ = v.CONTENT[content_id]
            self.emit(f"{key}/content", EventType.CONTENT, kind, _at(day, rng), rng.choice(reachable),
                      content_id=content_id, title=title, format=format_)  # fmt: skip

    def _ticket(self, day: date, rng: random.Random, person: Person, risky: bool, key: str) -> None:
        weights = v.RISKY_SEVERITIES if risky else v.SEVERITIES
        severity = rng.choices(list(weights), list(weights.values()))[0]
        ticket = {"ticket_id": f"TCK-{self.c.external_id}-{day:%Y%m%d}", "severity": severity}
        opened = _at(day, rng)
        self.emit(f"{key}/ticket_opened", EventType.SUPPORT, "ticket_opened", opened, person, **ticket)
        if rng.random() < v.ESCALATE[severity] * (2 if risky else 1):
            at = opened + timedelta(hours=rng.randint(1, 48))
            self.emit(f"{key}/ticket_escalated", EventType.SUPPORT, "ticket_escalated", at, person, **ticket)
            self._talk("call", "reactive", at + timedelta(hours=rng.randint(1, 6)), rng, [person], risky,
                       f"{key}/escalation_call")  # fmt: skip
        closed = opened + timedelta(hours=rng.randint(*v.CLOSE_HOURS[severity]))
        self.emit(f"{key}/ticket_closed", EventType.SUPPORT, "ticket_closed", closed, person, **ticket)

    def _talk(self, kind: str, direction: str, at: datetime, rng, reachable: list[Person], risky: bool, key: str):
        """A CSM conversation; the executive sponsor joins some meetings and reviews, rarely at a risky account."""
        sponsor = self.c.sponsor
        joins = sponsor is not None and rng.random() < v.SPONSOR_JOINS.get(kind, 0) * (0.15 if risky else 1)
        person = sponsor if joins else rng.choice(reachable)
        self.emit(key, EventType.COMMUNICATION, kind, at, person, direction=direction, csm=self.c.csm)
        if joins:
            self.emit(f"{key}/sponsor", EventType.RELATIONSHIP, "executive_sponsor_engaged", at, sponsor)

    def _one_offs(self, rng: random.Random) -> None:
        """Onboarding milestones, renewals and other commercial moves, people joining and leaving."""
        c, ext, today = self.c, self.c.external_id, self.today
        if c.kickoff:
            length = rng.randint(*SEGMENTS[c.segment].onboarding_days)
            if c.onboarded:
                length = (c.onboarded - c.kickoff).days
            else:  # still onboarding: it ends some time from now
                length = max(length, (today - c.kickoff).days + rng.randint(5, 30))
            for milestone, share in v.MILESTONES:
                at = _at(c.kickoff + round(share * length) * DAY, rng)
                self.emit(f"{ext}/{milestone}", EventType.LIFECYCLE, "onboarding_milestone", at, milestone=milestone)
            at = _at(c.kickoff + round(rng.uniform(*v.FIRST_VALUE_AT) * length) * DAY, rng)
            if not (c.stage == "onboarding" and rng.random() < v.SLOW_START) and self.core:
                self.emit(f"{ext}/first_value", EventType.LIFECYCLE, "first_value_reached", at, c.sponsor,
                          milestone="first_value", feature=rng.choice(self.core))  # fmt: skip
        money = {"currency": self.currency}
        if c.contract_start and not self.churn:
            for year in range(1, 6):
                if (renewal_on := anniversary(c.contract_start, year)) >= today:
                    break
                at = _at(renewal_on, rng)
                self.emit(f"{ext}/renewal/{year}", EventType.COMMERCIAL, "renewal", at, c.sponsor,
                          amount=_amount(c.arr), **money)  # fmt: skip
        if self.churn:
            at = _at(self.churn, rng)
            self.emit(f"{ext}/churn", EventType.COMMERCIAL, "churn", at, c.sponsor, amount=_amount(c.arr), **money)
        for name, chances, (low, high) in v.ONE_OFFS:
            if rng.random() < chances.get(self.trend, 0):
                at = _at((self.churn or today) - rng.randint(low, high) * DAY, rng)
                amount = _amount(round(c.arr * rng.uniform(*v.AMOUNT_SHARE[name]), -2))
                self.emit(f"{ext}/{name}", EventType.COMMERCIAL, name, at, c.sponsor, amount=amount, **money)
        champion = next((p for p in c.people if p.champion), None)
        if self.trend == "declining" and champion and rng.random() < v.CHAMPION_LEAVES:
            self.left[champion.pk] = today - rng.randint(*v.CHAMPION_LEFT_DAYS_AGO) * DAY
            self.emit(f"{ext}/champion_left", EventType.RELATIONSHIP, "champion_left",
                      _at(self.left[champion.pk], rng), champion)  # fmt: skip
        for p in c.people:
            if p.first and c.kickoff and p.first >= c.kickoff:
                at = _at(p.first, rng)
                self.emit(f"{p.external_id}/contact_added", EventType.RELATIONSHIP, "contact_added", at, p)
            if p.stage == "dormant" and self.trend in ("declining", "churned") and rng.random() < v.CONTACT_LEAVES:
                at = _at(p.last + rng.randint(14, 45) * DAY, rng)
                self.emit(f"{p.external_id}/contact_left", EventType.RELATIONSHIP, "contact_left", at, p)
