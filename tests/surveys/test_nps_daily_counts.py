"""The daily NPS counts the reports read: always the same answers as counting the responses themselves."""

import io
import random
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection

from surveys.models import Channel, NpsDailyCount, NpsMonthlyCount, SurveyResponse
from surveys.services import reports
from surveys.services.nps_rollup import nps_rollup_rebuild
from surveys.services.responses import Outcome, response_record
from tests.conftest import api_as, make_world
from tests.factories import AccountFactory, ContactFactory, TenantFactory
from tests.surveys.conftest import make_survey


def record(tenant, contact, score, at, survey=None, key=""):
    return response_record(
        tenant=tenant, contact=contact, score=score, channel=Channel.IMPORT, responded_at=at, survey=survey,
        dedup_key=key,
    )  # fmt: skip


def stored_counts(tenant, model=NpsDailyCount) -> dict:
    """The tenant's daily (or monthly) counts, rows of zeros (left by deletions) left out."""
    return {
        (r.day, r.survey_key, r.segment, r.csm_key): (r.promoters, r.passives, r.detractors)
        for r in model.objects.for_tenant(tenant)
        if r.promoters or r.passives or r.detractors
    }


# Moments around New York's DST changes (8 March and 1 November 2026) and month ends, and ordinary ones.
EDGES = [
    datetime(2026, 3, 8, 4, 30, tzinfo=UTC),  # 23:30 EST on 7 March
    datetime(2026, 3, 8, 7, 30, tzinfo=UTC),  # 03:30 EDT on 8 March, just after the change
    datetime(2026, 11, 1, 4, 30, tzinfo=UTC),  # 00:30 EDT on 1 November: November, not October
    datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # 01:30 EST, the repeated hour
    datetime(2026, 4, 1, 3, 59, tzinfo=UTC),  # 23:59 EDT on 31 March
    datetime(2026, 1, 1, 0, 30, tzinfo=UTC),  # New Year's Eve in New York, New Year's Day in Kolkata
]


def populate(world, time_zone: str, seed: int) -> dict:
    """Varied answers: segments in two spellings, CSMs, surveys, DST edges, amendments and deletions."""
    tenant = world.tenant
    tenant.time_zone = time_zone
    tenant.save()
    rng = random.Random(seed)
    surveys = [make_survey(tenant, name="Quarterly"), make_survey(tenant, name="Onboarding"), None]
    accounts = [
        AccountFactory(tenant=tenant, segment="Enterprise", csm_owner=world.csm),
        AccountFactory(tenant=tenant, segment="enterprise", csm_owner=world.admin),
        AccountFactory(tenant=tenant, segment="smb", csm_owner=world.csm),
        AccountFactory(tenant=tenant, segment="", csm_owner=None),
        AccountFactory(tenant=tenant, segment="mid-market", csm_owner=world.viewer),
    ]
    contacts = [ContactFactory(account=accounts[i % len(accounts)]) for i in range(30)]
    moments = EDGES + [
        datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(365 * 24 * 60)) for _ in range(70)
    ]
    recorded = []
    for n, at in enumerate(moments):
        contact = rng.choice(contacts)
        recorded.append(record(tenant, contact, rng.randrange(11), at, rng.choice(surveys), key=f"{seed}-{n}").response)
    # Promoters who changed their mind within the window: amendments that move the category.
    for n in range(8):
        contact, survey = ContactFactory(account=accounts[n % 4]), surveys[n % 3]
        at = EDGES[n % len(EDGES)] + timedelta(minutes=n)
        record(tenant, contact, 9 + n % 2, at, survey, key=f"{seed}-promoter-{n}")
        again = record(tenant, contact, n % 3, at + timedelta(hours=1), survey, key=f"{seed}-amend-{n}")
        assert again.outcome is Outcome.AMENDED and again.response.category == "detractor"
    # Accounts that moved segment or changed hands after answering: their answers keep where they were.
    accounts[2].segment, accounts[2].csm_owner = "enterprise", world.admin
    accounts[2].save()
    # Answers deleted one by one, with their contact, and with their account.
    SurveyResponse.objects.for_tenant(tenant).filter(pk=recorded[-1].pk).first().delete()
    contacts[-1].delete()
    accounts[4].delete()
    return {"surveys": [s for s in surveys if s], "csms": [world.csm, world.admin, world.viewer]}


def scopes(made: dict) -> list[reports.Scope]:
    windows = [
        (None, None), (date(2026, 3, 7), date(2026, 3, 8)), (date(2026, 11, 1), date(2026, 11, 1)),
        (date(2026, 1, 1), date(2026, 3, 31)), (date(2025, 12, 31), date(2026, 1, 1)), (date(2026, 6, 1), None),
        (date(2026, 2, 15), date(2026, 5, 10)), (None, date(2026, 8, 31)), (date(2026, 3, 1), date(2026, 3, 31)),
        (None, date(2026, 4, 17)), (date(2026, 9, 2), None),
    ]  # fmt: skip
    filters = [{}, {"segment": "enterprise"}, {"segment": "ENTERPRISE"}, {"segment": "smb"}, {"segment": "none"}]
    filters += [{"survey_id": s.pk} for s in made["surveys"]] + [{"csm_id": m.pk} for m in made["csms"]]
    filters += [{"segment": "enterprise", "csm_id": made["csms"][0].pk, "survey_id": made["surveys"][0].pk}]
    return [reports.Scope(start=start, end=end, **f) for start, end in windows for f in filters]


def assert_reports_agree(tenant, made: dict) -> None:
    for scope in scopes(made):
        raw = reports.nps_summary(tenant=tenant, scope=scope, from_responses=True)
        assert reports.nps_summary(tenant=tenant, scope=scope) == raw, scope
        for interval in ("month", "week"):
            rolled = reports.nps_trend(tenant=tenant, scope=scope, interval=interval)
            assert rolled == reports.nps_trend(tenant=tenant, scope=scope, interval=interval, from_responses=True), (
                scope,
                interval,
            )


@pytest.fixture
def three_worlds(world_a, world_b):
    gamma = make_world("Gamma")
    made = {
        "a": populate(world_a, "America/New_York", seed=1),
        "b": populate(world_b, "Asia/Kolkata", seed=2),
        "c": populate(gamma, "Europe/Paris", seed=3),
    }
    return {"a": (world_a, made["a"]), "b": (world_b, made["b"]), "c": (gamma, made["c"])}


def test_reports_from_the_daily_counts_equal_counting_the_responses_for_every_filter_and_period(three_worlds):
    for world, made in three_worlds.values():
        assert SurveyResponse.objects.for_tenant(world.tenant).count() > 50
        assert_reports_agree(world.tenant, made)


def test_counts_kept_by_every_write_equal_a_rebuild_from_scratch(three_worlds):
    for world, _ in three_worlds.values():
        kept = stored_counts(world.tenant), stored_counts(world.tenant, NpsMonthlyCount)
        nps_rollup_rebuild(tenant_id=world.tenant.pk, time_zone=world.tenant.time_zone)
        assert (stored_counts(world.tenant), stored_counts(world.tenant, NpsMonthlyCount)) == kept and all(kept)


def test_a_new_time_zone_moves_the_days_and_the_reports_still_agree(three_worlds):
    world, made = three_worlds["c"]
    world.tenant.time_zone = "Pacific/Auckland"
    world.tenant.save()
    assert_reports_agree(world.tenant, made)


def test_the_repair_command_rebuilds_a_tenants_counts(three_worlds):
    world, made = three_worlds["a"]
    kept = stored_counts(world.tenant)
    NpsDailyCount.objects.for_tenant(world.tenant).update(promoters=0, passives=7)
    NpsMonthlyCount.objects.for_tenant(world.tenant).filter(day__month=3).delete()
    out = io.StringIO()
    call_command("nps_rollup_rebuild", world.tenant.slug, stdout=out)
    assert out.getvalue().startswith(f"{world.tenant.slug}: ")
    assert stored_counts(world.tenant) == kept
    assert_reports_agree(world.tenant, made)


def test_days_are_the_tenants_local_days_across_dst(world_a):
    """Hand-worked, New York: 04:30 UTC is 23:30 on 7 March (EST) but 00:30 on 1 November (EDT)."""
    world_a.tenant.time_zone = "America/New_York"
    world_a.tenant.save()
    account = AccountFactory(tenant=world_a.tenant, segment="smb", csm_owner=world_a.csm)
    record(world_a.tenant, ContactFactory(account=account), 9, EDGES[0])
    record(world_a.tenant, ContactFactory(account=account), 3, EDGES[2])
    assert stored_counts(world_a.tenant) == {
        (date(2026, 3, 7), 0, "smb", world_a.csm.pk): (1, 0, 0),
        (date(2026, 11, 1), 0, "smb", world_a.csm.pk): (0, 0, 1),
    }
    trend = reports.nps_trend(tenant=world_a.tenant, scope=reports.Scope(), interval="month")
    assert [(p.period_start, p.summary.responses) for p in trend] == [(date(2026, 3, 1), 1), (date(2026, 11, 1), 1)]


def test_an_amendment_moves_the_answer_from_promoter_to_detractor_in_its_day(world_a):
    account = AccountFactory(tenant=world_a.tenant, segment="smb")
    contact = ContactFactory(account=account)
    at = datetime(2026, 5, 4, 12, tzinfo=UTC)
    record(world_a.tenant, contact, 10, at)
    assert stored_counts(world_a.tenant) == {(date(2026, 5, 4), 0, "smb", 0): (1, 0, 0)}
    record(world_a.tenant, contact, 2, at + timedelta(hours=3))
    assert stored_counts(world_a.tenant) == {(date(2026, 5, 4), 0, "smb", 0): (0, 0, 1)}
    assert stored_counts(world_a.tenant, NpsMonthlyCount) == {(date(2026, 5, 1), 0, "smb", 0): (0, 0, 1)}
    SurveyResponse.objects.for_tenant(world_a.tenant).get().delete()
    assert stored_counts(world_a.tenant) == stored_counts(world_a.tenant, NpsMonthlyCount) == {}
    assert reports.nps_trend(tenant=world_a.tenant, scope=reports.Scope()) == []


def test_segment_and_csm_are_the_accounts_when_it_answered(world_a):
    account = AccountFactory(tenant=world_a.tenant, segment="enterprise", csm_owner=world_a.csm)
    record(world_a.tenant, ContactFactory(account=account), 10, datetime(2026, 2, 2, tzinfo=UTC))
    account.segment, account.csm_owner = "smb", world_a.admin
    account.save()
    record(world_a.tenant, ContactFactory(account=account), 0, datetime(2026, 2, 3, tzinfo=UTC))
    api = api_as(world_a.viewer)
    assert api.get("/api/v1/nps/summary/", {"segment": "enterprise"}).json()["promoters"] == 1
    assert api.get("/api/v1/nps/summary/", {"segment": "smb"}).json()["detractors"] == 1
    assert api.get("/api/v1/nps/summary/", {"csm": world_a.csm.pk}).json()["responses"] == 1
    assert api.get("/api/v1/nps/summary/", {"account": account.pk}).json()["responses"] == 2


def test_another_tenants_answers_and_counts_stay_out_of_a_tenants_reports(world_a, world_b):
    ours = AccountFactory(tenant=world_a.tenant, segment="enterprise", csm_owner=world_a.csm)
    theirs = AccountFactory(tenant=world_b.tenant, segment="enterprise", csm_owner=world_b.csm)
    at = datetime(2026, 6, 1, 12, tzinfo=UTC)
    record(world_a.tenant, ContactFactory(account=ours), 10, at)
    for n in range(3):
        record(world_b.tenant, ContactFactory(account=theirs), 0, at, key=f"b{n}")
    assert {r.tenant_id for r in NpsDailyCount.objects.for_tenant(world_a.tenant)} == {world_a.tenant.pk}
    api = api_as(world_a.viewer)
    assert api.get("/api/v1/nps/summary/", {"segment": "enterprise"}).json()["responses"] == 1
    month = api.get("/api/v1/nps/trend/", {"interval": "month"}).json()["points"]
    assert [(p["period_start"], p["responses"], p["nps"]) for p in month] == [("2026-06-01", 1, 100.0)]
    refused = api.get("/api/v1/nps/summary/", {"csm": world_b.csm.pk})
    assert refused.status_code == 400 and refused.json()["errors"][0]["attr"] == "csm"
    # A rebuild of one tenant leaves the other's counts alone.
    nps_rollup_rebuild(tenant_id=world_a.tenant.pk, time_zone=world_a.tenant.time_zone)
    assert stored_counts(world_b.tenant) == {(date(2026, 6, 1), 0, "enterprise", world_b.csm.pk): (0, 0, 3)}


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_concurrent_answers_in_one_days_counts_add_up():
    """Threads, each with its own connection, record answers counted in the same row at once."""
    tenant = TenantFactory()
    account = AccountFactory(tenant=tenant, segment="smb")
    contacts = [ContactFactory(account=account) for _ in range(24)]
    at = datetime(2026, 7, 1, 12, tzinfo=UTC)
    threads_count = 6
    barrier = threading.Barrier(threads_count)
    failures: list[BaseException] = []

    def answer(share) -> None:
        try:
            barrier.wait()
            for contact in share:
                record(tenant, contact, 10 if contact.pk % 2 else 5, at)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(contacts[i::threads_count],)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    assert failures == []
    promoters = sum(c.pk % 2 for c in contacts)
    assert stored_counts(tenant) == {(date(2026, 7, 1), 0, "smb", 0): (promoters, 0, len(contacts) - promoters)}
