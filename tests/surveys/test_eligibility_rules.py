"""The pure eligibility rules, edges included: exactly the interval, time zones, the account budget."""

from datetime import UTC, datetime, timedelta

from surveys.eligibility_rules import ContactFacts, Policy, eligibility

POLICY = Policy(interval_days=90, max_per_account=3, account_window_days=30, time_zone="UTC")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def facts(**kw) -> ContactFacts:
    return ContactFacts(**{"has_account": True, "email": "jo@example.com", **kw})


def check(f, *, policy=POLICY, channel="email", now=NOW):
    return eligibility(facts=f, policy=policy, channel=channel, now=now)


def test_a_contact_never_surveyed_is_eligible():
    assert check(facts()).eligible
    assert check(facts()).reasons == ()


def test_surveyed_41_days_ago_is_not_asked_and_says_so():
    result = check(facts(last_surveyed_at=NOW - timedelta(days=41)))
    assert not result.eligible
    assert result.reasons == ("surveyed 41 days ago (interval 90 days)",)


def test_exactly_90_days_later_the_contact_may_be_asked_again_but_not_a_day_before():
    assert check(facts(last_surveyed_at=NOW - timedelta(days=90))).eligible
    assert not check(facts(last_surveyed_at=NOW - timedelta(days=89))).eligible


def test_days_are_calendar_days_of_the_tenant_whatever_the_hour():
    # Surveyed at 23:30 UTC on 3 March = 00:30 on 4 March in Paris. On 1 June (local) that is 89 days in Paris.
    surveyed = datetime(2026, 3, 3, 23, 30, tzinfo=UTC)
    now = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    assert check(facts(last_surveyed_at=surveyed), now=now).eligible  # 90 days in UTC
    paris = Policy(interval_days=90, max_per_account=3, account_window_days=30, time_zone="Europe/Paris")
    result = check(facts(last_surveyed_at=surveyed), policy=paris, now=now)
    assert result.reasons == ("surveyed 89 days ago (interval 90 days)",)


def test_same_day_survey_reads_today():
    assert check(facts(last_surveyed_at=NOW - timedelta(hours=2))).reasons == ("surveyed today (interval 90 days)",)


def test_account_budget_counts_other_contacts_within_the_window():
    three = tuple(NOW - timedelta(days=d) for d in (1, 10, 29))
    result = check(facts(account_surveyed_at=three))
    assert result.reasons == ("account budget of 3 per 30 days used",)
    # The oldest falls out of the 30-day window exactly on day 30.
    aged = tuple(NOW - timedelta(days=d) for d in (1, 10, 30))
    assert check(facts(account_surveyed_at=aged)).eligible
    assert check(facts(account_surveyed_at=three[:2])).eligible


def test_unsubscribed_is_permanent_and_no_email_only_blocks_the_email_channel():
    gone = check(facts(unsubscribed_at=NOW - timedelta(days=400)))
    assert gone.reasons == ("unsubscribed on 2025-04-27",)
    assert check(facts(unsubscribed_at=NOW - timedelta(days=400)), channel="in_product").eligible is False
    assert check(facts(email=""), channel="email").reasons == ("has no email address",)
    assert check(facts(email=""), channel="in_product").eligible


def test_every_reason_is_listed_together():
    result = check(
        facts(
            has_account=True,
            email=" ",
            last_surveyed_at=NOW - timedelta(days=5),
            account_surveyed_at=(NOW,) * 3,
            audience_mismatch=("account segment is not enterprise",),
        )
    )
    assert result.reasons == (
        "account segment is not enterprise",
        "has no email address",
        "surveyed 5 days ago (interval 90 days)",
        "account budget of 3 per 30 days used",
    )
    assert result.as_dict()["eligible"] is False


def test_a_contact_without_an_account_or_with_a_pending_invitation_is_not_asked():
    assert check(facts(has_account=False)).reasons == ("not linked to an account",)
    assert check(facts(pending_send_at=NOW + timedelta(days=2))).reasons == (
        "an invitation is already scheduled for 2026-06-03",
    )
