"""The demo's renewal history stored: through the renewal and ledger services, consistent with today's accounts,
with score history before each renewal, the ranking run on it, once, and nothing of another tenant touched."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Account, Contact, Tenant
from demo.gut import demo_gut_seed
from demo.history_values import DRIVERS
from demo.people import CSM_EMAILS, demo_plan, demo_tenant_seed
from demo.renewal_history import FORMER_COUNT, former_external_ids, past_terms
from demo.renewal_seed import (
    demo_account,
    demo_rankings_refresh,
    demo_renewals_seed,
    demo_score_history_seed,
    events_start,
)
from indicators.engine import score
from indicators.engine.formatting import round_half_up
from indicators.models import Event, HealthScoreHistory, Scorecard
from indicators.scoring.scorecards import version_to_engine
from outcomes.models import ArrMovement, MovementKind, Outcome, OutcomeAnalysis, Renewal, RenewalReason
from outcomes.models.renewals import CLOSED_OUTCOMES
from outcomes.ranking import PRECEDED_CHURN
from outcomes.services.learning import as_of_moment
from outcomes.services.ledger import arr_move, ledgers_reconcile
from outcomes.services.renewals import renewal_save
from tests.factories import AccountFactory, TenantFactory


@dataclass
class Seeded:
    tenant: Tenant
    other: Tenant
    other_before: dict
    now: datetime
    closed: int
    history: int
    rankings: int
    real_row: HealthScoreHistory  # a row standing for the back-fill, on one account


def other_tenant_rows(tenant: Tenant) -> dict:
    """Everything the demo's seeding could touch, of another tenant."""
    return {
        "accounts": sorted(Account.objects.for_tenant(tenant).values_list("pk", "external_id", "arr", "renewal_on",
                                                                          "lifecycle_stage")),
        "renewals": sorted(Renewal.objects.for_tenant(tenant).values_list("pk", "account", "outcome", "closed_arr")),
        "movements": sorted(ArrMovement.objects.for_tenant(tenant).values_list("pk", "account", "amount")),
        "history": sorted(HealthScoreHistory.objects.for_tenant(tenant).values_list("pk", "account", "at")),
        "reasons": list(RenewalReason.objects.for_tenant(tenant).values_list("pk", "name")),
        "analyses": list(OutcomeAnalysis.objects.for_tenant(tenant).values_list("pk")),
    }  # fmt: skip


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """The demo tenant with its renewal history, and another tenant beside it: built once, rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        other = TenantFactory()
        # The other tenant's accounts even share the demo's external ids, and one has no renewal or ARR movement.
        untouched = AccountFactory(tenant=other, external_id="acct-0001", contract_start_on=date(2023, 1, 5),
                                   renewal_on=date(2027, 1, 5))  # fmt: skip
        renewing = AccountFactory(tenant=other, external_id=former_external_ids()[0], arr=Decimal("9000.00"))
        renewal_save(tenant=other, renewal=Renewal(account=renewing, term_start=date(2024, 4, 1),
                                                   term_end=date(2025, 4, 1), arr_due=Decimal("9000.00")))  # fmt: skip
        arr_move(tenant=other, account=renewing, arr=Decimal("9500.00"), on=date(2025, 5, 1))
        HealthScoreHistory.objects.create(tenant=other, account=untouched, at=timezone.now() - timedelta(days=900),
                                          values={"nps": 10.0}, scorecard="x")  # fmt: skip
        other_before = other_tenant_rows(other)

        tenant, now = demo_tenant_seed().tenant, timezone.now()
        demo_gut_seed(tenant=tenant)  # the default scorecard
        closed = demo_renewals_seed(tenant=tenant, now=now)
        # A row standing for the real back-fill on one account with history: nothing synthetic at or after it.
        account = Account.objects.for_tenant(tenant).get(external_id=former_external_ids()[0])
        churn = Renewal.objects.for_tenant(tenant).get(account=account, outcome=Outcome.CHURNED)
        real_row = HealthScoreHistory.objects.create(
            tenant=tenant, account=account, at=as_of_moment(churn.term_end, 100, ZoneInfo(tenant.time_zone)),
            values={}, scorecard="real",
        )  # fmt: skip
        history = demo_score_history_seed(tenant=tenant, now=now)
        rankings = demo_rankings_refresh(tenant=tenant)
        yield Seeded(tenant, other, other_before, now, closed, history, rankings, real_row)
        transaction.set_rollback(True)


def planned_terms(now: datetime) -> list[tuple[dict, list]]:
    """Each demo customer's planned fields and its past terms as planned (those the events close included)."""
    today, events_from = now.astimezone(UTC).date(), events_start(now)
    return [
        (p.fields, past_terms(demo_account(Account(**p.fields)), today=today, events_from=events_from))
        for p in demo_plan(now)[0]
    ]


def closed_renewals(tenant: Tenant):
    return Renewal.objects.for_tenant(tenant).filter(outcome__in=CLOSED_OUTCOMES)


@pytest.mark.django_db
class TestDemoRenewalHistory:
    def test_the_planned_terms_are_closed_through_the_renewal_service(self, seeded):
        planned = [term for _, terms in planned_terms(seeded.now) for term in terms if not term.by_events]
        closed = closed_renewals(seeded.tenant)

        formers = closed.filter(account__external_id__in=former_external_ids())
        assert seeded.closed == closed.count() == len(planned) + formers.count()
        assert 250 <= len(planned) <= 300 and FORMER_COUNT <= formers.count() <= 3 * FORMER_COUNT
        assert formers.filter(outcome=Outcome.CHURNED).count() == FORMER_COUNT
        assert set(closed.values_list("source", flat=True)) == {"import"}
        assert {o for o in Outcome.values if o != Outcome.PENDING} == set(closed.values_list("outcome", flat=True))
        # Reasons of the right kind, from the tenant's own list; most closes carry the CSM's call.
        reasons = closed.exclude(reason=None)
        assert not reasons.filter(outcome=Outcome.CHURNED).exclude(reason__kind="churn").exists()
        assert not reasons.filter(outcome=Outcome.DOWNSOLD).exclude(reason__kind="downsell").exists()
        assert not reasons.exclude(outcome__in=[Outcome.CHURNED, Outcome.DOWNSOLD]).exists()
        assert 0.7 < closed.exclude(csm_call="").count() / closed.count() < 0.9
        assert RenewalReason.objects.for_tenant(seeded.tenant).count() == 9

    def test_the_ledger_opens_at_each_contract_start_and_sums_to_each_accounts_arr(self, seeded):
        tenant = seeded.tenant
        ledger = dict(
            ArrMovement.objects.for_tenant(tenant).values("account_id").annotate(arr=Sum("amount"))
            .order_by().values_list("account_id", "arr")
        )  # fmt: skip
        accounts = Account.objects.for_tenant(tenant).filter(pk__in=list(ledger))

        assert all(ledger[a.pk] == a.arr for a in accounts)
        # The daily reconciliation finds nothing to mend in them; it opens the ledgers of the rest, which the
        # events and ``seed_demo`` open later.
        unopened = Account.objects.for_tenant(tenant).exclude(pk__in=list(ledger)).exclude(arr=0).count()
        kept = ArrMovement.objects.for_tenant(tenant).filter(account__in=accounts)
        movements = kept.count()
        with transaction.atomic():
            assert ledgers_reconcile(tenant=tenant) == unopened
            assert kept.count() == movements
            transaction.set_rollback(True)
        for account in accounts:
            first = ArrMovement.objects.for_tenant(tenant).filter(account=account).order_by("on", "pk").first()
            assert (first.kind, first.on) == (MovementKind.NEW, account.contract_start_on)
        churns = ArrMovement.objects.for_tenant(tenant).filter(kind=MovementKind.CHURN)
        assert churns.count() == closed_renewals(tenant).filter(outcome=Outcome.CHURNED).count()

    def test_current_customers_keep_the_arr_renewal_date_and_stage_their_plan_gives_them(self, seeded):
        tenant = seeded.tenant
        stored = {a.external_id: a for a in Account.objects.for_tenant(tenant)}
        checked = 0
        for fields, terms in planned_terms(seeded.now):
            account = stored[fields["external_id"]]
            if not terms or terms[-1].by_events:
                continue  # the events close its latest term: tested with them
            checked += 1
            assert account.lifecycle_stage == fields["lifecycle_stage"]
            if terms[-1].churned:
                assert (account.arr, account.renewal_on) == (Decimal(0), fields["renewal_on"])
                continue
            pending = Renewal.objects.for_tenant(tenant).get(account=account, outcome=Outcome.PENDING)
            assert (account.arr, account.renewal_on) == (fields["arr"], fields["renewal_on"])
            assert (pending.term_end, pending.arr_due) == (fields["renewal_on"], fields["arr"])
        assert checked > 90

    def test_former_customers_are_churned_accounts_without_people_or_events(self, seeded):
        formers = Account.objects.for_tenant(seeded.tenant).filter(external_id__in=former_external_ids())

        assert formers.count() == FORMER_COUNT
        assert set(formers.values_list("lifecycle_stage", "arr")) == {("churned", Decimal(0))}
        assert set(formers.values_list("csm_owner__user__email", flat=True)) <= set(CSM_EMAILS)
        assert not Contact.objects.for_tenant(seeded.tenant).filter(account__in=formers).exists()
        assert not Event.objects.for_tenant(seeded.tenant).filter(account__in=formers).exists()
        for former in formers:
            last = Renewal.objects.for_tenant(seeded.tenant).filter(account=former).order_by("-term_end").first()
            assert (last.outcome, last.term_end) == (Outcome.CHURNED, former.renewal_on)

    def test_history_rows_come_before_each_renewal_and_before_the_first_real_row(self, seeded):
        tenant, zone = seeded.tenant, ZoneInfo(seeded.tenant.time_zone)
        rows = HealthScoreHistory.objects.for_tenant(tenant)
        real = seeded.real_row

        assert seeded.history == rows.exclude(pk=real.pk).count() > 3000
        assert not rows.filter(account=real.account_id, at__gte=real.at).exclude(pk=real.pk).exists()
        assert not rows.filter(at__gt=seeded.now).exists()
        for renewal in closed_renewals(tenant).exclude(account=real.account_id)[:100]:
            moments = [as_of_moment(renewal.term_end, lead, zone) for lead in (90, 180)]
            assert rows.filter(account=renewal.account_id, at__in=moments).count() == 2
        scorecard = Scorecard.objects.for_tenant(tenant).get(is_default=True)
        card = version_to_engine(scorecard.versions.order_by("-number").first())
        for row in rows.exclude(pk=real.pk)[:50]:
            result = score(values={k: v for k, v in row.values.items() if v is not None}, scorecard=card)
            assert (row.score, row.band, row.scorecard) == (round_half_up(result.final, 2), result.band, card.key)
            assert row.gut is None and row.coverage == result.coverage

    def test_the_ranking_is_stored_at_both_leads_and_finds_the_drivers(self, seeded):
        runs = {run.lead_days: run for run in OutcomeAnalysis.objects.for_tenant(seeded.tenant)}
        churned = closed_renewals(seeded.tenant).filter(outcome=Outcome.CHURNED).count()

        assert seeded.rankings == 2 and set(runs) == {90, 180}
        assert runs[90].churned == churned and runs[90].renewed > 250
        verdicts = {r["indicator"]: r["verdict"] for r in runs[90].result}
        assert {key for key in DRIVERS if verdicts[key] == PRECEDED_CHURN} == set(DRIVERS)

    def test_a_second_run_adds_nothing(self, seeded):
        tenant = seeded.tenant
        models = (Account, Renewal, ArrMovement, RenewalReason, HealthScoreHistory, OutcomeAnalysis)
        before = {model: model.objects.for_tenant(tenant).count() for model in models}

        assert demo_renewals_seed(tenant=tenant, now=seeded.now + timedelta(days=3)) == 0
        assert demo_score_history_seed(tenant=tenant, now=seeded.now) == 0
        assert demo_rankings_refresh(tenant=tenant) == 0

        assert {model: model.objects.for_tenant(tenant).count() for model in models} == before

    def test_another_tenants_rows_are_untouched(self, seeded):
        assert other_tenant_rows(seeded.other) == seeded.other_before
