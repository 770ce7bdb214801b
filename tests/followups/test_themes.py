"""Themes: keyword rules and hand tagging; departments and their queues."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from followups.keywords import KeywordRule, matching_rules, phrase_matches
from followups.models import Department, FollowUp, ResponseTheme, TaggedBy, Theme, ThemeKeywordRule
from followups.selectors import department_queues
from followups.services.closing import Outcome, followup_close
from followups.services.themes import response_themes_set, rules_apply_to_responses
from followups.services.working import activity_log
from tests.factories import ContactFactory
from tests.followups.conftest import followup_of, respond


@pytest.mark.parametrize(
    ("text", "phrase", "hit"),
    [
        ("The onboarding was slow", "onboarding", True),
        ("ONBOARDING took weeks", "onboarding", True),
        ("Single sign-on is missing", "sign-on", True),
        ("the price  is\nhigh", "price is high", True),
        ("Pricing is fine", "price", False),  # whole words only
        ("reprice", "price", False),
        ("anything", "   ", False),
    ],
)
def test_phrases_match_whole_words_in_any_case(text, phrase, hit):
    assert phrase_matches(text, phrase) is hit


def test_one_tag_per_theme_even_when_several_rules_match():
    rules = [KeywordRule(1, 10, "slow"), KeywordRule(2, 10, "laggy"), KeywordRule(3, 20, "invoice")]
    matched = matching_rules("Slow and laggy; invoice wrong", rules)
    assert [(r.rule_id, r.theme_id) for r in matched] == [(1, 10), (3, 20)]


@pytest.fixture
def themes_a(world_a):
    product = Department.objects.for_tenant(world_a.tenant).get(kind="product")
    billing = Department.objects.for_tenant(world_a.tenant).get(kind="billing")
    speed = Theme.objects.create(tenant=world_a.tenant, name="Performance", department=product)
    invoices = Theme.objects.create(tenant=world_a.tenant, name="Invoices", department=billing)
    ThemeKeywordRule.objects.create(tenant=world_a.tenant, theme=speed, phrase="slow")
    ThemeKeywordRule.objects.create(tenant=world_a.tenant, theme=invoices, phrase="invoice")
    return speed, invoices


def themes_of(response):
    tags = ResponseTheme.objects.for_tenant(response.tenant).filter(response=response)
    return {(t.theme.name, t.tagged_by) for t in tags}


@pytest.mark.django_db
def test_keyword_rules_tag_a_response_when_it_is_recorded(owned_a, themes_a):
    response = respond(owned_a, 4, "Dashboards are SLOW and the invoice was wrong")
    assert themes_of(response) == {("Performance", TaggedBy.RULE), ("Invoices", TaggedBy.RULE)}


@pytest.mark.django_db
def test_inactive_rules_and_themes_tag_nothing(owned_a, themes_a, world_a):
    speed, invoices = themes_a
    speed.is_active = False
    speed.save()
    ThemeKeywordRule.objects.for_tenant(world_a.tenant).filter(theme=invoices).update(is_active=False)
    assert themes_of(respond(owned_a, 4, "slow invoice")) == set()


@pytest.mark.django_db
def test_new_rules_tag_earlier_responses_once(owned_a, world_a):
    response = respond(owned_a, 6, "Support never answers")
    support = Department.objects.for_tenant(world_a.tenant).get(kind="support")
    theme = Theme.objects.create(tenant=world_a.tenant, name="Support delays", department=support)
    ThemeKeywordRule.objects.create(tenant=world_a.tenant, theme=theme, phrase="never answers")
    assert rules_apply_to_responses(tenant=world_a.tenant) == 1
    assert rules_apply_to_responses(tenant=world_a.tenant) == 0
    assert themes_of(response) == {("Support delays", TaggedBy.RULE)}


@pytest.mark.django_db
def test_rules_of_another_tenant_never_tag(owned_a, owned_b, themes_a):
    assert themes_of(respond(owned_b, 4, "slow invoice")) == set()


@pytest.mark.django_db
def test_people_set_a_responses_themes(owned_a, themes_a, world_a):
    _, invoices = themes_a
    response = respond(owned_a, 4, "slow")
    tags = response_themes_set(tenant=world_a.tenant, response=response, themes=[invoices], by=world_a.csm)
    assert [(t.theme, t.tagged_by, t.tagged_by_member) for t in tags] == [(invoices, TaggedBy.PERSON, world_a.csm)]


@pytest.mark.django_db
def test_another_tenants_theme_cannot_tag(owned_a, world_a, world_b):
    theirs = Theme.objects.create(
        tenant=world_b.tenant, name="X", department=Department.objects.for_tenant(world_b.tenant).first()
    )
    with pytest.raises(ValidationError):
        response_themes_set(tenant=world_a.tenant, response=respond(owned_a, 4), themes=[theirs])


WEDNESDAY_EVENING = datetime(2026, 11, 18, 19, 0, tzinfo=UTC)  # the tenant's zone is UTC


@pytest.mark.django_db
@time_machine.travel(WEDNESDAY_EVENING, tick=False)
def test_each_department_sees_its_open_items_and_time_to_respond(owned_a, themes_a, world_a):
    now = timezone.now()
    slow = followup_of(respond(owned_a, 3, "slow app"))
    # One answer per person and survey: each answer is another contact's.
    slow_too = followup_of(respond(ContactFactory(account=owned_a.account), 4, "slow reports"))
    invoice = followup_of(respond(ContactFactory(account=owned_a.account), 5, "invoice twice"))
    FollowUp.objects.for_tenant(world_a.tenant).filter(pk__in=[slow.pk, slow_too.pk, invoice.pk]).update(
        created_at=now - timedelta(hours=10)
    )
    activity_log(tenant=world_a.tenant, followup=slow, kind="call", at=now - timedelta(hours=8))
    FollowUp.objects.for_tenant(world_a.tenant).filter(pk=slow_too.pk).update(due_at=now - timedelta(minutes=1))
    invoice.refresh_from_db()
    followup_close(
        tenant=world_a.tenant,
        followup=invoice,
        outcome=Outcome(root_cause=_cause(world_a), product_mismatch=False, resolved=True),
    )
    queues = {q.department.kind: q for q in department_queues(tenant=world_a.tenant)}
    product, billing, sales = queues["product"], queues["billing"], queues["sales"]
    assert (product.open_items, product.overdue_items, product.items) == (2, 1, 2)
    assert product.themes == {"Performance": 2}
    assert product.median_hours_to_first_response == pytest.approx(2.0, abs=0.1)
    assert product.median_hours_to_close is None
    assert (billing.open_items, billing.items) == (0, 1)
    # Opened at 09:00, closed at 19:00: ten clock hours, eight business hours (09:00-17:00).
    assert billing.median_hours_to_close == pytest.approx(8.0, abs=0.1)
    assert (sales.open_items, sales.items) == (0, 0)


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 11, 30, 11, 0, tzinfo=UTC), tick=False)  # Monday 11:00 (the zone is UTC)
def test_department_response_times_skip_weekends_and_the_tenants_holidays(owned_a, themes_a, world_a, world_b):
    from accounts.models.tenant import ClosingDay

    world_a.tenant.country = "US"
    world_a.tenant.save()
    ClosingDay.objects.create(tenant=world_a.tenant, day=date(2026, 11, 25), name="Offsite")
    ClosingDay.objects.create(tenant=world_b.tenant, day=date(2026, 11, 30), name="Not A's")
    slow = followup_of(respond(owned_a, 3, "slow app"))
    tuesday_four_pm = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    FollowUp.objects.for_tenant(world_a.tenant).filter(pk=slow.pk).update(created_at=tuesday_four_pm)
    activity_log(tenant=world_a.tenant, followup=slow, kind="call", at=timezone.now())
    product = {q.department.kind: q for q in department_queues(tenant=world_a.tenant)}["product"]
    # Tuesday 16:00-17:00; Wednesday (closing day) and Thanksgiving nothing; Friday 09:00-17:00 (a
    # working day for the federal calendar); the weekend nothing; Monday 09:00-11:00, B's closing day
    # being B's only: 11 business hours of 139 clock hours.
    assert product.median_hours_to_first_response == pytest.approx(11.0, abs=0.01)


def _cause(world):
    from followups.models import RootCause

    return RootCause.objects.create(tenant=world.tenant, name="Billing error")
