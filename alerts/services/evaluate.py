"""Evaluating a tenant's enabled rules over many accounts in a fixed number of queries.

``rules_evaluate`` is given each account's fresh state (score, band, indicator values, and the
band before, when a recompute knows it), bulk-loads what the rules read beyond that (renewal
dates and CSM owners, score history, survey answers, the open alerts), and asks each condition
for its verdict: one that holds opens an alert or updates the open one (``alerts_fire``); one whose
cause is gone closes the open alert with a system note (``alerts_resolve``). Queries per call do
not grow with the accounts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.models import Account, Tenant
from alerts.models import Alert, AlertRule, AlertStatus, RuleKind
from alerts.services import conditions
from alerts.services.alerts import Firing, alerts_fire, alerts_resolve, open_alerts
from alerts.services.wording import tenant_day
from indicators.engine.nps import DETRACTOR_MAX
from indicators.models import Event, EventType, HealthScore, HealthScoreHistory

NPS_EVENT = (EventType.SURVEY, "nps_response")
CURRENT_CHUNK = 500


@dataclass(frozen=True, slots=True)
class AccountState:
    score: float | None
    band: str
    values: Mapping[str, float | None]
    before_band: str | None = None  # the band before this recompute; None when no transition is known


def rule_key(rule: AlertRule) -> str:
    return f"rule:{rule.pk}"


@transaction.atomic  # the open alerts are locked (open_alerts) until their firings and resolutions are written
def rules_evaluate(*, tenant: Tenant, states: Mapping[int, AccountState], as_of: datetime,
                   kinds: Iterable[str] | None = None) -> tuple[int, int]:  # fmt: skip
    """Fire the tenant's enabled rules (of ``kinds``, default all) over ``states``; return (opened, refired)."""
    rules = AlertRule.objects.for_tenant(tenant).filter(enabled=True)
    if kinds is not None:
        rules = rules.filter(kind__in=list(kinds))
    rules = list(rules.order_by("pk"))
    if not rules or not states:
        return 0, 0
    ids = list(states)
    accounts = {
        pk: (renewal_on, csm)
        for pk, renewal_on, csm in Account.objects.for_tenant(tenant)
        .filter(pk__one_of=ids)
        .values_list("pk", "renewal_on", "csm_owner_id")
    }
    by_kind = {kind: [r for r in rules if r.kind == kind] for kind in RuleKind.values}
    peaks = _score_peaks(tenant, ids, as_of, [r.within_days for r in by_kind[RuleKind.SCORE_DROP]])
    answers, amended_away = _latest_detractor_answers(
        tenant, ids, as_of, [r.within_days for r in by_kind[RuleKind.DETRACTOR_ANSWER]]
    )
    today = tenant_day(tenant, as_of)
    worked = _worked_answers(tenant, ids, by_kind[RuleKind.DETRACTOR_ANSWER], as_of)

    open_now = {(a.account_id, a.key): a for a in open_alerts(tenant=tenant, account_ids=ids,
                                                              keys=[rule_key(r) for r in rules])}  # fmt: skip

    firings, resolutions = [], []
    for rule in rules:
        key = rule_key(rule)
        for account_id, state in states.items():
            if account_id not in accounts:
                continue  # not this tenant's account, or deleted since
            renewal_on, csm = accounts[account_id]
            alert = open_now.get((account_id, key))
            # An alert raised before its rule was changed to another kind is not this condition's to judge.
            raised = alert.detail if alert is not None and alert.detail.get("kind") == rule.kind else None
            verdict = _verdict(rule, state, renewal_on=renewal_on, today=today, as_of=as_of,
                               peak=peaks.get((account_id, rule.within_days)), answer=answers.get(account_id),
                               amended_away=amended_away, raised=raised)  # fmt: skip
            if isinstance(verdict, conditions.Cleared):
                resolutions.append((alert, verdict.why))
            elif isinstance(verdict, conditions.Reason):
                answered = verdict.detail.get("response_id")
                if answered is not None and (account_id, key, answered) in worked:
                    continue  # this answer's alert was worked and closed: the same answer is not new work
                firings.append(
                    Firing(
                        account_id=account_id, key=key, title=rule.name, message=verdict.message,
                        priority=rule.priority, due_at=as_of + timedelta(days=rule.due_in_days),
                        detail={"kind": rule.kind, **verdict.detail}, rule_id=rule.pk, assignee_id=csm,
                    )
                )  # fmt: skip
    opened_refired = alerts_fire(tenant=tenant, firings=firings, now=as_of, existing=open_now)
    alerts_resolve(tenant=tenant, resolutions=resolutions, now=as_of)
    return opened_refired


def rules_evaluate_current(*, tenant: Tenant, as_of: datetime | None = None, account_ids=None) -> tuple[int, int]:
    """Evaluate the rules over the accounts' stored current scores (the daily pass for time-driven rules:
    renewals come closer and answers age without any recompute). Band changes need a transition and
    never fire here, but an open band alert is updated or closed by the band stored."""
    as_of = as_of or timezone.now()
    if not AlertRule.objects.for_tenant(tenant).filter(enabled=True).exists():
        return 0, 0
    scores = HealthScore.objects.for_tenant(tenant).order_by("account_id")
    if account_ids is not None:
        scores = scores.filter(account_id__one_of=list(account_ids))
    opened = refired = 0
    last = 0
    while True:
        chunk = list(
            scores.filter(account_id__gt=last).values_list("account_id", "score", "band", "values")[:CURRENT_CHUNK]
        )
        if not chunk:
            return opened, refired
        states = {pk: AccountState(score=score, band=band, values=values or {}) for pk, score, band, values in chunk}
        o, r = rules_evaluate(tenant=tenant, states=states, as_of=as_of)
        opened, refired, last = opened + o, refired + r, chunk[-1][0]


def _verdict(rule: AlertRule, state: AccountState, *, renewal_on, today, as_of, peak, answer, amended_away,
             raised) -> conditions.Verdict:  # fmt: skip
    """Whether ``rule`` holds for the account, and with what figures; or, for an open alert (``raised``:
    the figures it was last fired with), whether its cause is gone."""
    match rule.kind:
        case RuleKind.INDICATOR_THRESHOLD:
            return conditions.indicator_threshold(
                indicator=rule.indicator, op=rule.operator, threshold=rule.threshold,
                value=state.values.get(rule.indicator), raised=raised, today=today,
            )  # fmt: skip
        case RuleKind.SCORE_DROP:
            return conditions.score_drop(points=rule.points, days=rule.within_days, peak=peak, score=state.score,
                                         raised=raised, today=today)  # fmt: skip
        case RuleKind.BAND_CHANGE:
            return conditions.band_change(
                to_band=rule.to_band, from_band=rule.from_band, before=state.before_band, band=state.band,
                score=state.score, raised=raised, today=today,
            )  # fmt: skip
        case RuleKind.RENEWAL_PROXIMITY:
            return conditions.renewal_proximity(days=rule.within_days, bands=rule.bands or [], renewal_on=renewal_on,
                                                today=today, band=state.band, raised=raised)  # fmt: skip
        case RuleKind.DETRACTOR_ANSWER:
            if answer is not None and answer.occurred_at < as_of - timedelta(days=rule.within_days):
                answer = None
            return conditions.detractor_answer(days=rule.within_days, answer=answer, raised=raised,
                                               amended_away=amended_away)  # fmt: skip
    return None


def _worked_answers(tenant: Tenant, ids: list[int], rules: list[AlertRule], as_of: datetime) -> set:
    """{(account id, rule key, response id)} of detractor answers whose alert is closed (by a person, or
    with the answer's follow-up). Without this, the next evaluation would reopen an alert for the same
    answer while it is still inside the rule's window. Only alerts fired inside the longest window can
    concern an answer that still counts."""
    if not rules:
        return set()
    rows = (
        Alert.objects.for_tenant(tenant)
        .filter(account_id__one_of=ids, key__in=[rule_key(r) for r in rules], status=AlertStatus.CLOSED)
        .filter(last_fired_at__gte=as_of - timedelta(days=max(r.within_days for r in rules)))
        .values_list("account_id", "key", "detail")
    )
    return {(account_id, key, (detail or {}).get("response_id")) for account_id, key, detail in rows}


def _score_peaks(tenant: Tenant, ids: list[int], as_of: datetime, windows: list[int]) -> dict[tuple[int, int], float]:
    """The highest score each account stood at during each window: {(account_id, days): peak}.

    The score standing at a window's start counts too (the latest history row before it; history
    has at least a row a day, so one extra day back finds it).
    """
    if not windows:
        return {}
    rows = (
        HealthScoreHistory.objects.for_tenant(tenant)
        .filter(account_id__one_of=ids, at__gte=as_of - timedelta(days=max(windows) + 1), at__lte=as_of)
        .exclude(score=None)
        .order_by("account_id", "at")
        .values_list("account_id", "at", "score")
    )
    series: dict[int, list[tuple[datetime, float]]] = {}
    for account_id, at, score in rows:
        series.setdefault(account_id, []).append((at, score))
    peaks = {}
    for account_id, points in series.items():
        for days in set(windows):
            start = as_of - timedelta(days=days)
            before = [score for at, score in points if at < start]
            inside = [score for at, score in points if at >= start]
            candidates = inside + before[-1:]
            if candidates:
                peaks[(account_id, days)] = max(candidates)
    return peaks


Answers = tuple[dict[int, conditions.SurveyAnswer], dict[int, float]]


def _latest_detractor_answers(tenant: Tenant, ids: list[int], as_of: datetime, windows: list[int]) -> Answers:
    """Each account's latest detractor NPS answer within the longest window, and the answers amended out
    of detraction ({response id: new score}).

    An amended answer is stored as a new event of the same response: only its latest version counts, so
    an answer amended from 3 to 9 is no longer a detractor's.
    """
    if not windows:
        return {}, {}
    rows = (
        Event.objects.for_tenant(tenant)
        .filter(account_id__one_of=ids, type=NPS_EVENT[0], name=NPS_EVENT[1])
        .filter(occurred_at__gte=as_of - timedelta(days=max(windows)), occurred_at__lte=as_of)
        .order_by("account_id", "-occurred_at", "-pk")  # an amendment is stored after the answer it amends
        .values_list("account_id", "occurred_at", "properties", "contact__name", "contact__email")
    )
    zone = ZoneInfo(tenant.time_zone)  # the answer's day, as the sentence says it, is the tenant's
    latest: dict[int, conditions.SurveyAnswer] = {}
    scores: dict[int, float] = {}  # response id: the score of its latest version
    amended_away: dict[int, float] = {}
    for account_id, occurred_at, properties, name, email in rows:
        if not isinstance(properties, dict):
            continue
        score, response_id = properties.get("score"), properties.get("response_id")
        if isinstance(score, bool) or not isinstance(score, int | float):
            continue
        if isinstance(response_id, int):
            if response_id in scores:  # an earlier version of an answer already read
                if score <= DETRACTOR_MAX < scores[response_id]:
                    amended_away[response_id] = scores[response_id]
                continue
            scores[response_id] = score
        if account_id in latest or score > DETRACTOR_MAX:
            continue
        latest[account_id] = conditions.SurveyAnswer(
            occurred_at=occurred_at.astimezone(zone), score=score, comment=str(properties.get("comment") or ""),
            contact=name or email or "", response_id=response_id if isinstance(response_id, int) else None,
        )  # fmt: skip
    return latest, amended_away
