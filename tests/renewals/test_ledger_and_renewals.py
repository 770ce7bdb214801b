"""The ledger's one rule and renewals from pending to their outcome (hand-worked amounts)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from accounts.models import Account
from outcomes.models import ArrMovement, Outcome, ReasonKind, Renewal, RenewalReason
from outcomes.services.ledger import arr_move, ledgers_reconcile
from outcomes.services.renewals import renewal_save, renewals_open_from_accounts
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
D = Decimal


def ledger(account) -> list[tuple[str, Decimal, Decimal]]:
    rows = ArrMovement.objects.for_tenant(account.tenant).filter(account=account).order_by("on", "pk")
    return list(rows.values_list("kind", "amount", "arr_after"))


def test_each_change_of_arr_is_a_movement_of_its_kind_and_the_ledger_sums_to_the_arr(world_a):
    account = AccountFactory(tenant=world_a.tenant, arr=D("0"), contract_start_on=date(2024, 1, 1))
    t = world_a.tenant
    arr_move(tenant=t, account=account, arr=D("10000"), on=date(2024, 1, 1))  # first ARR: new
    arr_move(tenant=t, account=account, arr=D("12500"), on=date(2024, 6, 1))  # up: expansion
    arr_move(tenant=t, account=account, arr=D("9000"), on=date(2025, 1, 1))  # down: contraction
    arr_move(tenant=t, account=account, arr=D("0"), on=date(2025, 6, 1))  # to 0: churn
    arr_move(tenant=t, account=account, arr=D("4000"), on=date(2026, 1, 1))  # back: reactivation
    assert arr_move(tenant=t, account=account, arr=D("4000"), on=date(2026, 2, 1)) is None  # unchanged: nothing
    assert ledger(account) == [
        ("new", D("10000.00"), D("10000.00")), ("expansion", D("2500.00"), D("12500.00")),
        ("contraction", D("-3500.00"), D("9000.00")), ("churn", D("-9000.00"), D("0.00")),
        ("reactivation", D("4000.00"), D("4000.00")),
    ]  # fmt: skip
    account.refresh_from_db()
    assert account.arr == D("4000.00")


def test_arr_set_elsewhere_is_reconciled_by_a_movement_of_its_own(world_a, world_b):
    account = AccountFactory(tenant=world_a.tenant, arr=D("5000"), contract_start_on=date(2023, 3, 1))
    theirs = AccountFactory(tenant=world_b.tenant, arr=D("7000"))
    assert ledgers_reconcile(tenant=world_a.tenant) == 1
    opening = ArrMovement.objects.for_tenant(world_a.tenant).get(account=account)
    assert (opening.kind, opening.amount, opening.on) == ("new", D("5000.00"), date(2023, 3, 1))  # since the contract
    Account.objects.for_tenant(world_a.tenant).filter(pk=account.pk).update(arr=D("6000"))  # group traits, say
    assert ledgers_reconcile(tenant=world_a.tenant) == 1
    total = ArrMovement.objects.for_tenant(world_a.tenant).filter(account=account).aggregate(s=Sum("amount"))["s"]
    assert total == D("6000.00")
    assert not ArrMovement.objects.for_tenant(world_b.tenant).filter(account=theirs).exists()  # B untouched


def renewal(account, **fields) -> Renewal:
    base = {"term_start": date(2025, 3, 1), "term_end": date(2026, 3, 1), "arr_due": D("12000")}
    return Renewal(account=account, **{**base, **fields})


def test_a_renewal_closed_above_its_due_expands_the_account_and_opens_the_next_term(world_a):
    account = AccountFactory(tenant=world_a.tenant, arr=D("12000"), contract_start_on=date(2025, 3, 1))
    pending = renewal_save(tenant=world_a.tenant, renewal=renewal(account)).renewal
    account.refresh_from_db()
    assert account.renewal_on == date(2026, 3, 1)
    pending.outcome, pending.closed_arr, pending.closed_on = Outcome.EXPANDED, D("15000"), date(2026, 2, 20)
    saved = renewal_save(tenant=world_a.tenant, renewal=pending)
    assert (saved.next_renewal.term_start, saved.next_renewal.term_end) == (date(2026, 3, 1), date(2027, 3, 1))
    assert saved.next_renewal.arr_due == D("15000.00")
    account.refresh_from_db()
    assert (account.arr, account.renewal_on) == (D("15000.00"), date(2027, 3, 1))
    assert ledger(account) == [("new", D("12000.00"), D("12000.00")), ("expansion", D("3000.00"), D("15000.00"))]


def test_a_churned_renewal_takes_the_arr_to_zero_and_the_account_out(world_a):
    account = AccountFactory(tenant=world_a.tenant, arr=D("12000"), contract_start_on=date(2025, 3, 1))
    budget = RenewalReason.objects.create(tenant=world_a.tenant, kind=ReasonKind.CHURN, name="Budget cut")
    saved = renewal_save(
        tenant=world_a.tenant,
        renewal=renewal(account, outcome=Outcome.CHURNED, reason=budget, closed_on=date(2026, 3, 1)),
    )
    assert saved.renewal.closed_arr == D("0") and saved.next_renewal is None
    account.refresh_from_db()
    assert (account.arr, account.lifecycle_stage, account.renewal_on) == (D("0.00"), "churned", date(2026, 3, 1))
    assert ledger(account)[-1] == ("churn", D("-12000.00"), D("0.00"))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"outcome": Outcome.RENEWED, "closed_arr": D("9000")}, "outcome"),  # 9,000 against 12,000 is downsold
        ({"outcome": Outcome.DOWNSOLD}, "closed_arr"),  # a closed renewal says its closed ARR
        ({"closed_arr": D("100")}, "closed_arr"),  # only a closed renewal has one
        ({"term_end": date(2025, 1, 1)}, "term_end"),  # ends before it starts
    ],
)
def test_a_renewal_that_contradicts_itself_is_refused_naming_the_field(world_a, fields, field):
    account = AccountFactory(tenant=world_a.tenant, arr=D("12000"))
    with pytest.raises(ValidationError) as raised:
        renewal_save(tenant=world_a.tenant, renewal=renewal(account, **fields))
    assert field in raised.value.message_dict


def test_a_reason_must_match_the_outcome_and_a_closed_renewal_is_never_reopened(world_a):
    account = AccountFactory(tenant=world_a.tenant, arr=D("12000"))
    moved = RenewalReason.objects.create(tenant=world_a.tenant, kind=ReasonKind.CHURN, name="Moved away")
    with pytest.raises(ValidationError) as raised:
        renewal_save(tenant=world_a.tenant, renewal=renewal(account, outcome=Outcome.DOWNSOLD, closed_arr=D("6000"),
                                                            reason=moved))  # fmt: skip
    assert "reason" in raised.value.message_dict
    closed = renewal_save(
        tenant=world_a.tenant, renewal=renewal(account, outcome=Outcome.RENEWED, closed_arr=D("12000"))
    )
    closed.renewal.outcome, closed.renewal.closed_arr, closed.renewal.closed_on = Outcome.PENDING, None, None
    with pytest.raises(ValidationError) as raised:
        renewal_save(tenant=world_a.tenant, renewal=closed.renewal)
    assert "outcome" in raised.value.message_dict


def test_accounts_with_a_renewal_date_get_a_pending_renewal_once(world_a, world_b):
    account = AccountFactory(tenant=world_a.tenant, arr=D("8000"), renewal_on=date(2027, 2, 28))
    AccountFactory(tenant=world_b.tenant, arr=D("8000"), renewal_on=date(2027, 2, 28))
    assert renewals_open_from_accounts(tenant=world_a.tenant) == 1
    assert renewals_open_from_accounts(tenant=world_a.tenant) == 0
    opened = Renewal.objects.for_tenant(world_a.tenant).get(account=account)
    assert (opened.term_start, opened.term_end, opened.arr_due, opened.outcome) == (
        date(2026, 2, 28),
        date(2027, 2, 28),
        D("8000.00"),
        "pending",
    )
    assert not Renewal.objects.for_tenant(world_b.tenant).exists()
