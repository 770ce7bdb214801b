"""Commercial events through the events API close and open renewals and move ARR (hand-worked amounts)."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Account
from outcomes.models import ArrMovement, Renewal
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/events/"


def move(client, account, name: str, amount: str, at: str, **properties):
    body = {"account": account.pk, "type": "commercial", "name": name, "occurred_at": at,
            "properties": {"amount": amount, **properties}}  # fmt: skip
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.json()


def test_a_renewal_event_closes_the_nearest_pending_renewal_and_opens_the_next(key_client_a, world_a):
    account = AccountFactory(tenant=world_a.tenant, arr=Decimal("10000"), renewal_on=date(2025, 9, 30))
    Renewal.objects.create(tenant=world_a.tenant, account=account, term_start=date(2024, 9, 30),
                           term_end=date(2025, 9, 30), arr_due=Decimal("10000"))  # fmt: skip
    move(key_client_a, account, "renewal", "11000", "2025-09-20T15:00:00Z")  # ten days early, expanded
    renewals = list(Renewal.objects.for_tenant(world_a.tenant).filter(account=account).order_by("term_end"))
    assert [(r.term_end, r.outcome, r.closed_arr) for r in renewals] == [
        (date(2025, 9, 30), "expanded", Decimal("11000.00")), (date(2026, 9, 30), "pending", None),
    ]  # fmt: skip
    account.refresh_from_db()
    assert (account.arr, account.renewal_on) == (Decimal("11000.00"), date(2026, 9, 30))


def test_expansion_downsell_and_churn_move_the_ledger(key_client_a, world_a, world_b):
    account = AccountFactory(tenant=world_a.tenant, arr=Decimal("10000"), contract_start_on=date(2024, 1, 1))
    AccountFactory(tenant=world_b.tenant, arr=Decimal("10000"))
    move(key_client_a, account, "expansion", "2000", "2025-03-01T12:00:00Z")
    move(key_client_a, account, "downsell", "500", "2025-05-01T12:00:00Z")
    move(key_client_a, account, "churn", "11500", "2025-08-01T12:00:00Z")
    rows = ArrMovement.objects.for_tenant(world_a.tenant).filter(account=account).order_by("on", "pk")
    assert [(m.kind, m.amount) for m in rows] == [
        ("new", Decimal("10000.00")), ("expansion", Decimal("2000.00")), ("contraction", Decimal("-500.00")),
        ("churn", Decimal("-11500.00")),
    ]  # fmt: skip
    churned = Renewal.objects.for_tenant(world_a.tenant).get(account=account)
    assert (churned.outcome, churned.term_end, churned.source) == ("churned", date(2025, 8, 1), "event")
    assert Account.objects.for_tenant(world_a.tenant).get(pk=account.pk).lifecycle_stage == "churned"
    assert not ArrMovement.objects.for_tenant(world_b.tenant).exists()


def test_an_amount_in_another_currency_moves_nothing_yet(key_client_a, world_a):
    account = AccountFactory(tenant=world_a.tenant, arr=Decimal("10000"))
    move(key_client_a, account, "expansion", "2000", "2025-03-01T12:00:00Z", currency="JPY")
    assert Account.objects.for_tenant(world_a.tenant).get(pk=account.pk).arr == Decimal("10000.00")
