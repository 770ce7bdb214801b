"""The demo's renewal history stored as a tenant's would be: through the renewal and ledger services, with the
score history that would have been recorded before each renewal, and the indicator ranking run on it.

Three steps, each safe to run again, called by ``seed_demo`` in this order:

1. ``demo_renewals_seed``, before the demo's events: each account without any renewal or ARR movement yet
   gets its past terms (``demo.renewal_history``) closed oldest first with ``renewal_save``, which moves its
   ARR through the ledger and opens the next term, as a CRM import would; the former customers are created
   and their terms closed the same way. An account that has a renewal or a movement is left alone, so a
   second run, on any day, adds nothing. The events of the last six months then close the later terms.
2. ``demo_score_history_seed``, after the real back-fill: history rows for the months before each closed
   renewal (``demo.history_values``), scored by the tenant's default scorecard as the engine scores, only
   before the account's earliest real row and only where none is stored at that moment yet.
3. ``demo_rankings_refresh``: the indicator ranking at each lead, unless a run already saw every renewal.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import nullcontext
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Account, Tenant
from accounts.zones import tenant_zone
from demo.events_vocabulary import DAYS
from demo.history_values import term_values
from demo.people import company_names, demo_csms
from demo.renewal_history import (
    CHURN_REASONS,
    CHURNED,
    DOWNSELL_REASONS,
    DOWNSOLD,
    DemoAccount,
    PlannedTerm,
    former_customers,
    past_terms,
)
from indicators.engine import score
from indicators.engine.formatting import round_half_up
from indicators.ingest.sql import insert_rows
from indicators.models import HealthScoreHistory, Scorecard
from indicators.scoring.results import result_to_json
from indicators.scoring.scorecards import version_to_engine
from outcomes.models import (
    AnalysisKind,
    ArrMovement,
    Outcome,
    OutcomeAnalysis,
    ReasonKind,
    Renewal,
    RenewalReason,
    RenewalSource,
)
from outcomes.models.renewals import CLOSED_OUTCOMES
from outcomes.services.learning import LEADS, as_of_moment, indicators_analyse
from outcomes.services.renewals import renewal_save

REASON_KINDS = {CHURNED: ReasonKind.CHURN, DOWNSOLD: ReasonKind.DOWNSELL}


def _quiet(**kwargs):
    """The default ``progress``: shaped like ``tqdm(total=, desc=, unit=)`` with ``update(n)``; prints nothing."""
    return nullcontext(SimpleNamespace(update=lambda n=1: None))


def events_start(now: datetime) -> date:
    """The first day of the demo's events (UTC, as they are planned): the renewals ending from then on are
    theirs to close."""
    return now.astimezone(UTC).date() - timedelta(days=DAYS)


def demo_account(account: Account) -> DemoAccount:
    return DemoAccount(
        external_id=account.external_id, segment=account.segment, stage=account.lifecycle_stage, arr=account.arr,
        licenses=account.licenses, contract_start=account.contract_start_on, renewal_on=account.renewal_on,
        objectives_documented=account.objectives_documented, onboarding_started=account.onboarding_started_on,
        onboarding_completed=account.onboarding_completed_on,
    )  # fmt: skip


@transaction.atomic
def demo_renewals_seed(*, tenant: Tenant, now: datetime | None = None, progress=None) -> int:
    """Close the past renewals of the accounts that have no renewal or ARR movement yet, and create the former
    customers with theirs; return the renewals closed.

    One transaction: a run stopped half way leaves nothing, and the next one writes it all.
    """
    now, progress = now or timezone.now(), progress or _quiet
    today, events_from = now.astimezone(UTC).date(), events_start(now)
    started = set(Renewal.objects.for_tenant(tenant).values_list("account_id", flat=True))
    started |= set(ArrMovement.objects.for_tenant(tenant).values_list("account_id", flat=True))
    accounts = [a for a in Account.objects.for_tenant(tenant).order_by("external_id") if a.pk not in started]
    known = set(Account.objects.for_tenant(tenant).values_list("external_id", flat=True))
    formers = [
        f for f in former_customers(company_names()[1], today=today, churned_before=events_from)
        if f.account.external_id not in known
    ]  # fmt: skip
    reasons, csms, closed = _reasons(tenant), demo_csms(tenant), 0
    with progress(total=len(accounts) + len(formers), desc="Renewal history", unit="account") as bar:
        for account in accounts:
            terms = past_terms(demo_account(account), today=today, events_from=events_from)
            if terms := [term for term in terms if not term.by_events]:
                closed += _terms_close(tenant, account, terms, reasons)
            bar.update(1)
        for former in formers:
            planned = former.account
            account = Account.objects.for_tenant(tenant).create(
                tenant=tenant, external_id=planned.external_id, name=former.name, segment=planned.segment,
                arr=former.terms[0].arr_due, licenses=planned.licenses, lifecycle_stage=planned.stage,
                onboarding_started_on=planned.onboarding_started, contract_start_on=planned.contract_start,
                onboarding_completed_on=planned.onboarding_completed, renewal_on=planned.renewal_on,
                objectives_documented=planned.objectives_documented, objectives=former.objectives,
                csm_owner=csms[former.csm],
            )  # fmt: skip
            closed += _terms_close(tenant, account, list(former.terms), reasons)
            bar.update(1)
    return closed


def _reasons(tenant: Tenant) -> dict[tuple[str, str], RenewalReason]:
    """The tenant's churn and downsell reasons the plan names, created when missing."""
    wanted = [(REASON_KINDS[CHURNED], name) for name in CHURN_REASONS]
    wanted += [(REASON_KINDS[DOWNSOLD], name) for name in DOWNSELL_REASONS]
    scoped = RenewalReason.objects.for_tenant(tenant)
    return {(kind, name): scoped.get_or_create(tenant=tenant, kind=kind, name=name)[0] for kind, name in wanted}


def _terms_close(tenant: Tenant, account: Account, terms: list[PlannedTerm], reasons) -> int:
    """Close ``terms`` oldest first; the ledger opens at the contract start with the first term's ARR due."""
    # The ARR the account started on, as its CRM would have said then: the ledger's reconciliation makes it
    # the opening balance, dated from the contract start, when the first renewal closes.
    Account.objects.for_tenant(tenant).filter(pk=account.pk).update(arr=terms[0].arr_due)
    account.arr = terms[0].arr_due
    first = terms[0]
    renewal = Renewal(account=account, term_start=first.term_start, term_end=first.term_end, arr_due=first.arr_due,
                      source=RenewalSource.IMPORT)  # fmt: skip
    for term in terms:
        if renewal is None:  # the next term, opened pending by the last close
            pending = Renewal.objects.for_tenant(tenant).filter(account=account, outcome=Outcome.PENDING)
            renewal = pending.get(term_end=term.term_end)
            renewal.account = account
        renewal.outcome, renewal.closed_arr, renewal.closed_on = term.outcome, term.closed_arr, term.closed_on
        renewal.reason = reasons[(REASON_KINDS[term.outcome], term.reason)] if term.reason else None
        renewal.csm_call, renewal.csm_call_on = term.csm_call, term.csm_call_on
        renewal_save(tenant=tenant, renewal=renewal)
        renewal = None
    return len(terms)


def demo_score_history_seed(*, tenant: Tenant, now: datetime | None = None) -> int:
    """History rows for the nine months before each closed renewal's term end, as they would have been recorded;
    return how many were written.

    A row goes in only before the account's earliest row that is not one of these (the real history back-filled
    from events: never overlapped) and only at a moment that holds no row yet, so a second run writes nothing.
    """
    now = now or timezone.now()
    zone = tenant_zone(tenant)
    default = Scorecard.objects.for_tenant(tenant).get(is_default=True)
    scorecard = version_to_engine(default.versions.order_by("-number").first())
    terms = defaultdict(list)
    closed = Renewal.objects.for_tenant(tenant).filter(outcome__in=CLOSED_OUTCOMES).order_by("account_id", "term_end")
    for account_id, term_end, outcome in closed.values_list("account_id", "term_end", "outcome"):
        terms[account_id].append((term_end, outcome == Outcome.CHURNED))
    recorded = defaultdict(set)
    rows = HealthScoreHistory.objects.for_tenant(tenant).filter(account_id__in=list(terms))
    for account_id, at in rows.values_list("account_id", "at"):
        recorded[account_id].add(at)
    written = []
    for account in Account.objects.for_tenant(tenant).filter(pk__in=list(terms)).order_by("pk"):
        planned, facts = {}, demo_account(account)
        # A term's number counts the account's closed renewals, as the plan counts its terms.
        for number, (term_end, churned) in enumerate(terms[account.pk], start=1):
            for lead, values in term_values(facts, term=number, churned=churned):
                planned[as_of_moment(term_end, lead, zone)] = values
        have = recorded[account.pk]
        first_real = min((at for at in have if at not in planned), default=None)
        for at, values in sorted(planned.items()):
            if at not in have and at <= now and (first_real is None or at < first_real):
                written.append(_history_row(tenant, account.pk, at, values, scorecard))
    with transaction.atomic():
        insert_rows(HealthScoreHistory, written, conflict=None)
    return len(written)


def _history_row(tenant: Tenant, account_id: int, at: datetime, values: dict, scorecard) -> dict:
    """A history row as ``scores_store`` writes one: the engine's score of these values, no gut read then."""
    result = score(values={k: v for k, v in values.items() if v is not None}, scorecard=scorecard)
    return {
        "tenant_id": tenant.pk, "account_id": account_id, "at": at, "values": values,
        "score": round_half_up(result.final, 2) if result.final is not None else None, "computed": result.computed,
        "gut": None, "band": result.band or "", "coverage": result.coverage, "scorecard": result.scorecard,
        "result": result_to_json(result),
    }  # fmt: skip


def demo_rankings_refresh(*, tenant: Tenant) -> int:
    """Rank the indicators at each lead unless the latest stored run is newer than every renewal; return the
    runs made."""
    changed = Renewal.objects.for_tenant(tenant).aggregate(at=Max("updated_at"))["at"]
    runs = OutcomeAnalysis.objects.for_tenant(tenant).filter(kind=AnalysisKind.INDICATORS)
    made = 0
    for lead in LEADS:
        latest = runs.filter(lead_days=lead).values_list("ran_at", flat=True).first()
        if latest is None or (changed is not None and changed > latest):
            indicators_analyse(tenant=tenant, lead_days=lead)
            made += 1
    return made
