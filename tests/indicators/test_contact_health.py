"""Contact level (User 360): adoption stages by the tenant's rules, latest survey, risk flags, and the API."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from indicators.scoring.contacts import account_contacts_health, contacts_health, survey_score
from tests.conftest import api_as
from tests.factories import AccountFactory, ContactFactory
from tests.indicators.health_data import event, store, usage_on

pytestmark = pytest.mark.django_db
NOW = datetime.now(UTC)


@pytest.fixture
def people(world_a):
    """One account whose contacts sit at every stage; the sponsor is dormant and the champion has left."""
    tenant = world_a.tenant
    account = AccountFactory(tenant=tenant, name="Acme")
    c = {
        name: ContactFactory(account=account, name=name, **flags)
        for name, flags in {
            "Habitual Hana": {},
            "Adopting Ada": {},
            "Activated Abe": {},
            "Invited Ivy": {},
            "Sponsor Sam": {"is_executive": True},
            "Champion Cleo": {"is_champion": True},
            "Exec Eve": {"is_executive": True},
        }.items()
    }
    Account.objects.for_tenant(tenant).filter(pk=account.pk).update(executive_sponsor=c["Sponsor Sam"])
    events = [
        *usage_on(account, c["Habitual Hana"], range(0, 28, 2), NOW),  # 14 days over all 4 weeks
        *usage_on(account, c["Adopting Ada"], [1, 2, 3, 4, 5], NOW),
        *usage_on(account, c["Activated Abe"], [3], NOW),
        *usage_on(account, c["Sponsor Sam"], [40], NOW),
        *usage_on(account, c["Champion Cleo"], [2, 3], NOW),
        *usage_on(account, c["Exec Eve"], [1, 2, 3, 4, 5, 6], NOW),
        event(account, c["Champion Cleo"], "relationship", "champion_left", NOW - timedelta(days=1)),
        event(account, c["Habitual Hana"], "survey", "nps_response", NOW - timedelta(days=50), score=3),
        event(account, c["Habitual Hana"], "survey", "nps_response", NOW - timedelta(days=5), score=9),
        event(account, c["Habitual Hana"], "survey", "nps_response", NOW - timedelta(days=4), score="eleven"),
        event(account, c["Adopting Ada"], "survey", "nps_response", NOW - timedelta(days=2), score=4),
    ]
    store(tenant, events)
    account.refresh_from_db()
    return account, c


def by_name(rows):
    return {str(r.contact): r for r in rows}


def test_each_contact_gets_its_adoption_stage_usage_and_latest_survey(world_a, people):
    account, _ = people
    rows = by_name(account_contacts_health(tenant=world_a.tenant, account=account, as_of=NOW))
    stages = {name: r.adoption_stage for name, r in rows.items()}
    assert stages == {
        "Habitual Hana": "habitual", "Adopting Ada": "adopting", "Activated Abe": "activated",
        "Invited Ivy": "invited", "Sponsor Sam": "dormant", "Champion Cleo": "left", "Exec Eve": "adopting",
    }  # fmt: skip
    hana = rows["Habitual Hana"]
    assert hana.values["active_days_30d"] == 14 and hana.values["usage_events_30d"] == 14
    assert hana.values["days_since_last_usage"] == 0
    assert hana.survey_score == 9 and hana.values["nps"] == 100  # the latest valid answer: a promoter
    assert rows["Adopting Ada"].survey_score == 4 and rows["Adopting Ada"].values["nps"] == -100
    assert rows["Invited Ivy"].survey_score is None and rows["Invited Ivy"].values["active_days_30d"] == 0
    assert rows["Sponsor Sam"].values["days_since_last_usage"] == 40
    assert rows["Champion Cleo"].left_at is not None


def test_sponsor_dormant_and_champion_gone_are_flagged_as_risks_and_listed_first(world_a, people):
    account, _ = people
    rows = account_contacts_health(tenant=world_a.tenant, account=account, as_of=NOW)
    flagged = {str(r.contact): [(x.kind, x.role) for x in r.risks] for r in rows if r.risks}
    assert flagged == {"Sponsor Sam": [("dormant", "executive sponsor")], "Champion Cleo": [("left", "champion")]}
    assert "40 days" in rows[0].risks[0].message or "40 days" in rows[1].risks[0].message
    # Key people (sponsor, champion, executives) come first, those at risk before the others.
    assert {str(r.contact) for r in rows[:2]} == {"Sponsor Sam", "Champion Cleo"} and str(rows[2].contact) == "Exec Eve"
    # An ordinary user going dormant is no account risk.
    ordinary = next(r for r in rows if str(r.contact) == "Activated Abe")
    assert ordinary.key_person is None and ordinary.risks == ()


def test_adoption_rules_follow_the_tenants_settings(world_a, people):
    account, _ = people
    world_a.tenant.settings = {"adoption_adopting_min_active_days": 6, "dormant_after_days": 60}
    world_a.tenant.save()
    stages = {str(r.contact): r.adoption_stage
              for r in account_contacts_health(tenant=world_a.tenant, account=account, as_of=NOW)}  # fmt: skip
    assert stages["Adopting Ada"] == "activated"  # 5 active days no longer make "adopting"
    assert stages["Exec Eve"] == "adopting"  # 6 do
    assert stages["Sponsor Sam"] == "activated"  # 40 idle days are not dormant at 60


def test_inconsistent_tenant_rules_fall_back_to_the_defaults(world_a, people):
    account, _ = people
    world_a.tenant.settings = {"adoption_adopting_min_active_days": 20, "adoption_habitual_min_active_days": 10}
    world_a.tenant.save()
    rows = by_name(account_contacts_health(tenant=world_a.tenant, account=account, as_of=NOW))
    assert rows["Adopting Ada"].adoption_stage == "adopting"


@pytest.mark.parametrize(
    ("properties", "expected"),
    [({"score": 7}, 7), ({"score": "10"}, 10), ({"score": 8.0}, 8), ({"score": 11}, None), ({"score": True}, None),
     ({"score": -1}, None), ({}, None), ([], None), ({"score": 6.5}, None)],
)  # fmt: skip
def test_survey_scores_are_read_only_when_they_are_a_whole_number_from_0_to_10(properties, expected):
    assert survey_score(properties) == expected


def test_contacts_of_many_accounts_cost_a_fixed_number_of_queries(world_a, people):
    account, _ = people
    with CaptureQueriesContext(connection) as one:
        contacts_health(tenant=world_a.tenant, account_ids=[account.pk], as_of=NOW)
    more = []
    for _ in range(3):
        other = AccountFactory(tenant=world_a.tenant)
        contacts = ContactFactory.create_batch(4, account=other)
        store(world_a.tenant, [e for c in contacts for e in usage_on(other, c, [1, 2], NOW)])
        more.append(other.pk)
    with CaptureQueriesContext(connection) as many:
        result = contacts_health(tenant=world_a.tenant, account_ids=[account.pk, *more], as_of=NOW)
    assert len(many) == len(one) <= 12
    assert sum(len(rows) for rows in result.values()) == 7 + 12


def test_another_tenants_accounts_are_simply_absent(world_a, world_b, people):
    account, _ = people
    theirs = AccountFactory(tenant=world_b.tenant)
    ContactFactory(account=theirs)
    assert set(contacts_health(tenant=world_a.tenant, account_ids=[account.pk, theirs.pk])) == {account.pk}


def test_api_lists_each_contact_with_stage_indicators_survey_and_risks(key_client_a, people):
    account, c = people
    response = key_client_a.get(f"/api/v1/accounts/{account.pk}/contacts/health")
    assert response.status_code == 200
    body = response.json()
    assert body["account"] == account.pk and body["at_risk"] == 2
    assert body["rules"] == {"adopting_min_active_days": 4, "habitual_min_active_days": 12,
                             "habitual_min_active_weeks": 3, "dormant_after_days": 30}  # fmt: skip
    rows = {r["name"]: r for r in body["contacts"]}
    assert len(rows) == 7
    hana = rows["Habitual Hana"]
    assert hana["id"] == c["Habitual Hana"].pk and hana["adoption_stage"] == "habitual"
    assert hana["survey_score"] == 9 and hana["survey_at"] is not None
    assert hana["indicators"]["active_days_30d"] == 14 and hana["risks"] == []
    sam = rows["Sponsor Sam"]
    assert sam["is_executive_sponsor"] is True
    assert sam["risks"][0]["kind"] == "dormant" and "Sponsor Sam" in sam["risks"][0]["message"]
    assert rows["Champion Cleo"]["adoption_stage"] == "left" and rows["Champion Cleo"]["left_at"]


@pytest.mark.parametrize("role", ["admin", "csm", "viewer"])
def test_every_role_of_the_tenant_may_read_it(role, world_a, people):
    account, _ = people
    assert api_as(getattr(world_a, role)).get(f"/api/v1/accounts/{account.pk}/contacts/health").status_code == 200


def test_an_account_without_contacts_has_an_empty_list(key_client_a, world_a):
    account = AccountFactory(tenant=world_a.tenant)
    body = key_client_a.get(f"/api/v1/accounts/{account.pk}/contacts/health").json()
    assert body["contacts"] == [] and body["at_risk"] == 0


def test_another_tenants_account_is_404_and_reveals_nothing(world_a, world_b):
    theirs = AccountFactory(tenant=world_b.tenant)
    ContactFactory(account=theirs, name="Their Person")
    for client in (api_as(world_a.admin), api_as(world_a.viewer)):
        response = client.get(f"/api/v1/accounts/{theirs.pk}/contacts/health")
        assert response.status_code == 404 and "Their Person" not in response.content.decode()
    assert api_as(world_a.admin).get("/api/v1/accounts/999999999/contacts/health").status_code == 404


def test_writes_are_not_allowed(key_client_a, world_a):
    account = AccountFactory(tenant=world_a.tenant)
    assert key_client_a.post(f"/api/v1/accounts/{account.pk}/contacts/health", {}).status_code == 405
