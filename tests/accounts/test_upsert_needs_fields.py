"""Creating a row by external id takes the same required fields as creating it with POST: never a blank row."""

import pytest

from accounts.models import Account, Contact
from outcomes.models import Renewal
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def attrs(response) -> set[str]:
    return {e["attr"] for e in response.json()["errors"]}


@pytest.mark.parametrize("body", [None, {}], ids=["no body", "empty object"])
def test_put_by_external_id_without_fields_creates_no_blank_contact(key_client_a, world_a, body):
    response = key_client_a.put("/api/v1/contacts/by-external-id/c-1", body, format="json")
    assert response.status_code == 400, response.content
    assert attrs(response) == {"email", "name"}
    assert not Contact.objects.for_tenant(world_a.tenant).exists()


def test_post_without_an_email_or_a_name_creates_no_contact(key_client_a, world_a):
    response = key_client_a.post("/api/v1/contacts/", {"external_id": "c-9", "is_champion": True}, format="json")
    assert response.status_code == 400 and attrs(response) == {"email", "name"}
    assert not Contact.objects.for_tenant(world_a.tenant).exists()


def test_a_contact_with_an_email_or_a_name_is_created_and_later_updated_by_any_field(key_client_a, world_a):
    url = "/api/v1/contacts/by-external-id/c-2"
    assert key_client_a.put(url, {"email": "ann@example.com"}, format="json").status_code == 201
    assert key_client_a.put(url, {"is_champion": True}, format="json").status_code == 200
    assert key_client_a.put(url, {}, format="json").status_code == 200  # nothing to change: still the one row
    assert Contact.objects.for_tenant(world_a.tenant).get(external_id="c-2").is_champion
    assert (
        key_client_a.post("/api/v1/contacts/", {"external_id": "c-8", "name": "Bo"}, format="json").status_code == 201
    )


def test_an_existing_contact_without_a_name_can_still_be_updated(key_client_a, world_a):
    contact = ContactFactory(account=AccountFactory(tenant=world_a.tenant), external_id="c-3", email="", name="")
    response = key_client_a.patch(f"/api/v1/contacts/{contact.pk}/", {"title": "CTO"}, format="json")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "url, model, required",
    [
        ("/api/v1/accounts/by-external-id/a-1", Account, {"name"}),
        ("/api/v1/renewals/by-external-id/r-1", Renewal, {"account", "term_end"}),
    ],
)
@pytest.mark.parametrize("body", [None, {}], ids=["no body", "empty object"])
def test_other_upserts_by_external_id_name_their_required_fields(key_client_a, world_a, url, model, required, body):
    response = key_client_a.put(url, body, format="json")
    assert response.status_code == 400, response.content
    assert required <= attrs(response)
    assert not model.objects.for_tenant(world_a.tenant).exists()
