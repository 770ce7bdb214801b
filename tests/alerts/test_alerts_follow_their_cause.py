"""An alert follows its cause: figures that change update it, a cause that is gone closes it with a system note.

Every kind of rule, and alerts raised by other apps (``alert_resolve``); notes dated on the tenant's
calendar; another tenant's recompute never touches these alerts.
"""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts.models import Alert, AlertStatus
from alerts.services import AccountState, alert_raise, alert_resolve, alert_update, rules_evaluate
from alerts.services.alerts import RESOLVED
from indicators.models import Event, EventType, HealthScoreHistory
from indicators.scoring.recompute import accounts_recompute
from tests.alerts.builders import due, rule
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
MESSAGE_IDS = itertools.count(1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(LATER, tick=False):
        yield


def state(score=50.0, band="yellow", before_band=None, **values):
    return AccountState(score=score, band=band, values=values, before_band=before_band)


def evaluate(tenant, states, as_of=NOW):
    return rules_evaluate(tenant=tenant, states=states, as_of=as_of)


def the_alert(tenant) -> Alert:
    [alert] = Alert.objects.for_tenant(tenant).order_by("pk")
    return alert


def assert_closed_by_csplatform(alert: Alert, note: str) -> None:
    alert.refresh_from_db()
    assert (alert.status, alert.closing_note) == (AlertStatus.CLOSED, note)
    assert (alert.closed_by, alert.closed_by_system) == (None, True)
    last = alert.history.order_by("-history_id").first()
    # In the history like a person's change, marked as the system's.
    assert (last.status, last.history_user, last.history_change_reason) == (AlertStatus.CLOSED, None, RESOLVED)


def in_zone(tenant, zone):
    tenant.time_zone = zone
    tenant.save()


# --- indicator thresholds (inactivity among them) ---------------------------------------------------


def test_an_indicator_back_over_its_threshold_closes_the_alert_with_a_system_note(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, indicator="license_utilization", operator="lt", threshold=30)
    evaluate(world_a.tenant, {account.pk: state(license_utilization=20)})
    assert evaluate(world_a.tenant, {account.pk: state(license_utilization=45)}, LATER) == (0, 0)
    assert_closed_by_csplatform(
        the_alert(world_a.tenant),
        "Closed by csplatform: License utilization (30d) back to 45% on 2026-05-10, no longer below 30%.",
    )


def test_an_indicator_still_past_its_threshold_updates_the_one_open_alert(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, indicator="license_utilization", operator="lt", threshold=30)
    evaluate(world_a.tenant, {account.pk: state(license_utilization=20)})
    evaluate(world_a.tenant, {account.pk: state(license_utilization=10)}, LATER)
    alert = the_alert(world_a.tenant)
    assert (alert.status, alert.message) == (AlertStatus.OPEN, "License utilization (30d) is 10%, below 30%.")
    assert alert.detail["value"] == 10


def test_an_indicator_without_data_leaves_the_alert_open(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, indicator="license_utilization", operator="lt", threshold=30)
    evaluate(world_a.tenant, {account.pk: state(license_utilization=20)})
    evaluate(world_a.tenant, {account.pk: state(license_utilization=None)}, LATER)
    assert the_alert(world_a.tenant).status == AlertStatus.OPEN


def test_activity_resuming_closes_an_inactivity_alert(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, indicator="days_since_proactive_communication", operator="gte", threshold=30)
    evaluate(world_a.tenant, {account.pk: state(days_since_proactive_communication=41)})
    assert "41 days" in the_alert(world_a.tenant).message
    evaluate(world_a.tenant, {account.pk: state(days_since_proactive_communication=1)}, LATER)
    assert_closed_by_csplatform(
        the_alert(world_a.tenant),
        "Closed by csplatform: Days since the last proactive communication back to 1 day on 2026-05-10, "
        "no longer at or above 30 days.",
    )


def test_a_recompute_that_clears_the_cause_closes_the_alert(world_a):
    account = AccountFactory(tenant=world_a.tenant, objectives_documented=False)
    rule(world_a.tenant, indicator="objectives_documented", operator="lt", threshold=1)
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk])
    assert the_alert(world_a.tenant).status == AlertStatus.OPEN
    account.objectives_documented = True
    account.save()
    accounts_recompute(tenant=world_a.tenant, account_ids=[account.pk])
    assert_closed_by_csplatform(
        the_alert(world_a.tenant), "Closed by csplatform: Partnership objectives documented: yes on 2026-05-10."
    )


# --- score drops ------------------------------------------------------------------------------------


def history(account, *points):
    HealthScoreHistory.objects.for_tenant(account.tenant).bulk_create(
        HealthScoreHistory(tenant=account.tenant, account=account, at=at, score=score, band="yellow", scorecard="t")
        for at, score in points
    )


def dropped(tenant):
    account = AccountFactory(tenant=tenant)
    rule(tenant, "score_drop", points=15, within_days=7)
    history(account, (NOW - timedelta(days=5), 72), (NOW, 57))
    evaluate(tenant, {account.pk: state(score=57)})
    assert the_alert(tenant).message == "Score dropped 15 points in 7 days: 72 -> 57."
    return account


def test_a_score_that_climbs_back_closes_its_drop_alert(world_a):
    account = dropped(world_a.tenant)
    history(account, (LATER, 66))
    evaluate(world_a.tenant, {account.pk: state(score=66)}, LATER)
    assert_closed_by_csplatform(
        the_alert(world_a.tenant),
        "Closed by csplatform: score back to 66 on 2026-05-10, less than 15 points below the 72 it fell from.",
    )


def test_a_score_that_falls_further_updates_its_drop_alert(world_a):
    account = dropped(world_a.tenant)
    history(account, (LATER, 50))
    evaluate(world_a.tenant, {account.pk: state(score=50)}, LATER)
    alert = the_alert(world_a.tenant)
    assert (alert.status, alert.message) == (AlertStatus.OPEN, "Score dropped 22 points in 7 days: 72 -> 50.")
    assert (alert.detail["from_score"], alert.detail["to_score"]) == (72, 50)


def test_a_drop_that_slid_out_of_the_window_without_recovering_stays_open(world_a):
    account = dropped(world_a.tenant)
    later = NOW + timedelta(days=10)
    history(account, (later - timedelta(days=1), 56))
    with time_machine.travel(later, tick=False):
        evaluate(world_a.tenant, {account.pk: state(score=56)}, later)
    alert = the_alert(world_a.tenant)
    assert (alert.status, alert.message) == (AlertStatus.OPEN, "Score still down 16 points: 72 -> 56.")


# --- band changes -----------------------------------------------------------------------------------


def turned_red(tenant):
    account = AccountFactory(tenant=tenant)
    rule(tenant, "band_change", to_band="red")
    evaluate(tenant, {account.pk: state(score=35, band="red", before_band="yellow")})
    return account


def test_leaving_the_band_closes_the_band_change_alert(world_a):
    account = turned_red(world_a.tenant)
    evaluate(world_a.tenant, {account.pk: state(score=52, band="yellow", before_band="red")}, LATER)
    assert_closed_by_csplatform(
        the_alert(world_a.tenant), "Closed by csplatform: band now yellow (score 52) on 2026-05-10, no longer red."
    )


def test_the_daily_pass_over_stored_scores_closes_it_too(world_a):
    account = turned_red(world_a.tenant)
    evaluate(world_a.tenant, {account.pk: state(score=52, band="yellow", before_band=None)}, LATER)
    assert the_alert(world_a.tenant).status == AlertStatus.CLOSED


def test_a_score_that_falls_further_in_the_band_updates_the_alert(world_a):
    account = turned_red(world_a.tenant)
    evaluate(world_a.tenant, {account.pk: state(score=30, band="red", before_band="red")}, LATER)
    alert = the_alert(world_a.tenant)
    assert (alert.status, alert.message) == (
        AlertStatus.OPEN,
        "Band changed from yellow to red (score 35); score now 30.",
    )
    assert (alert.detail["score"], alert.detail["changed_at_score"]) == (30, 35)


# --- renewal proximity ------------------------------------------------------------------------------


def renewing_red(tenant, in_days=30):
    account = AccountFactory(tenant=tenant, renewal_on=NOW.date() + timedelta(days=in_days))
    rule(tenant, "renewal_proximity", within_days=90, bands=["red"])
    evaluate(tenant, {account.pk: state(band="red")})
    assert the_alert(tenant).status == AlertStatus.OPEN
    return account


def test_an_account_no_longer_red_closes_its_renewal_alert(world_a):
    account = renewing_red(world_a.tenant)
    evaluate(world_a.tenant, {account.pk: state(band="yellow")}, LATER)
    assert_closed_by_csplatform(
        the_alert(world_a.tenant), "Closed by csplatform: account now yellow on 2026-05-10, not red."
    )


def test_a_renewal_moved_beyond_the_window_closes_its_alert(world_a):
    account = renewing_red(world_a.tenant)
    account.renewal_on = date(2027, 5, 1)
    account.save()
    evaluate(world_a.tenant, {account.pk: state(band="red")}, LATER)
    assert_closed_by_csplatform(
        the_alert(world_a.tenant),
        "Closed by csplatform: renewal now on 2027-05-01, 356 days away on 2026-05-10, beyond 90.",
    )


def test_a_renewal_date_removed_closes_its_alert(world_a):
    account = renewing_red(world_a.tenant)
    account.renewal_on = None
    account.save()
    evaluate(world_a.tenant, {account.pk: state(band="red")}, LATER)
    assert_closed_by_csplatform(
        the_alert(world_a.tenant), "Closed by csplatform: the renewal date was removed by 2026-05-10."
    )


def test_a_renewal_moved_closer_updates_its_alert_and_one_that_went_by_stays_open(world_a):
    account = renewing_red(world_a.tenant, in_days=30)
    account.renewal_on = NOW.date() + timedelta(days=3)
    account.save()
    evaluate(world_a.tenant, {account.pk: state(band="red")}, LATER)
    assert the_alert(world_a.tenant).message == "Renewal in 3 days (2026-05-13) with the account red."
    later = NOW + timedelta(days=5)
    with time_machine.travel(later, tick=False):
        evaluate(world_a.tenant, {account.pk: state(band="red")}, later)
    assert the_alert(world_a.tenant).status == AlertStatus.OPEN  # whether it renewed is for the CSM to say


# --- detractor answers ------------------------------------------------------------------------------


def test_an_amended_answer_closes_its_alert_as_the_system(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, "detractor_answer", within_days=14)
    at = NOW - timedelta(days=2)
    answer = {"kind": "nps", "comment": "", "response_id": next(MESSAGE_IDS)}
    for n, score in enumerate((3, 9)):
        Event.objects.for_tenant(world_a.tenant).create(
            tenant=world_a.tenant, account=account, type=EventType.SURVEY, name="nps_response", occurred_at=at,
            received_at=at, source="api", message_id=f"a-{n}", properties={**answer, "score": score},
        )  # fmt: skip
        evaluate(world_a.tenant, {account.pk: state()}, NOW + timedelta(minutes=n))
    assert_closed_by_csplatform(
        the_alert(world_a.tenant), "Closed by csplatform: the answer was amended to 9/10, not a detractor's."
    )


# --- alerts of other apps (an overdue follow-up) ----------------------------------------------------


def test_an_app_resolves_its_alert_when_the_cause_is_gone(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    alert_raise(tenant=world_a.tenant, account=account, key="followup-overdue:7", title="Overdue follow-up",
                message="Was due.", priority="high", due_at=due(0))  # fmt: skip
    why = "the follow-up's deadline moved to 2026-05-12 17:00 EDT"
    assert alert_resolve(tenant=world_a.tenant, account=account, key="followup-overdue:7", why=why)
    assert_closed_by_csplatform(the_alert(world_a.tenant), f"Closed by csplatform: {why}.")
    assert alert_resolve(tenant=world_a.tenant, account=account, key="followup-overdue:7", why=why) is False


# --- worked alerts ----------------------------------------------------------------------------------


def test_an_alert_in_progress_closes_too_when_its_cause_is_gone(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, threshold=30)
    evaluate(world_a.tenant, {account.pk: state(license_utilization=20)})
    alert = the_alert(world_a.tenant)
    alert_update(tenant=world_a.tenant, alert=alert, status=AlertStatus.IN_PROGRESS, by=world_a.csm.user)
    evaluate(world_a.tenant, {account.pk: state(license_utilization=10)}, LATER)
    alert.refresh_from_db()
    assert (alert.status, alert.message) == (AlertStatus.IN_PROGRESS, "License utilization (30d) is 10%, below 30%.")
    evaluate(world_a.tenant, {account.pk: state(license_utilization=50)}, LATER + timedelta(minutes=1))
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.closed_by_system


def test_a_person_closing_an_alert_is_not_the_system(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, threshold=30)
    evaluate(world_a.tenant, {account.pk: state(license_utilization=20)})
    alert = the_alert(world_a.tenant)
    alert_update(tenant=world_a.tenant, alert=alert, status=AlertStatus.CLOSED, note="Training booked.",
                 by=world_a.csm.user)  # fmt: skip
    alert.refresh_from_db()
    assert (alert.closed_by, alert.closed_by_system) == (world_a.csm.user, False)
    assert alert.history.order_by("-history_id").first().history_change_reason is None


# --- the tenant's calendar --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "as_of", "day"),
    [
        ("America/New_York", datetime(2026, 5, 11, 2, 30, tzinfo=UTC), "2026-05-10"),  # 22:30 on the 10th there
        ("Pacific/Auckland", datetime(2026, 5, 10, 12, 30, tzinfo=UTC), "2026-05-11"),  # 00:30 on the 11th there
    ],
)
def test_the_day_in_a_system_note_is_the_tenants(world_a, zone, as_of, day):
    in_zone(world_a.tenant, zone)
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, threshold=30)
    with time_machine.travel(as_of, tick=False):
        evaluate(world_a.tenant, {account.pk: state(license_utilization=20)}, as_of - timedelta(minutes=5))
        evaluate(world_a.tenant, {account.pk: state(license_utilization=45)}, as_of)
    assert f"back to 45% on {day}," in the_alert(world_a.tenant).closing_note


def test_a_condition_that_still_holds_refires_once_a_day_of_the_tenants(world_a):
    in_zone(world_a.tenant, "America/New_York")
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, threshold=30)
    morning = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)  # 08:00 in New York
    evening = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)  # 22:00 the same day there, the next day in UTC
    with time_machine.travel(evening, tick=False):
        evaluate(world_a.tenant, {account.pk: state(license_utilization=20)}, morning)
        assert evaluate(world_a.tenant, {account.pk: state(license_utilization=20)}, evening) == (0, 0)
        assert evaluate(world_a.tenant, {account.pk: state(license_utilization=20)}, evening + timedelta(hours=3)) == (
            0,
            1,
        )


# --- tenancy and scale ------------------------------------------------------------------------------


def test_another_tenants_evaluation_never_touches_these_alerts(world_a, world_b):
    account = AccountFactory(tenant=world_a.tenant)
    rule(world_a.tenant, threshold=30)
    rule(world_b.tenant, threshold=30)
    evaluate(world_a.tenant, {account.pk: state(license_utilization=20)})
    before = the_alert(world_a.tenant).history.count()
    # Tenant B's pass, even handed tenant A's account, and B's own recovered account.
    account_b = AccountFactory(tenant=world_b.tenant)
    evaluate(world_b.tenant, {account_b.pk: state(license_utilization=20)})
    evaluate(world_b.tenant, {account.pk: state(license_utilization=90), account_b.pk: state(license_utilization=90)},
             LATER)  # fmt: skip
    assert alert_resolve(tenant=world_b.tenant, account=account, key=the_alert(world_a.tenant).key, why="x") is False
    alert = the_alert(world_a.tenant)
    assert alert.status == AlertStatus.OPEN and alert.history.count() == before
    assert the_alert(world_b.tenant).status == AlertStatus.CLOSED


def test_another_tenants_recompute_never_touches_these_alerts(world_a, world_b):
    ours = AccountFactory(tenant=world_a.tenant, objectives_documented=False)
    theirs = AccountFactory(tenant=world_b.tenant, objectives_documented=True)
    rule(world_a.tenant, indicator="objectives_documented", operator="lt", threshold=1)
    rule(world_b.tenant, indicator="objectives_documented", operator="lt", threshold=1)
    accounts_recompute(tenant=world_a.tenant, account_ids=[ours.pk])
    accounts_recompute(tenant=world_b.tenant, account_ids=[theirs.pk, ours.pk])
    assert the_alert(world_a.tenant).status == AlertStatus.OPEN


def resolving_queries(tenant, count):
    accounts = [AccountFactory(tenant=tenant) for _ in range(count)]
    evaluate(tenant, {a.pk: state(license_utilization=20) for a in accounts})
    with CaptureQueriesContext(connection) as captured:
        evaluate(tenant, {a.pk: state(license_utilization=90) for a in accounts}, LATER)
    assert Alert.objects.for_tenant(tenant).filter(account__in=accounts, status=AlertStatus.CLOSED).count() == count
    return len(captured.captured_queries)


def test_closing_queries_do_not_grow_with_the_alerts(world_a):
    rule(world_a.tenant, threshold=30)
    assert resolving_queries(world_a.tenant, 2) == resolving_queries(world_a.tenant, 20)
