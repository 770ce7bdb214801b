"""The demo tenant's events: every kind, a weekly rhythm, believable trends, rollups that add up, idempotent."""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, time, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Account, Tenant
from demo.events import account_trend, demo_customers, demo_events_plan, demo_events_seed
from demo.people import demo_tenant_seed
from indicators.api.serializers import EVENT_SERIALIZERS
from indicators.ingest.store import events_store
from indicators.models import AccountDay, ContactDay, Event, EventType, Feature, HealthScoreHistory, Product
from outcomes.models import AnalysisKind, Outcome, OutcomeAnalysis, Renewal
from outcomes.services.ledger import ledgers_reconcile

pytestmark = pytest.mark.django_db

DAYS = 120  # the sample's window: enough for "60 to 90 days ago"
NAMES = {
    "support": {"ticket_opened", "ticket_closed", "ticket_escalated"},
    "communication": {"email", "call", "meeting", "business_review"},
    "content": {"marketing", "educational", "upsell"},
    "commercial": {"renewal", "expansion", "downsell", "refund_request", "discount_request", "churn", "escalation"},
    "relationship": {"contact_added", "contact_left", "champion_left", "executive_sponsor_engaged"},
    "lifecycle": {"first_value_reached", "onboarding_milestone"},
}


@dataclass
class Sample:
    tenant: Tenant
    accounts: dict[str, Account]  # by external id
    trends: dict[str, str]
    inserted: int
    now: object


def pick(accounts: list[Account], today) -> list[str]:
    """A cross-section: some accounts of every trend, churned ones that churned inside the window."""
    by_trend = defaultdict(list)
    for a in accounts:
        by_trend[account_trend(a.external_id, a.lifecycle_stage)].append(a)
    by_trend["declining"].sort(key=lambda a: a.segment == "smb")  # the bigger ones first: more usage to compare
    chosen = by_trend["declining"][:10] + by_trend["stable"][:8] + by_trend["growing"][:6] + by_trend["onboarding"][:4]
    chosen += [a for a in by_trend["churned"] if a.renewal_on > today - timedelta(days=DAYS - 30)][:3]
    return [a.external_id for a in chosen]


@pytest.fixture(scope="class")
def sample(django_db_setup, django_db_blocker):
    """The demo tenant with its sample's events, built once for the class that uses it and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        tenant, now = demo_tenant_seed().tenant, timezone.now()
        chosen = pick(list(Account.objects.for_tenant(tenant)), now.astimezone(UTC).date())
        inserted = demo_events_seed(tenant=tenant, accounts=chosen, days=DAYS, now=now)
        accounts = {a.external_id: a for a in Account.objects.for_tenant(tenant).filter(external_id__in=chosen)}
        trends = {ext: account_trend(ext, a.lifecycle_stage) for ext, a in accounts.items()}
        yield Sample(tenant, accounts, trends, inserted, now)
        transaction.set_rollback(True)


def events(sample: Sample, **filters):
    return Event.objects.for_tenant(sample.tenant).filter(**filters)


def usage_between(sample: Sample, account: Account, newest: int, oldest: int) -> int:
    """Usage events from ``oldest`` up to ``newest`` days ago (inclusive)."""
    today = sample.now.astimezone(UTC).date()
    days = AccountDay.objects.for_tenant(sample.tenant).filter(
        account=account, day__gte=today - timedelta(days=oldest), day__lte=today - timedelta(days=newest)
    )
    return days.aggregate(n=Sum("usage_events"))["n"] or 0


class TestASampleOfTheDemoAccounts:
    """Events for a cross-section of the demo accounts over the last DAYS days (the fast path)."""

    def test_every_kind_of_event_is_there_with_its_properties(self, sample):
        assert sample.inserted == events(sample).count() > 5000
        by_type = Counter(events(sample).values_list("type", flat=True))
        assert set(by_type) == set(EventType.values) - {EventType.SURVEY}  # survey answers come from surveys
        assert by_type[EventType.USAGE] > sum(by_type.values()) * 0.7
        for type_, names in NAMES.items():
            assert set(events(sample, type=type_).values_list("name", flat=True)) <= names, type_
        assert {
            "ticket_opened", "ticket_closed", "ticket_escalated", "email", "call", "meeting", "business_review",
            "marketing", "educational", "contact_added", "executive_sponsor_engaged", "onboarding_milestone",
            "first_value_reached", "renewal", "churn",
        } <= set(events(sample).values_list("name", flat=True))  # fmt: skip
        assert not events(sample, account=None).exists()
        csm_of = {a.pk: a.csm_owner_id for a in sample.accounts.values()}
        for event in events(sample).exclude(type=EventType.USAGE).iterator():
            p = event.properties
            match event.type:
                case EventType.SUPPORT:
                    assert p["ticket_id"] and p["severity"] in {"low", "normal", "high", "urgent"}
                case EventType.COMMUNICATION:
                    assert p["direction"] in {"proactive", "reactive"} and p["csm"] == csm_of[event.account_id]
                case EventType.CONTENT:
                    assert p["content_id"] and p["title"] and p["format"]
                case EventType.COMMERCIAL:
                    assert Decimal(p["amount"]) >= 0 and p["currency"] == "USD"
                case EventType.LIFECYCLE:
                    assert p["milestone"]
        directions = set(events(sample, type=EventType.COMMUNICATION).values_list("properties__direction", flat=True))
        assert directions == {"proactive", "reactive"}

    def test_every_non_usage_event_is_one_the_events_api_would_store_as_it_is(self, sample):
        checked = Counter()
        for event in events(sample).exclude(type=EventType.USAGE):
            body = {"type": event.type, "name": event.name, "account": event.account_id,
                    "occurred_at": event.occurred_at.isoformat(), "properties": event.properties}  # fmt: skip
            if event.contact_id:
                body["contact"] = event.contact_id
            serializer = EVENT_SERIALIZERS[event.type](data=body, context={"tenant": sample.tenant})
            assert serializer.is_valid(), (event.type, event.name, serializer.errors)
            assert serializer.validated_data["properties"] == event.properties, (event.type, event.name)
            checked[event.type] += 1
        assert set(checked) == set(NAMES)

    def test_usage_names_the_catalogue_features_and_core_value_features_are_used(self, sample):
        products = Product.objects.for_tenant(sample.tenant)
        features = Feature.objects.for_tenant(sample.tenant)
        assert products.count() == 3 and features.count() == 15
        assert not features.filter(product=None).exists()
        core = set(features.filter(is_core_value=True).values_list("key", flat=True))
        assert 3 <= len(core) <= 5
        used = Counter(events(sample, type=EventType.USAGE).values_list("name", flat=True))
        assert set(used) <= set(features.values_list("key", flat=True))
        assert core & set(used)

    def test_weekdays_are_busier_than_weekends(self, sample):
        per_weekday = Counter()
        for day, n in AccountDay.objects.for_tenant(sample.tenant).values_list("day", "usage_events"):
            per_weekday[day.weekday()] += n
        weekday = sum(per_weekday[d] for d in range(5)) / 5
        weekend = (per_weekday[5] + per_weekday[6]) / 2
        assert weekday > 4 * weekend > 0

    def test_declining_accounts_use_less_lately_and_the_others_do_not(self, sample):
        # The draws change from day to day (they are named by date), so the bounds leave room for chance.
        usage = {
            ext: (usage_between(sample, a, 1, 30), usage_between(sample, a, 60, 89))
            for ext, a in sample.accounts.items()
        }
        declining = [usage[ext] for ext, trend in sample.trends.items() if trend == "declining"]
        assert len(declining) == 10
        assert sum(recent for recent, _ in declining) < 0.5 * sum(before for _, before in declining)
        busy = [(recent, before) for recent, before in declining if before >= 50]
        assert len(busy) >= 3
        assert all(recent < before for recent, before in busy), busy
        steady = [usage[ext] for ext, trend in sample.trends.items() if trend in ("stable", "growing")]
        assert sum(recent for recent, _ in steady) > 0.8 * sum(before for _, before in steady)

    def test_accounts_are_silent_before_kickoff_and_churned_ones_before_their_churn_date(self, sample):
        for account in sample.accounts.values():
            assert not events(sample, account=account, occurred_at__date__lt=account.onboarding_started_on).exists()
        churned = [a for a in sample.accounts.values() if a.lifecycle_stage == "churned"]
        assert churned
        for account in churned:
            silent_from = account.renewal_on - timedelta(days=14)
            assert not events(sample, account=account, type="usage", occurred_at__date__gte=silent_from).exists()
            assert not events(sample, account=account, occurred_at__date__gt=account.renewal_on).exists()
            [churn] = events(sample, account=account, name="churn")
            assert churn.occurred_at.date() == account.renewal_on
        onboarding = [a for a in sample.accounts.values() if a.lifecycle_stage == "onboarding"]
        assert events(
            sample, account__in=onboarding, name="onboarding_milestone", properties__milestone="kickoff"
        ).exists()
        assert not events(sample, account__in=onboarding, properties__milestone="onboarding_completed").exists()

    def test_rollups_match_the_events(self, sample):
        for account in sample.accounts.values():
            days = AccountDay.objects.for_tenant(sample.tenant).filter(account=account)
            totals = days.aggregate(events=Sum("events"), usage=Sum("usage_events"))
            assert (totals["events"] or 0) == events(sample, account=account).count()
            assert (totals["usage"] or 0) == events(sample, account=account, type="usage").count()
            by_feature = Counter()
            for row in days.values_list("by_feature", flat=True):
                by_feature.update(row)
            assert by_feature == Counter(events(sample, account=account, type="usage").values_list("name", flat=True))
        contact_days = ContactDay.objects.for_tenant(sample.tenant).aggregate(n=Sum("events"))["n"]
        assert contact_days == events(sample).exclude(contact=None).count()
        marked = Account.objects.for_tenant(sample.tenant).exclude(needs_recompute_since=None)
        assert set(marked.values_list("external_id", flat=True)) == set(sample.accounts)

    def test_a_second_run_adds_nothing_because_the_message_ids_are_the_same(self, sample):
        before = events(sample).count()

        assert demo_events_seed(tenant=sample.tenant, accounts=list(sample.accounts), days=DAYS, now=sample.now) == 0

        assert events(sample).count() == before
        # The plan itself is deterministic: stored again directly, every event is a known duplicate.
        customers = demo_customers(sample.tenant, list(sample.accounts)[:3], sample.now)
        plan = demo_events_plan(customers, today=sample.now.astimezone(UTC).date(), days=DAYS)
        with transaction.atomic():
            stored = events_store(tenant=sample.tenant, events=plan)
        assert (len(stored.inserted), stored.duplicates) == (0, len(plan))


@pytest.mark.django_db(transaction=True)  # real commits: the recomputes they trigger run as in `make run`
def test_seed_demo_stores_six_months_of_events_once():
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    tenant = Tenant.objects.get(slug="demo")
    total = Event.objects.for_tenant(tenant).count()
    assert 90_000 <= total <= 150_000
    assert f"{total:,} events ({total:,} new)" in out.getvalue()
    # Six months of activity; survey answers imported from an earlier tool may be older.
    oldest = Event.objects.for_tenant(tenant).exclude(type="survey").order_by("occurred_at").first().occurred_at
    assert timezone.now() - oldest < timedelta(days=183)
    assert Event.objects.for_tenant(tenant).values("account").distinct().count() > 250
    # No transient scores: every history point is a back-filled day's end in the tenant's calendar, or today's.
    zone = ZoneInfo(tenant.time_zone)
    moments = set(HealthScoreHistory.objects.for_tenant(tenant).values_list("at", flat=True))
    latest = max(moments)
    assert {m for m in moments if m != latest and m.astimezone(zone).time() != time.max} == set()
    # Three years of renewals, churn among them, a ledger that adds up, and the indicator ranking run on them.
    closed = Renewal.objects.for_tenant(tenant).exclude(outcome=Outcome.PENDING)
    renewals, churned = closed.count(), closed.filter(outcome=Outcome.CHURNED).count()
    assert 400 <= renewals <= 480 and 0.10 <= churned / renewals <= 0.15
    assert f"{renewals:,} closed renewals ({churned:,} churned)" in out.getvalue()
    assert ledgers_reconcile(tenant=tenant) == 0
    rankings = OutcomeAnalysis.objects.for_tenant(tenant).filter(kind=AnalysisKind.INDICATORS)
    assert sorted(rankings.values_list("lead_days", "churned")) == [(90, churned), (180, churned)]
    # and the forecast made from them: the tenant's own model, every pending renewal forecast
    forecast = OutcomeAnalysis.objects.for_tenant(tenant).get(kind=AnalysisKind.FORECAST)
    assert forecast.result["method"] == "logistic" and forecast.churned == churned
    pending = Renewal.objects.for_tenant(tenant).filter(outcome=Outcome.PENDING)
    assert pending.filter(forecast__probability__isnull=False).count() == pending.count() > 0
    day = timezone.now().astimezone(UTC).date()

    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())

    if timezone.now().astimezone(UTC).date() == day:  # across midnight (UTC) a new day of events is due
        assert f"{total:,} events (0 new)" in out.getvalue()
        assert closed.count() == renewals and rankings.count() == 2  # (the forecast is made again, as daily)
    assert re.search(r"300 accounts, [\d,]+ contacts", out.getvalue())
