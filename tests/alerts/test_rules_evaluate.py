"""rules_evaluate: each kind of rule fires (and does not) at its edges, over many accounts in fixed queries."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts.models import Alert, AlertStatus
from alerts.services import AccountState, alert_update, rules_evaluate
from indicators.models import Event, EventType, HealthScoreHistory
from tests.alerts.builders import rule
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
MESSAGE_IDS = itertools.count(1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def state(score=50.0, band="yellow", before_band=None, **values):
    return AccountState(score=score, band=band, values=values, before_band=before_band)


def alerts(tenant, **filters):
    return list(Alert.objects.for_tenant(tenant).filter(**filters).order_by("pk"))


def evaluate(tenant, states):
    return rules_evaluate(tenant=tenant, states=states, as_of=NOW)


# --- indicator thresholds ---------------------------------------------------------------------------


def test_indicator_threshold_fires_below_and_not_at_the_threshold(world_a):
    low, at = AccountFactory(tenant=world_a.tenant, csm_owner=world_a.csm), AccountFactory(tenant=world_a.tenant)
    threshold = rule(world_a.tenant, indicator="license_utilization", operator="lt", threshold=30, due_in_days=2)
    assert evaluate(
        world_a.tenant, {low.pk: state(license_utilization=29.5), at.pk: state(license_utilization=30)}
    ) == (1, 0)
    [alert] = alerts(world_a.tenant)
    assert (alert.account, alert.rule, alert.key) == (low, threshold, f"rule:{threshold.pk}")
    assert (alert.assignee, alert.priority, alert.title) == (world_a.csm, "high", threshold.name)
    assert alert.due_at == NOW + timedelta(days=2)
    assert alert.message == "License utilization (30d) is 29.5%, below 30%."


def test_disabled_rules_do_not_fire(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, enabled=False)
    assert evaluate(world_a.tenant, {account.pk: state(license_utilization=1)}) == (0, 0)


# --- score drops ------------------------------------------------------------------------------------


def history(account, *points):
    HealthScoreHistory.objects.for_tenant(account.tenant).bulk_create(
        HealthScoreHistory(tenant=account.tenant, account=account, at=at, score=score, band="yellow", scorecard="t")
        for at, score in points
    )


def test_score_drop_fires_on_the_points_lost_since_the_windows_peak(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, "score_drop", points=15, within_days=7)
    history(account, (NOW - timedelta(days=7), 72), (NOW - timedelta(days=3), 65), (NOW, 57))
    evaluate(world_a.tenant, {account.pk: state(score=57)})
    [alert] = alerts(world_a.tenant)
    assert alert.message == "Score dropped 15 points in 7 days: 72 -> 57."
    assert alert.detail["from_score"] == 72


def test_score_drop_one_point_short_does_not_fire(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, "score_drop", points=15, within_days=7)
    history(account, (NOW - timedelta(days=7), 72), (NOW, 58))
    assert evaluate(world_a.tenant, {account.pk: state(score=58)}) == (0, 0)


def test_score_drop_counts_the_score_standing_when_the_window_opened(world_a):
    standing, outside = AccountFactory(tenant=world_a.tenant), AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, "score_drop", points=15, within_days=7)
    # 80 was still the score when the window opened (the next row is inside it).
    history(standing, (NOW - timedelta(days=7, hours=6), 80), (NOW - timedelta(days=2), 70))
    # 80 was replaced by 60 before the window opened.
    history(outside, (NOW - timedelta(days=7, hours=12), 80), (NOW - timedelta(days=7, hours=6), 60))
    evaluate(world_a.tenant, {standing.pk: state(score=60), outside.pk: state(score=60)})
    assert [a.account for a in alerts(world_a.tenant)] == [standing]


# --- band changes -----------------------------------------------------------------------------------


def test_band_change_fires_on_the_transition_only(world_a):
    fell, stayed, first = (AccountFactory(tenant=world_a.tenant) for _ in range(3))
    rule(world_a.tenant, "band_change", to_band="red")
    evaluate(world_a.tenant, {
        fell.pk: state(score=35, band="red", before_band="yellow"),
        stayed.pk: state(score=30, band="red", before_band="red"),
        first.pk: state(score=30, band="red", before_band=None),  # a first score is no change
    })  # fmt: skip
    [alert] = alerts(world_a.tenant)
    assert alert.account == fell and alert.message == "Band changed from yellow to red (score 35)."


def test_band_change_from_a_named_band_only(world_a):
    from_green, from_yellow = AccountFactory(tenant=world_a.tenant), AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, "band_change", to_band="red", from_band="green")
    evaluate(world_a.tenant, {
        from_green.pk: state(band="red", before_band="green"), from_yellow.pk: state(band="red", before_band="yellow"),
    })  # fmt: skip
    assert [a.account for a in alerts(world_a.tenant)] == [from_green]


# --- renewal proximity ------------------------------------------------------------------------------


def test_renewal_proximity_fires_within_the_days_and_only_in_the_bands(world_a):
    today = NOW.date()
    in_90 = AccountFactory(tenant=world_a.tenant, renewal_on=today + timedelta(days=90))
    in_91 = AccountFactory(tenant=world_a.tenant, renewal_on=today + timedelta(days=91))
    yellow = AccountFactory(tenant=world_a.tenant, renewal_on=today + timedelta(days=10))
    passed = AccountFactory(tenant=world_a.tenant, renewal_on=today - timedelta(days=1))
    no_date = AccountFactory(tenant=world_a.tenant, renewal_on=None)
    rule(world_a.tenant, "renewal_proximity", within_days=90, bands=["red"])
    evaluate(world_a.tenant, {
        in_90.pk: state(band="red"), in_91.pk: state(band="red"), yellow.pk: state(band="yellow"),
        passed.pk: state(band="red"), no_date.pk: state(band="red"),
    })  # fmt: skip
    [alert] = alerts(world_a.tenant)
    assert alert.account == in_90
    assert alert.message == f"Renewal in 90 days ({in_90.renewal_on.isoformat()}) with the account red."


def test_renewal_days_count_in_the_tenants_time_zone(world_a):
    # 12:00 UTC on May 10 is already May 11 in Auckland: a renewal on Aug 9 is 90 days away there.
    world_a.tenant.time_zone = "Pacific/Auckland"
    world_a.tenant.save()
    account = AccountFactory(tenant=world_a.tenant, renewal_on=date(2026, 8, 9))
    rule(world_a.tenant, "renewal_proximity", within_days=90, bands=[])
    assert evaluate(world_a.tenant, {account.pk: state()}) == (1, 0)


# --- detractor answers ------------------------------------------------------------------------------


def nps(account, score, *, days_ago, contact=None):
    n = next(MESSAGE_IDS)
    at = NOW - timedelta(days=days_ago)
    return Event.objects.for_tenant(account.tenant).create(
        tenant=account.tenant, account=account, contact=contact, type=EventType.SURVEY, name="nps_response",
        occurred_at=at, received_at=at, source="api", message_id=f"nps-{n}",
        properties={"score": score, "kind": "nps", "comment": "Reports are slow", "response_id": n},
    )  # fmt: skip


def test_detractor_answer_within_the_days_fires(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    contact = ContactFactory(account=account, name="Jo Doe")
    rule(world_a.tenant, "detractor_answer", within_days=14)
    nps(account, 9, days_ago=1, contact=contact)  # a later promoter answer does not hide the detractor
    nps(account, 4, days_ago=13, contact=contact)
    evaluate(world_a.tenant, {account.pk: state()})
    [alert] = alerts(world_a.tenant)
    assert (
        alert.message
        == f'Detractor answer from Jo Doe: 4/10 on {(NOW - timedelta(days=13)).date()}: "Reports are slow"'
    )


def test_the_answers_day_in_the_sentence_is_the_tenants(world_a):
    world_a.tenant.time_zone = "America/New_York"
    world_a.tenant.save()
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, "detractor_answer", within_days=14)
    answer = nps(account, 3, days_ago=2)
    late_evening = datetime(2026, 5, 8, 2, 30, tzinfo=UTC)  # 7 May, 22:30 in New York
    Event.objects.for_tenant(world_a.tenant).filter(pk=answer.pk).update(occurred_at=late_evening)
    evaluate(world_a.tenant, {account.pk: state()})
    [alert] = alerts(world_a.tenant)
    assert "3/10 on 2026-05-07" in alert.message  # not the UTC date, 2026-05-08


def amend(answer, score):
    """The event an amendment stores: the same response, a new message id, stored after the first."""
    n = next(MESSAGE_IDS)
    return Event.objects.for_tenant(answer.tenant).create(
        tenant=answer.tenant, account=answer.account, contact=answer.contact, type=EventType.SURVEY,
        name="nps_response", occurred_at=answer.occurred_at, received_at=NOW, source="surveys",
        message_id=f"nps-amended-{n}", properties={**answer.properties, "score": score},
    )  # fmt: skip


def test_an_answer_amended_out_of_detraction_closes_its_alert_with_a_system_note(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, "detractor_answer", within_days=14)
    answer = nps(account, 3, days_ago=2)
    evaluate(world_a.tenant, {account.pk: state()})
    [alert] = alerts(world_a.tenant)
    amend(answer, 9)
    assert evaluate(world_a.tenant, {account.pk: state()}) == (0, 0)  # and nothing new fires
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED
    assert alert.closing_note == "Closed by csplatform: the answer was amended to 9/10, not a detractor's."
    assert alert.closed_by is None


def test_an_answer_amended_within_detraction_updates_its_alert(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, "detractor_answer", within_days=14)
    answer = nps(account, 3, days_ago=2)
    evaluate(world_a.tenant, {account.pk: state()})
    amend(answer, 5)
    evaluate(world_a.tenant, {account.pk: state()})
    [alert] = alerts(world_a.tenant)
    assert alert.status == AlertStatus.OPEN and "5/10" in alert.message and "3/10" not in alert.message


def test_an_answer_that_only_aged_out_of_the_window_leaves_its_alert_open(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, "detractor_answer", within_days=14)
    nps(account, 3, days_ago=2)
    evaluate(world_a.tenant, {account.pk: state()})
    with time_machine.travel(NOW + timedelta(days=20), tick=False):
        rules_evaluate(tenant=world_a.tenant, states={account.pk: state()}, as_of=NOW + timedelta(days=20))
    [alert] = alerts(world_a.tenant)
    assert alert.status == AlertStatus.OPEN  # still work for the CSM: time alone is no answer


def test_passive_or_old_answers_do_not_fire(world_a):
    passive, old = AccountFactory(tenant=world_a.tenant), AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, "detractor_answer", within_days=14)
    nps(passive, 7, days_ago=1)
    nps(old, 0, days_ago=15)
    assert evaluate(world_a.tenant, {passive.pk: state(), old.pk: state()}) == (0, 0)


# --- one open alert per rule and account ------------------------------------------------------------


def test_a_refire_updates_the_one_open_alert(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, threshold=30)
    evaluate(world_a.tenant, {account.pk: state(license_utilization=20)})
    assert evaluate(world_a.tenant, {account.pk: state(license_utilization=10)}) == (0, 1)
    [alert] = alerts(world_a.tenant)
    assert (alert.fire_count, alert.message) == (2, "License utilization (30d) is 10%, below 30%.")


def test_a_condition_that_still_holds_refires_once_a_day(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, threshold=30)
    evaluate(world_a.tenant, {account.pk: state(license_utilization=20)})
    assert evaluate(world_a.tenant, {account.pk: state(license_utilization=20)}) == (0, 0)
    later = NOW + timedelta(days=1)
    assert rules_evaluate(tenant=world_a.tenant, states={account.pk: state(license_utilization=20)}, as_of=later) == (
        0,
        1,
    )
    [alert] = alerts(world_a.tenant)
    assert (alert.fire_count, alert.first_fired_at, alert.last_fired_at) == (2, NOW, later)


def test_after_closure_a_new_firing_opens_a_new_alert(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, threshold=30)
    evaluate(world_a.tenant, {account.pk: state(license_utilization=20)})
    [first] = alerts(world_a.tenant)
    alert_update(tenant=world_a.tenant, alert=first, status=AlertStatus.CLOSED, note="Training booked.")
    assert evaluate(world_a.tenant, {account.pk: state(license_utilization=20)}) == (1, 0)
    assert [a.status for a in alerts(world_a.tenant)] == [AlertStatus.CLOSED, AlertStatus.OPEN]


def test_a_reassigned_alert_keeps_its_assignee_on_refire(world_a):
    account = AccountFactory(tenant=world_a.tenant, csm_owner=world_a.csm)
    rule(world_a.tenant, threshold=30)
    evaluate(world_a.tenant, {account.pk: state(license_utilization=20)})
    [alert] = alerts(world_a.tenant)
    alert_update(tenant=world_a.tenant, alert=alert, assignee=world_a.admin)
    evaluate(world_a.tenant, {account.pk: state(license_utilization=5)})
    alert.refresh_from_db()
    assert (alert.assignee, alert.fire_count) == (world_a.admin, 2)


# --- scale and tenancy ------------------------------------------------------------------------------


def every_kind(tenant):
    rule(tenant, threshold=30)
    rule(tenant, "score_drop")
    rule(tenant, "band_change")
    rule(tenant, "renewal_proximity", bands=[])
    rule(tenant, "detractor_answer")


def firing_states(accounts):
    return {a.pk: state(score=20, band="red", before_band="green", license_utilization=5) for a in accounts}


def queries_for(tenant, accounts):
    for account in accounts:
        history(account, (NOW - timedelta(days=3), 90))
        nps(account, 2, days_ago=2)
    with CaptureQueriesContext(connection) as captured:
        evaluate(tenant, firing_states(accounts))
    return statements(captured.captured_queries)


def statements(queries) -> int:
    """Queries, counting a bulk INSERT that the database split into batches (SQLite's variable limit) once."""
    count, previous = 0, None
    for query in queries:
        sql = query["sql"]
        head = sql.split(" VALUES", 1)[0] if sql.startswith("INSERT") else None
        if head is None or head != previous:
            count += 1
        previous = head
    return count


def test_queries_do_not_grow_with_the_accounts(world_a):
    every_kind(world_a.tenant)
    few = [AccountFactory(tenant=world_a.tenant, renewal_on=NOW.date()) for _ in range(2)]
    many = [AccountFactory(tenant=world_a.tenant, renewal_on=NOW.date()) for _ in range(20)]
    assert queries_for(world_a.tenant, few) == queries_for(world_a.tenant, many)
    assert len(alerts(world_a.tenant)) == 5 * 22


def test_another_tenants_accounts_are_ignored(world_a, world_b):
    every_kind(world_a.tenant)
    account_b = AccountFactory(tenant=world_b.tenant, renewal_on=NOW.date())
    nps(account_b, 1, days_ago=1)
    assert evaluate(world_a.tenant, firing_states([account_b])) == (0, 0)
    assert not Alert.unscoped.exists()
