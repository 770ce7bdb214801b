"""Renewals from CSV: the dry run saves and rolls back, the import is all or nothing, errors by line."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Account
from outcomes.api.renewal_csv import renewals_import
from outcomes.models import ArrMovement, Renewal, RenewalReason
from outcomes.services.ledger import arr_move
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
HEADER = "external_id,account_external_id,term_start,term_end,arr_due,outcome,closed_arr,closed_on,reason,csm_call\n"


def customer(tenant, external_id="crm-7") -> Account:
    account = AccountFactory(tenant=tenant, external_id=external_id, arr=Decimal("0"))
    arr_move(tenant=tenant, account=account, arr=Decimal("10000"), on=date(2024, 7, 1))
    Renewal.objects.create(tenant=tenant, account=account, external_id="opp-1", term_start=date(2024, 6, 30),
                           term_end=date(2025, 6, 30), arr_due=Decimal("10000"))  # fmt: skip
    return account


def run(tenant, text, *, dry_run):
    return renewals_import(tenant=tenant, text=text, context={"tenant": tenant, "source": "import"}, dry_run=dry_run)


def test_the_dry_run_does_what_the_import_would_then_keeps_nothing(world_a):
    account = customer(world_a.tenant)
    # Line 2 closes opp-1 above its ARR due (expanded, which opens the next term at 12,000); line 3 gives
    # that next term, found by account and term end, the CSM's call: it only exists once line 2 ran.
    text = HEADER + (
        "opp-1,,,,,expanded,12000,2025-06-20,,\n"
        ",crm-7,,2026-06-30,,,,,,likely\n"
    )  # fmt: skip
    preview = run(world_a.tenant, text, dry_run=True)
    assert preview.ok, preview.errors
    assert (preview.rows, preview.created, preview.updated) == (2, 0, 2)
    assert Renewal.objects.for_tenant(world_a.tenant).get(external_id="opp-1").outcome == "pending"
    assert not ArrMovement.objects.for_tenant(world_a.tenant).filter(kind="expansion").exists()
    assert Renewal.objects.for_tenant(world_a.tenant).count() == 1

    done = run(world_a.tenant, text, dry_run=False)
    assert done.ok and (done.created, done.updated) == (0, 2)
    account.refresh_from_db()
    assert account.arr == Decimal("12000")
    expansion = ArrMovement.objects.for_tenant(world_a.tenant).get(kind="expansion")
    assert expansion.amount == Decimal("2000")
    next_term = Renewal.objects.for_tenant(world_a.tenant).get(account=account, term_end=date(2026, 6, 30))
    assert (next_term.csm_call == "likely" and next_term.source == "event") or next_term.csm_call == "likely"


def test_any_bad_row_keeps_every_row_out_and_each_error_is_named_by_line(world_a, world_b):
    customer(world_a.tenant)
    customer(world_b.tenant, external_id="b-only")  # another tenant's account: not found from A
    RenewalReason.objects.create(tenant=world_b.tenant, kind="churn", name="Budget")  # B's reason: not A's
    text = HEADER + (
        "opp-2,crm-7,2025-07-01,2026-06-30,12000,,,,,\n"  # valid on its own
        "opp-3,crm-7,2024-02-01,2024-02-30,5000,,,,,\n"  # no 30 February
        "opp-4,b-only,2025-01-01,2026-01-01,5000,,,,,\n"  # B's account
        "opp-1,,,,,churned,0,2025-06-20,Budget,\n"  # B's reason
        "opp-5,crm-7,2025-01-01,2025-12-31,lots,,,,,\n"  # not a number
    )  # fmt: skip
    result = run(world_a.tenant, text, dry_run=False)
    lines = {(line, column) for line, column, _ in result.errors}
    assert lines == {(3, "term_end"), (4, "account_external_id"), (5, "reason"), (6, "arr_due")}
    assert not Renewal.objects.for_tenant(world_a.tenant).filter(external_id="opp-2").exists()
    assert Renewal.objects.for_tenant(world_a.tenant).get(external_id="opp-1").outcome == "pending"


def test_a_file_without_the_columns_it_needs_says_so(world_a):
    result = run(world_a.tenant, "external_id,term_end,colour\nx,2026-01-01,red\n", dry_run=True)
    assert result.file_errors[0] == "Unknown column(s): colour."
    result = run(world_a.tenant, "arr_due\n100\n", dry_run=True)
    assert result.file_errors[0] == "Missing column(s): term_end, account_external_id, account or external_id."
