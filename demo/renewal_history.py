"""Two to three years of renewals behind the demo's customers, and the customers who left in that time.

Pure: demo accounts (``DemoAccount``) and dates in, planned terms out. Every draw comes from a random stream
named by the seed, the account and the term's end, so the same inputs always give the same plan.

* **A customer's past terms**: one a year from its contract start, each ending on an anniversary before its
  renewal date; a churned account's last term ends on its churn date. The ARR is worked backwards from the
  account's ARR today: each earlier renewal expanded, downsold or renewed flat, so the last one closes at
  today's ARR. The terms ending in the demo's six months of events are flagged: the events close them (renewed
  at that ARR, or churned), as an integration's renewal and churn events would.
* **Former customers**: ``FORMER_COUNT`` accounts that churned in the three years before the events' months, after
  one to four annual terms, shaped like the current customers of their segment (``demo/segments.py``). They
  bring the churn that a book of today's customers, survivors all but a few, cannot show.
* **Latent risk**: each term's, drawn given how it ended (churned: normal around ``RISK_SHIFT``; otherwise
  around 0), which is how a probit model of churn on the risk reads backwards. Downsells and the CSM's
  call lean on it; so do the few indicators that preceded churn (``demo/history_values.py``); nothing else
  does.
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from demo.segments import SEGMENTS, documented_draw, objectives_draw, segment_draw

SEED = 20251207  # the random streams' names start with it
RISK_SHIFT = 1.5  # a churned term's latent risk is centred here, a renewed one's at 0 (both with spread 1)
FORMER_COUNT = 48  # with the current customers' renewals: about 430 closed, 13-14% of them churned
FORMER_FIRST = 1001  # former customers are acct-1001, acct-1002...: apart from the current acct-0001...
CHURNED_WITHIN_DAYS = 3 * 365  # former customers churned in the last three years...
FIRST_TERM_WITHIN_DAYS = 4 * 365  # ...and became customers in the last four
TENURE_WEIGHTS = {1: 15, 2: 30, 3: 30, 4: 25}  # annual terms a former customer stayed for
HUNDRED = Decimal(100)

# Outcomes and calls by the values ``outcomes.models`` stores (this module imports no models).
RENEWED, EXPANDED, DOWNSOLD, CHURNED = "renewed", "expanded", "downsold", "churned"
CALLS = ((-0.3, "commit"), (0.7, "likely"), (1.5, "at_risk"), (float("inf"), "lost"))  # (read below, call)
CALL_SHARE = 0.8  # renewals with a CSM's call
CALL_NOISE = 0.8  # how far a CSM's read of the risk strays from it
CHURN_REASONS = {"Budget cut": 3, "Moved to a competitor": 3, "Low adoption": 3, "Executive sponsor left": 2,
                 "Missing capabilities": 2, "Acquired or merged": 1}  # fmt: skip
DOWNSELL_REASONS = {"Fewer seats needed": 4, "Budget cut": 2, "Dropped a product": 2}
REASON_SHARE = {CHURNED: 0.9, DOWNSOLD: 0.8}  # closed renewals of that outcome given a reason


@dataclass(frozen=True)
class DemoAccount:
    """What the plan reads of an account (the demo's own, or a former customer's)."""

    external_id: str
    segment: str
    stage: str  # lifecycle stage
    arr: Decimal  # today's ARR (before a churn: the ARR it churned from)
    licenses: int
    contract_start: date | None
    renewal_on: date | None  # a churned account's churn date
    objectives_documented: bool = False
    onboarding_started: date | None = None
    onboarding_completed: date | None = None


@dataclass(frozen=True)
class PlannedTerm:
    number: int  # 1: the account's first term
    term_start: date
    term_end: date
    arr_due: Decimal
    closed_arr: Decimal
    outcome: str
    closed_on: date
    risk: float
    reason: str | None = None  # a name from CHURN_REASONS or DOWNSELL_REASONS
    csm_call: str = ""
    csm_call_on: date | None = None
    by_events: bool = False  # closed by the demo's events (``past_terms``), not stored with the history

    @property
    def churned(self) -> bool:
        return self.outcome == CHURNED


@dataclass(frozen=True)
class FormerCustomer:
    account: DemoAccount
    name: str
    csm: int  # index into the demo CSMs, as for the current customers
    objectives: str
    terms: tuple[PlannedTerm, ...]


def anniversary(day: date, years: int) -> date:
    """The same day ``years`` later (or earlier); 28 February for a 29th."""
    return day.replace(year=day.year + years, day=28 if (day.month, day.day) == (2, 29) else day.day)


def latent_risk(external_id: str, term: int, *, churned: bool) -> float:
    """The risk behind the account's ``term``-th term (1: its first), given whether it churned.

    Streams are named by the term's number, not its dates: the demo's dates move with the day it is seeded
    on, its customers' stories do not."""
    rng = random.Random(f"{SEED}/{external_id}/{term}/risk")
    return rng.gauss(RISK_SHIFT if churned else 0.0, 1.0)


def term_ends(account: DemoAccount, *, today: date) -> list[date]:
    """The ends of the account's terms that have closed by ``today``, oldest first: its contract anniversaries
    before its renewal date (the next one due), and a churned account's churn date (nothing follows it)."""
    if account.contract_start is None or account.renewal_on is None:
        return []
    ends, year = [], 1
    while (end := anniversary(account.contract_start, year)) < account.renewal_on and end <= today:
        ends.append(end)
        year += 1
    if account.stage == CHURNED and account.renewal_on <= today:
        ends.append(account.renewal_on)
    return ends


def past_terms(account: DemoAccount, *, today: date, events_from: date | None = None) -> list[PlannedTerm]:
    """Every term of the account that has closed by ``today``, oldest first; the last one at today's ARR.

    Those ending from ``events_from`` to the day before ``today`` are the demo events' to close (``by_events``),
    as the events close them: renewed at today's ARR, or churned.
    """
    ends = term_ends(account, today=today)
    terms, closed = [], account.arr
    for n in range(len(ends) - 1, -1, -1):  # backwards, from today's ARR
        end = ends[n]
        start = ends[n - 1] if n else account.contract_start
        rng = random.Random(f"{SEED}/{account.external_id}/{n + 1}/term")
        churned = account.stage == CHURNED and end == account.renewal_on
        by_events = events_from is not None and events_from <= end < today
        risk = latent_risk(account.external_id, n + 1, churned=churned)
        if churned:
            outcome, due, closed_arr = CHURNED, closed, Decimal(0)
        else:
            outcome = RENEWED if by_events else _renewed_outcome(rng, risk)
            due, closed_arr = _due(closed, outcome, rng), closed
        closed_on = max(end - timedelta(days=rng.randint(0, 30)), start + timedelta(days=1))  # early, or on time
        terms.append(PlannedTerm(
            number=n + 1, term_start=start, term_end=end, arr_due=due, closed_arr=closed_arr, outcome=outcome,
            closed_on=closed_on, risk=risk, by_events=by_events, **_reason(rng, outcome),
            **_call(rng, risk, end, closed_on),
        ))  # fmt: skip
        closed = due
    return terms[::-1]


def _renewed_outcome(rng: random.Random, risk: float) -> str:
    """Renewed, expanded or downsold: a risky account downsells more often and expands less."""
    down, up = (0.3, 0.05) if risk > 1 else (0.05, 0.25) if risk < 0 else (0.08, 0.12)
    draw = rng.random()
    return DOWNSOLD if draw < down else EXPANDED if draw >= 1 - up else RENEWED


def _round(amount: Decimal) -> Decimal:
    return (amount / HUNDRED).quantize(Decimal(1)) * HUNDRED


def _due(closed: Decimal, outcome: str, rng: random.Random) -> Decimal:
    """The ARR due on a renewal that closed at ``closed`` with ``outcome`` (whole hundreds, never equal)."""
    if outcome == EXPANDED:
        return max(HUNDRED, min(_round(closed / Decimal(1 + rng.uniform(0.08, 0.35))), closed - HUNDRED))
    if outcome == DOWNSOLD:
        return max(_round(closed / Decimal(1 - rng.uniform(0.1, 0.3))), closed + HUNDRED)
    return closed


def _reason(rng: random.Random, outcome: str) -> dict:
    reasons = CHURN_REASONS if outcome == CHURNED else DOWNSELL_REASONS if outcome == DOWNSOLD else None
    if reasons is None or rng.random() >= REASON_SHARE[outcome]:
        return {}
    return {"reason": rng.choices(list(reasons), list(reasons.values()))[0]}


def _call(rng: random.Random, risk: float, end: date, closed_on: date) -> dict:
    """Most renewals carry the CSM's call, made one to four months before the term end: their noisy read of
    the risk."""
    if rng.random() >= CALL_SHARE:
        return {}
    read = risk + rng.gauss(0, CALL_NOISE)
    call = next(name for bound, name in CALLS if read < bound)
    return {"csm_call": call, "csm_call_on": min(closed_on, end - timedelta(days=rng.randint(30, 120)))}


def former_external_ids() -> list[str]:
    return [f"acct-{n:04d}" for n in range(FORMER_FIRST, FORMER_FIRST + FORMER_COUNT)]


def former_customers(names: Sequence[str], *, today: date, churned_before: date) -> list[FormerCustomer]:
    """``FORMER_COUNT`` customers who churned between three years before ``today`` and ``churned_before``, named from
    ``names`` (company names no current customer has)."""
    pool = random.Random(f"{SEED}/former/names").sample(sorted(names), FORMER_COUNT)
    formers = []
    for external_id, name in zip(former_external_ids(), pool, strict=True):
        rng = random.Random(f"{SEED}/former/{external_id}")
        segment = segment_draw(rng)
        seg = SEGMENTS[segment]
        licenses = rng.randint(*seg.licenses)
        arr = Decimal(round(licenses * rng.randint(*seg.seat_price), -2))
        left = churned_before - timedelta(days=rng.randint(1, CHURNED_WITHIN_DAYS - (today - churned_before).days))
        room = (left - (today - timedelta(days=FIRST_TERM_WITHIN_DAYS))).days // 366
        tenure = min(rng.choices(list(TENURE_WEIGHTS), list(TENURE_WEIGHTS.values()))[0], max(1, room))
        start = anniversary(left, -tenure)
        kickoff = start + timedelta(days=rng.randint(0, 7))
        onboarded = kickoff + timedelta(days=rng.randint(*seg.onboarding_days))
        documented = documented_draw(rng, CHURNED)
        account = DemoAccount(
            external_id=external_id, segment=segment, stage=CHURNED, arr=arr, licenses=licenses,
            contract_start=start, renewal_on=anniversary(start, tenure), objectives_documented=documented,
            onboarding_started=kickoff, onboarding_completed=onboarded,
        )  # fmt: skip
        formers.append(FormerCustomer(
            account=account, name=name, csm=rng.choice(seg.csms),
            objectives=objectives_draw(rng) if documented else "", terms=tuple(past_terms(account, today=today)),
        ))  # fmt: skip
    return formers
