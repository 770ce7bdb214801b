import pytest

from accounts.models import Contact
from tests.conftest import api_as
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_contact_upsert_by_external_id(key_client_a, world_a):
    account = AccountFactory(tenant=world_a.tenant)
    url = "/api/v1/contacts/by-external-id/u-42"
    first = key_client_a.put(url, {"account": account.pk, "email": "ada@customer.example"}, format="json")
    assert first.status_code == 201, first.json()
    second = key_client_a.put(url, {"title": "CTO", "is_executive": True}, format="json")
    assert second.status_code == 200
    contact = Contact.objects.for_tenant(world_a.tenant).get(external_id="u-42")
    assert (contact.email, contact.title, contact.is_executive) == ("ada@customer.example", "CTO", True)


def test_reports_to_must_stay_within_the_account(key_client_a, world_a):
    boss = ContactFactory(account=AccountFactory(tenant=world_a.tenant))
    contact = ContactFactory(account=AccountFactory(tenant=world_a.tenant))
    response = key_client_a.patch(f"/api/v1/contacts/{contact.pk}/", {"reports_to": boss.pk}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["attr"] == "reports_to"


def test_contacts_filter_by_account_and_flags(key_client_a, world_a):
    account = AccountFactory(tenant=world_a.tenant)
    ContactFactory(account=account, is_executive=True, name="Exec")
    ContactFactory(account=account, name="IC")
    ContactFactory(account=AccountFactory(tenant=world_a.tenant))
    found = key_client_a.get(f"/api/v1/contacts/?account={account.pk}&is_executive=true").json()["results"]
    assert [c["name"] for c in found] == ["Exec"]


def test_csm_updates_contacts_of_their_accounts_only(world_a):
    mine = ContactFactory(account=AccountFactory(tenant=world_a.tenant, csm_owner=world_a.csm))
    other = ContactFactory(account=AccountFactory(tenant=world_a.tenant))
    csm = api_as(world_a.csm)
    assert csm.patch(f"/api/v1/contacts/{mine.pk}/", {"is_champion": True}, format="json").status_code == 200
    assert csm.patch(f"/api/v1/contacts/{other.pk}/", {"is_champion": True}, format="json").status_code == 403
