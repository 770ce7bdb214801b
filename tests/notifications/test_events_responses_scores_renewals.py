"""response.recorded, score.band_changed and renewal.updated from the real paths: API, ingest, recompute, services."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from indicators.models import HealthScore
from indicators.scoring.recompute import accounts_recompute
from notifications.models import OutboxEvent
from outcomes.models import Renewal
from outcomes.services.renewals import renewal_save, renewals_open_from_accounts
from surveys.models import Survey
from tests.factories import AccountFactory, ContactFactory
from tests.indicators.test_recompute import seed_usage
from tests.notifications.events import account_ref, contact_ref, iso, outbox, subscribe

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def contact_a(world_a):
    account = AccountFactory(tenant=world_a.tenant, external_id="crm-7", name="Kiwi Ltd")
    return ContactFactory(account=account, tenant=world_a.tenant, external_id="u-7", email="ana@kiwi.example")


# response.recorded


def test_an_answer_through_the_api_and_its_amendment_publish_response_recorded(world_a, contact_a, key_client_a):
    survey = Survey.objects.create(tenant=world_a.tenant, name="Quarterly NPS")
    subscribe(world_a.tenant, "response.recorded")
    at = (timezone.now() - timedelta(hours=2)).replace(microsecond=0)
    body = {"contact": contact_a.pk, "survey": survey.pk, "score": 6, "comment": "Slow exports.",
            "responded_at": at.isoformat(), "dedup_key": "r-1"}  # fmt: skip
    first = key_client_a.post("/api/v1/survey-responses/", body, format="json")
    assert first.status_code == 201, first.json()
    amended_at = at + timedelta(minutes=30)
    again = {**body, "score": 9, "comment": "Fixed!", "responded_at": amended_at.isoformat(), "dedup_key": "r-2"}
    assert key_client_a.post("/api/v1/survey-responses/", again, format="json").json()["outcome"] == "amended"
    response = {"id": first.json()["id"], "survey_id": survey.pk, "channel": "in_product", "answered_at": iso(at)}
    assert outbox(world_a.tenant) == [
        {
            "response": {**response, "score": 6, "category": "detractor", "comment": "Slow exports.",
                         "amended": False, "amended_at": None},
            "account": {"id": contact_a.account_id, "external_id": "crm-7", "name": "Kiwi Ltd"},
            "contact": {"id": contact_a.pk, "external_id": "u-7", "email": "ana@kiwi.example"},
        },
        {
            "response": {**response, "score": 9, "category": "promoter", "comment": "Fixed!",
                         "amended": True, "amended_at": iso(amended_at)},
            "account": account_ref(contact_a.account),
            "contact": contact_ref(contact_a),
        },
    ]  # fmt: skip


def test_a_replayed_answer_publishes_nothing_more(world_a, contact_a, key_client_a):
    subscribe(world_a.tenant, "response.recorded")
    body = {"contact": contact_a.pk, "score": 6, "dedup_key": "r-1"}
    for _ in range(2):
        assert key_client_a.post("/api/v1/survey-responses/", body, format="json").status_code in (200, 201)
    assert len(outbox(world_a.tenant)) == 1


def test_an_answer_that_is_refused_or_for_an_unsubscribed_tenant_publishes_nothing(
    world_a, world_b, contact_a, key_client_a
):
    url = "/api/v1/survey-responses/"
    subscribe(world_a.tenant, "followup.closed")
    subscribe(world_b.tenant, "response.recorded")
    assert key_client_a.post(url, {"contact": contact_a.pk, "score": 11}, format="json").status_code == 400
    assert key_client_a.post(url, {"contact": contact_a.pk, "score": 7}, format="json").status_code == 201
    assert not OutboxEvent.unscoped.exists()
    subscribe(world_a.tenant, "response.recorded")
    answered = key_client_a.post(url, {"contact": contact_a.pk, "score": 8, "dedup_key": "again"}, format="json")
    assert [d["response"]["score"] for d in outbox(world_a.tenant)] == [8], answered.json()
    assert not OutboxEvent.objects.for_tenant(world_b.tenant).exists()


# score.band_changed


@pytest.fixture
def scored(world_a):
    """An account scored once from 40 days of usage by all its 8 contacts (as tests/indicators/test_recompute)."""
    account = AccountFactory(tenant=world_a.tenant, licenses=10, lifecycle_stage="mature", external_id="crm-9",
                             name="Fig Inc")  # fmt: skip
    seed_usage(world_a.tenant, account, ContactFactory.create_batch(8, account=account), 40, lambda d: 8,
               datetime.now(UTC))  # fmt: skip
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk])
    return account, HealthScore.objects.for_tenant(world_a.tenant).get(account=account)


def stored_as(health, score, band):
    """The score the account had before (the recompute compares with the stored row)."""
    scores = HealthScore.objects.for_tenant(health.tenant_id).filter(account_id=health.account_id)
    scores.update(score=score, band=band, digest=0)


def test_a_recompute_that_moves_the_band_publishes_score_band_changed(world_a, scored):
    account, health = scored
    before_band = "red" if health.band != "red" else "green"
    stored_as(health, 12.5, before_band)
    subscribe(world_a.tenant, "score.band_changed")
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk])
    [data] = outbox(world_a.tenant)
    assert data["account"] == {"id": account.pk, "external_id": "crm-9", "name": "Fig Inc"}
    as_of = data["score"].pop("as_of")
    assert data["score"] == {"before": 12.5, "after": health.score, "before_band": before_band, "band": health.band}
    assert abs(datetime.fromisoformat(as_of) - timezone.now()) < timedelta(minutes=1) and as_of.endswith("Z")


def test_a_recompute_in_the_same_band_or_a_first_score_publishes_nothing(world_a, scored):
    account, health = scored
    subscribe(world_a.tenant, "score.band_changed")
    stored_as(health, 12.5, health.band)  # the score moved, the band did not
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk])
    HealthScore.objects.for_tenant(world_a.tenant).filter(pk=health.pk).delete()
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk])  # a first score
    assert not OutboxEvent.unscoped.exists()
    stored_as(health, 12.5, "red" if health.band != "red" else "green")  # now the band moves
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk])
    assert len(outbox(world_a.tenant)) == 1


def test_a_band_change_in_a_recompute_that_rolls_back_publishes_nothing(world_a, world_b, scored):
    account, health = scored
    stored_as(health, 12.5, "red" if health.band != "red" else "green")
    subscribe(world_b.tenant, "score.band_changed")  # another tenant's subscription: never its events
    with pytest.raises(RuntimeError), transaction.atomic():
        subscribe(world_a.tenant, "score.band_changed")
        accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk])
        assert OutboxEvent.objects.for_tenant(world_a.tenant).count() == 1
        raise RuntimeError("the recompute failed")
    assert not OutboxEvent.unscoped.exists()


# renewal.updated


def renewal(account, **fields) -> Renewal:
    base = {"term_start": date(2025, 3, 1), "term_end": date(2026, 3, 1), "arr_due": D("12000")}
    return Renewal(account=account, **{**base, **fields})


def test_saving_and_closing_a_renewal_publish_renewal_updated_with_amounts_in_the_accounts_currency(world_a):
    account = AccountFactory(tenant=world_a.tenant, external_id="crm-3", name="Plum", arr=D("12000"), currency="EUR")
    subscribe(world_a.tenant, "renewal.updated")
    saved = renewal_save(tenant=world_a.tenant, renewal=renewal(account, external_id="opp-1"))
    pending = {"id": saved.renewal.pk, "external_id": "opp-1", "term_start": "2025-03-01", "renewal_on": "2026-03-01",
               "outcome": "pending", "arr_due": {"amount": "12000.00", "currency": "EUR"}, "closed_arr": None,
               "closed_on": None, "csm_call": None}  # fmt: skip
    closing = saved.renewal
    closing.outcome, closing.closed_arr, closing.closed_on = "expanded", D("15000"), date(2026, 2, 20)
    closed = renewal_save(tenant=world_a.tenant, renewal=closing)
    account_data = {"id": account.pk, "external_id": "crm-3", "name": "Plum"}
    assert outbox(world_a.tenant) == [
        {"change": "created", "renewal": pending, "account": account_data},
        {"change": "closed", "account": account_data, "renewal": {
            **pending, "outcome": "expanded", "closed_arr": {"amount": "15000.00", "currency": "EUR"},
            "closed_on": "2026-02-20"}},
        {"change": "created", "account": account_data, "renewal": {
            "id": closed.next_renewal.pk, "external_id": None, "term_start": "2026-03-01", "renewal_on": "2027-03-01",
            "outcome": "pending", "arr_due": {"amount": "15000.00", "currency": "EUR"}, "closed_arr": None,
            "closed_on": None, "csm_call": None}},
    ]  # fmt: skip


def test_renewals_opened_from_accounts_publish_one_event_each_in_the_tenants_currency(world_a):
    world_a.tenant.currency = "GBP"
    world_a.tenant.save()
    accounts = [AccountFactory(tenant=world_a.tenant, arr=D("5000"), renewal_on=date(2027, 1, 31)) for _ in range(2)]
    subscribe(world_a.tenant, "renewal.updated")
    assert renewals_open_from_accounts(tenant=world_a.tenant) == 2
    data = outbox(world_a.tenant)
    assert sorted((d["change"], d["account"]["id"], d["renewal"]["arr_due"]["amount"]) for d in data) == [
        ("created", a.pk, "5000.00") for a in accounts
    ]
    assert {d["renewal"]["arr_due"]["currency"] for d in data} == {"GBP"}


def test_a_refused_renewal_or_another_tenants_subscription_publishes_nothing(world_a, world_b):
    account = AccountFactory(tenant=world_a.tenant)
    subscribe(world_b.tenant, "renewal.updated")
    renewal_save(tenant=world_a.tenant, renewal=renewal(account))
    subscribe(world_a.tenant, "renewal.updated")
    with pytest.raises(Exception, match="ARR due cannot be negative"):
        renewal_save(tenant=world_a.tenant, renewal=renewal(account, term_end=date(2027, 3, 1), arr_due=D("-1")))
    assert not OutboxEvent.unscoped.exists()
    renewal_save(tenant=world_a.tenant, renewal=renewal(account, term_end=date(2027, 3, 1)))
    assert [d["renewal"]["renewal_on"] for d in outbox(world_a.tenant)] == ["2027-03-01"]
    assert not OutboxEvent.objects.for_tenant(world_b.tenant).exists()
