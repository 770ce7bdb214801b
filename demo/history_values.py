"""Every indicator's value as it would have been recorded in the months before a past demo renewal.

Pure: an account (``DemoAccount``), a term's end and whether it churned in; for each lead (days before the
term end) the values of every account indicator of the catalogue out, as a score history row holds them.

How a value is drawn: each indicator has a distribution (``MARGINALS``, quantiles shaped like the demo's
own six months of scored events). A term places the account somewhere in it, by a normal draw held for
the whole term (part the account's habit, part the year's), moved a little from month to month. Only
the indicators of ``DRIVERS`` also move with the term's latent risk (``demo.renewal_history``), towards
the bad end the catalogue names, and more so as the term end nears (``signal``): months before, churners
look much like everyone else. Every other indicator is drawn without regard to the risk, so whatever
the ranking finds in them is noise. Arithmetic between indicators is kept: active users follow from
license utilization and the licences, the low-utilization flag from the utilization, shorter engagement
windows are part of the longer ones; those move with their driver, as they would in any data.
Account facts (objectives documented, days in onboarding) are the account's own: the former customers,
like the demo's churned accounts, documented their objectives less often (``demo.segments``).
"""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

import math
import random
from bisect import bisect_right
from dataclasses import dataclass
from statistics import NormalDist

from demo.renewal_history import SEED, DemoAccount, latent_risk
from indicators.engine import ACCOUNT_INDICATORS, CATALOGUE, Direction
from indicators.engine.indicators.usage import LOW_UTILIZATION_PCT

LEADS = (270, 240, 210, 180, 150, 120, 90, 60, 30)  # a row this many days before each term end: 90 and 180 in
# How strongly each driver follows the latent risk (0 for every other indicator).
DRIVERS = {
    "license_utilization": 1.1,
    "days_since_executive_sponsor_engaged": 0.8,
    "nps": 0.8,
    "usage_trend_pct": 0.7,
    "open_escalations": 1.4,
}
ACCOUNT_HABIT = 0.6  # share of a term's draw that is the account's habit (the rest is that year's)
MONTHLY = 0.35  # spread of the month-to-month moves, against 1 for the term's draw
RISK_SPREAD = 1.12  # the spread of the latent risk over all terms (12-14% churned around 1.5, the rest 0)
UNIT = NormalDist()


@dataclass(frozen=True)
class Marginal:
    """A distribution by its quantiles: (cumulative share, value) pairs, linear in between."""

    knots: tuple[tuple[float, float], ...]
    digits: int = 0  # decimals kept
    missing: float = 0.0  # share of terms without any data (no answer, never happened)

    def value(self, share: float) -> float:
        shares = [p for p, _ in self.knots]
        i = min(max(bisect_right(shares, share), 1), len(shares) - 1)
        (p0, v0), (p1, v1) = self.knots[i - 1], self.knots[i]
        return round(v0 + (v1 - v0) * (min(max(share, p0), p1) - p0) / (p1 - p0), self.digits) + 0.0


def _m(*knots: tuple[float, float], digits: int = 0, missing: float = 0.0) -> Marginal:
    return Marginal(knots, digits, missing)


# fmt: off
MARGINALS = {
    "high_value_engagements_60d": _m((0, 0), (0.45, 0.49), (0.75, 1.49), (0.9, 2.49), (0.97, 3.49), (1, 5)),
    "days_since_proactive_communication": _m((0, 0), (0.1, 3), (0.25, 5), (0.5, 11), (0.75, 21), (0.9, 38), (1, 120),
                                             missing=0.05),
    "days_since_reactive_communication": _m((0, 0), (0.1, 2), (0.25, 5), (0.5, 12), (0.75, 25), (0.9, 42), (1, 150),
                                            missing=0.08),
    "content_engagement_share": _m((0, 0), (0.2, 0), (0.3, 14), (0.5, 33), (0.75, 50), (0.9, 62), (1, 100),
                                   digits=1, missing=0.02),
    "license_utilization": _m((0, 5), (0.1, 16), (0.25, 31), (0.5, 50), (0.75, 67), (0.9, 85), (1, 110)),
    "dau_trend_pct": _m((0, -80), (0.1, -50), (0.25, -25), (0.5, 0), (0.75, 35), (0.9, 90), (1, 300),
                        digits=1, missing=0.09),
    "wau_trend_pct": _m((0, -70), (0.1, -33), (0.25, -15), (0.5, 0), (0.75, 25), (0.9, 60), (1, 200),
                        digits=1, missing=0.09),
    "mau_trend_pct": _m((0, -60), (0.1, -11), (0.25, 0), (0.5, 0), (0.75, 25), (0.9, 50), (1, 150),
                        digits=1, missing=0.2),
    "adoption_slope_pct": _m((0, -40), (0.1, -4), (0.25, 0), (0.5, 4), (0.75, 17), (0.9, 45), (1, 66.7),
                             digits=1, missing=0.05),
    "features_used_share": _m((0, 7), (0.1, 27), (0.25, 40), (0.5, 47), (0.75, 67), (0.9, 87), (1, 100), digits=1),
    "core_feature_usage_share": _m((0, 0), (0.1, 1), (0.25, 5.6), (0.5, 9.6), (0.75, 14.3), (0.9, 19.3), (1, 45),
                                   digits=1, missing=0.05),
    "core_features_used": _m((0, 0), (0.2, 0.49), (0.6, 1.49), (0.75, 1.51), (0.9, 2.6), (1, 4)),
    "usage_events_30d": _m((0, 1), (0.1, 8), (0.25, 26), (0.5, 49), (0.75, 81), (0.9, 118), (1, 232)),
    "usage_trend_pct": _m((0, -80), (0.1, -29), (0.25, -9), (0.5, 10), (0.75, 40), (0.9, 100), (1, 300),
                          digits=1, missing=0.1),
    "nps": _m((0, -100), (0.1, -66.7), (0.25, -25), (0.5, 25), (0.75, 66.7), (0.9, 100), (1, 100),
              digits=1, missing=0.15),
    "advocates": _m((0, 0), (0.75, 0.49), (0.92, 1.49), (1, 2)),
    "negative_feedback_near_renewal": _m((0, 0), (0.9, 0.49), (0.97, 1.49), (1, 2)),
    "engaged_contacts_30d": _m((0, 0), (0.1, 2), (0.25, 3), (0.5, 5), (0.75, 8), (0.9, 11), (1, 24)),
    "engaged_contacts_change": _m((0, -5), (0.1, -1), (0.25, 0), (0.5, 1), (0.75, 2), (0.9, 4), (1, 10)),
    "engaged_executives_30d": _m((0, 0), (0.4, 0.49), (0.8, 1.49), (0.93, 2.49), (1, 4)),
    "days_since_executive_sponsor_engaged": _m((0, 0), (0.1, 4), (0.25, 11), (0.5, 27), (0.75, 54), (0.9, 88),
                                               (1, 200), missing=0.15),
    "tickets_per_active_user_30d": _m((0, 0), (0.5, 0), (0.6, 0.1), (0.75, 0.3), (0.9, 0.6), (1, 2), digits=2),
    "high_severity_tickets_30d": _m((0, 0), (0.85, 0.49), (0.94, 1.49), (0.98, 2.49), (1, 4)),
    "open_escalations": _m((0, 0), (0.8, 0.49), (0.92, 1.49), (0.98, 2.49), (1, 3)),
    "account_escalations_90d": _m((0, 0), (0.93, 0.49), (1, 1)),
    "refund_or_discount_requests_90d": _m((0, 0), (0.92, 0.49), (0.98, 1.49), (1, 2)),
    "downsells_180d": _m((0, 0), (0.95, 0.49), (1, 1)),
}
# fmt: on
# Held for the account across its terms (its own facts, or set once and for all).
ACCOUNT_MARGINALS = {
    "time_to_first_value": _m((0, 7), (0.1, 9), (0.25, 15), (0.5, 20), (0.75, 38), (0.9, 50), (1, 78), missing=0.3),
    "org_chart_completeness": _m((0, 50), (0.08, 50), (0.1, 100), (1, 100), missing=0.06),
}
CONSTANT = {"product_stack_share": 0.0}  # the demo's accounts subscribe to no product stack
# Never recorded back then: no onboarding or post-sale survey, no gut reads, no ticket baseline, onboarding over.
NO_DATA = ("onboarding_rating", "onboarding_adoption", "post_sale_score", "gut_read", "ticket_volume_vs_baseline")
DERIVED = ("high_value_engagements_15d", "high_value_engagements_30d", "high_value_engagements_45d", "mau", "wau",
           "dau", "low_license_utilization", "objectives_documented", "days_in_onboarding")  # fmt: skip


def signal(lead: int) -> float:
    """How much of a driver's pull on the risk shows ``lead`` days before the term end: a fifth at nine
    months, half at six, most of it in the last quarter."""
    return min(1.0, max(0.2, 1.1 - lead / 300))


def term_values(account: DemoAccount, *, term: int, churned: bool, leads=LEADS) -> list[tuple[int, dict]]:
    """(lead, values) for each lead before the end of the account's ``term``-th term, farthest first: every
    account indicator's value (None: no data)."""
    risk = latent_risk(account.external_id, term, churned=churned)
    habit = random.Random(f"{SEED}/{account.external_id}/habit")
    year = random.Random(f"{SEED}/{account.external_id}/{term}/year")
    place, missing = {}, set()
    for key in MARGINALS:  # in a fixed order, so each indicator draws the same numbers every time
        place[key] = ACCOUNT_HABIT * habit.gauss(0, 1) + math.sqrt(1 - ACCOUNT_HABIT**2) * year.gauss(0, 1)
        if year.random() < MARGINALS[key].missing:
            missing.add(key)
    fixed = {key: m.value(habit.random()) for key, m in ACCOUNT_MARGINALS.items()}
    fixed = {key: None if habit.random() < ACCOUNT_MARGINALS[key].missing else v for key, v in fixed.items()}
    fixed |= CONSTANT | dict.fromkeys(NO_DATA)
    fixed["objectives_documented"] = float(account.objectives_documented)
    onboarded = account.onboarding_started and account.onboarding_completed
    fixed["days_in_onboarding"] = (
        float((account.onboarding_completed - account.onboarding_started).days) if onboarded else None
    )
    rows = []
    for lead in sorted(leads, reverse=True):
        month = random.Random(f"{SEED}/{account.external_id}/{term}/{lead}")
        values = dict(fixed)
        for key, marginal in MARGINALS.items():
            pull = signal(lead) * DRIVERS.get(key, 0.0)
            spread = math.sqrt(1 + MONTHLY**2 + (pull * RISK_SPREAD) ** 2)
            risky = UNIT.cdf((place[key] + MONTHLY * month.gauss(0, 1) + pull * risk) / spread)
            higher_is_better = CATALOGUE[key].direction == Direction.HIGHER_IS_BETTER
            values[key] = None if key in missing else marginal.value(1 - risky if higher_is_better else risky)
        _derive(values, account.licenses, month)
        rows.append((lead, {i.key: values[i.key] for i in ACCOUNT_INDICATORS}))
    return rows


def _derive(values: dict, licenses: int, rng: random.Random) -> None:
    """The values that follow from others: active users from utilization, the shorter windows from the longer."""
    mau = max(1, round(values["license_utilization"] * licenses / 100))
    values["mau"] = float(mau)
    values["license_utilization"] = 100 * mau / licenses
    values["low_license_utilization"] = float(values["license_utilization"] < LOW_UTILIZATION_PCT)
    values["wau"] = float(max(1, round(mau * rng.uniform(0.5, 0.9))))
    values["dau"] = round(values["wau"] * rng.uniform(0.15, 0.45) * 7) / 7
    count = int(values["high_value_engagements_60d"])
    for days, keep in ((45, 0.75), (30, 2 / 3), (15, 0.5)):  # each window holds part of the one before
        count = sum(rng.random() < keep for _ in range(count))
        values[f"high_value_engagements_{days}d"] = float(count)
