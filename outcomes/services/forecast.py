"""Renewal forecasts for a tenant: fit on its closed renewals as they stood, forecast every pending one.

The statistics are ``outcomes/forecasting.py``; this module reads the snapshots (score history as
recorded at each moment, never later), stores the run and each pending renewal's forecast, and keeps
the accuracy of the model and of the CSM's call as renewals close.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from accounts.models import Tenant
from accounts.zones import tenant_zone
from indicators.engine.formatting import GUT_NAMES, number
from outcomes.forecasting import FEATURES, LEADS, FittedForecast, Snapshot, features_of, fit_forecast
from outcomes.models import AnalysisKind, CsmCall, Outcome, OutcomeAnalysis, Renewal, RenewalForecast
from outcomes.models.renewals import CLOSED_OUTCOMES
from outcomes.services.history import history_as_of
from outcomes.services.learning import as_of_moment
from outcomes.services.ledger import tenant_today

VALUES_READ = ("gut_read", "usage_trend_pct")  # the features read from a history row's indicator values
TREND_DAYS = 30  # the score's change is read over this many days
CENTS = Decimal("0.01")
EXPECTS_RENEWAL = (CsmCall.COMMIT, CsmCall.LIKELY)  # the calls that say it will renew


class Pending(NamedTuple):
    """A pending renewal as the forecast reads it (a model instance per renewal costs more than the rest)."""

    pk: int
    account_id: int
    term_end: date
    arr_due: Decimal
    closed_arr: Decimal | None


def _snapshots(tenant: Tenant, asks: list[tuple]) -> list[Snapshot]:
    """``asks``: (renewal, moment, lead days, churned or None); each read from history as of its moment."""
    now = history_as_of(tenant, [(r.account_id, moment) for r, moment, _, _ in asks], keys=VALUES_READ)
    before = history_as_of(
        tenant, [(r.account_id, moment - timedelta(days=TREND_DAYS)) for r, moment, _, _ in asks], keys=()
    )
    snapshots = []
    for (renewal, _, lead, churned), row, earlier in zip(asks, now, before, strict=True):
        features = features_of(
            score=row.score if row else None, score_30d_ago=earlier.score if earlier else None,
            values=row.values if row else {}, arr_due=float(renewal.arr_due), days_to_term_end=lead,
        )  # fmt: skip
        snapshots.append(Snapshot(
            renewal=renewal.pk, term_end=renewal.term_end, lead_days=lead, features=features,
            band=(row.band or None) if row else None, churned=churned, arr_due=float(renewal.arr_due),
            closed_arr=None if renewal.closed_arr is None else float(renewal.closed_arr),
        ))  # fmt: skip
    return snapshots


def closed_snapshots(tenant: Tenant) -> list[Snapshot]:
    """Every closed renewal as it stood 30, 90 and 180 days before its term end (moments already past)."""
    zone, now = tenant_zone(tenant), timezone.now()
    closed = (
        Renewal.objects.for_tenant(tenant)
        .filter(outcome__in=CLOSED_OUTCOMES)
        .only("pk", "account_id", "term_end", "arr_due", "closed_arr", "outcome")
    )
    asks = [
        (renewal, moment, lead, renewal.outcome == Outcome.CHURNED)
        for renewal in closed.iterator(chunk_size=5000)
        for lead in LEADS
        if (moment := as_of_moment(renewal.term_end, lead, zone)) <= now
    ]
    return _snapshots(tenant, asks)


def describe_for(tenant: Tenant):
    """A feature's value in the words of the console."""

    def describe(key: str, value: float) -> str:
        if key == "gut_read":
            return GUT_NAMES.get(value, number(value))
        if key == "log_arr":
            return f"{tenant.currency} {math.expm1(value):,.0f}"
        if key == "score_change_30d":
            return f"{'+' if value > 0 else ''}{number(value)} points"
        if key == "usage_trend_pct":
            return f"{'+' if value > 0 else ''}{number(value)}%"
        if key == "days_to_term_end":
            return f"{number(value)} days"
        return number(value)

    return describe


@transaction.atomic
def renewals_forecast(*, tenant: Tenant) -> OutcomeAnalysis:
    """Fit on the closed renewals, store the run, and (re)write the forecast of every pending renewal."""
    closed = closed_snapshots(tenant)
    fitted = fit_forecast(closed)
    renewals = {s.renewal: s for s in closed}
    churned = sum(1 for s in renewals.values() if s.churned)
    run = OutcomeAnalysis.objects.create(
        tenant=tenant, kind=AnalysisKind.FORECAST, lead_days=None, ran_at=timezone.now(),
        first_term_end=min((s.term_end for s in closed), default=None),
        last_term_end=max((s.term_end for s in closed), default=None),
        churned=churned, renewed=len(renewals) - churned,
        result={"method": fitted.method, "reason": fitted.reason, "kept_share": fitted.kept_share,
                **fitted.summary},
    )  # fmt: skip
    forecasts_write(tenant=tenant, fitted=fitted, run=run)
    return run


def forecasts_write(*, tenant: Tenant, fitted: FittedForecast, run: OutcomeAnalysis) -> int:
    """(Re)write the forecast of every pending renewal of ``tenant`` from ``fitted``; how many."""
    now, today = timezone.now(), tenant_today(tenant)
    version = f"{fitted.method} #{run.pk}"
    pending = [
        Pending(*row) for row in Renewal.objects.for_tenant(tenant).filter(outcome=Outcome.PENDING)
        .values_list("pk", "account_id", "term_end", "arr_due", "closed_arr")
    ]  # fmt: skip
    asks = [(renewal, now, (renewal.term_end - today).days, None) for renewal in pending]
    snapshots = _snapshots(tenant, asks)
    forecasts = fitted.forecast(snapshots, describe=describe_for(tenant))
    same = {"tenant_id": tenant.pk, "run_id": run.pk, "model_version": version, "method": fitted.method,
            "made_on": today, "made_at": now}  # fmt: skip
    used = fitted.features or FEATURES
    rows = [
        RenewalForecast(
            **same, renewal_id=renewal.pk, probability=forecast.probability, low=forecast.low, high=forecast.high,
            expected_arr=None if forecast.probability is None else
            (renewal.arr_due * Decimal(forecast.probability * fitted.kept_share)).quantize(CENTS),
            drivers=list(forecast.drivers), features={k: snapshot.features[k] for k in used},
        )
        for renewal, snapshot, forecast in zip(pending, snapshots, forecasts, strict=True)
    ]  # fmt: skip
    RenewalForecast.objects.bulk_create(
        rows, batch_size=2000, update_conflicts=True, unique_fields=["renewal"],
        update_fields=["run", "model_version", "method", "made_on", "made_at", "probability", "low", "high",
                       "expected_arr", "drivers", "features"],
    )  # fmt: skip
    return len(rows)


def disagrees(probability: float | None, call: str) -> bool:
    """The model and the CSM's call are on different sides: one expects a renewal, the other does not."""
    if probability is None or not call:
        return False
    return (call in EXPECTS_RENEWAL) != (probability >= 0.5)


def _quarter(label: str) -> dict:
    zero = Decimal(0)
    return {"period": label, "closed": 0, "renewed": 0, "closed_arr": zero, "forecasts": 0, "expected_renewals": 0.0,
            "expected_arr": zero, "squared_error": 0.0, "model_right": 0, "calls": 0, "calls_right": 0}  # fmt: skip


def forecast_accuracy(*, tenant: Tenant) -> list[dict]:
    """Per quarter of term end, the closed renewals against the forecast that stood when each closed (made on
    or before its closing day) and against the CSM's call made by then: expected renewals and ARR against
    the actual ones, the model's Brier score, and the share each got right (the model "expects" a renewal
    at a chance of 50% or more; the CSM with a commit or likely call)."""
    closed = (
        Renewal.objects.for_tenant(tenant).filter(outcome__in=CLOSED_OUTCOMES, closed_on__isnull=False)
        .select_related("forecast").order_by("term_end")
    )  # fmt: skip
    quarters: dict[str, dict] = {}
    for renewal in closed.iterator(chunk_size=2000):
        label = f"{renewal.term_end.year} Q{(renewal.term_end.month - 1) // 3 + 1}"
        q = quarters.setdefault(label, _quarter(label))
        renewed = renewal.outcome != Outcome.CHURNED
        q["closed"] += 1
        q["renewed"] += renewed
        q["closed_arr"] += renewal.closed_arr or 0
        forecast = getattr(renewal, "forecast", None)
        if forecast and forecast.probability is not None and forecast.made_on <= renewal.closed_on:
            q["forecasts"] += 1
            q["expected_renewals"] += forecast.probability
            q["expected_arr"] += forecast.expected_arr or 0
            q["squared_error"] += (forecast.probability - renewed) ** 2
            q["model_right"] += (forecast.probability >= 0.5) == renewed
        if renewal.csm_call and renewal.csm_call_on and renewal.csm_call_on <= renewal.closed_on:
            q["calls"] += 1
            q["calls_right"] += (renewal.csm_call in EXPECTS_RENEWAL) == renewed
    rows = []
    for q in quarters.values():
        n, calls, squared_error = q.pop("forecasts"), q["calls"], q.pop("squared_error")
        rows.append({
            **q, "forecasts": n, "closed_arr": str(q["closed_arr"]), "expected_arr": str(q["expected_arr"]),
            "brier": squared_error / n if n else None,
            "model_right_share": q["model_right"] / n if n else None,
            "calls_right_share": q["calls_right"] / calls if calls else None,
        })  # fmt: skip
    return rows


def forecast_disagreements(*, tenant: Tenant, limit: int = 50) -> list[Renewal]:
    """Pending renewals whose CSM's call and forecast are on different sides, soonest term end first: the
    ones a leader reviews with the CSM."""
    pending = (
        Renewal.objects.for_tenant(tenant).filter(outcome=Outcome.PENDING, forecast__probability__isnull=False)
        .exclude(csm_call="").select_related("account", "forecast", "account__csm_owner__user").order_by("term_end")
    )  # fmt: skip
    found = []
    for renewal in pending.iterator(chunk_size=500):
        if disagrees(renewal.forecast.probability, renewal.csm_call):
            found.append(renewal)
            if len(found) == limit:
                break
    return found
