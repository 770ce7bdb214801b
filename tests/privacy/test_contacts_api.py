"""/api/v1/privacy/contacts/{id}/erase/ and /export/: the tenant's admins (and `write` keys) alone."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Contact
from accounts.roles import Scope
from accounts.services.api_keys import api_key_create
from privacy.models import PrivacyAction, PrivacyRecord
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


def erase_url(contact) -> str:
    return f"/api/v1/privacy/contacts/{contact.pk}/erase/"


def export_url(contact) -> str:
    return f"/api/v1/privacy/contacts/{contact.pk}/export/"


def key_client(tenant, scopes) -> APIClient:
    _, plaintext = api_key_create(tenant=tenant, name="privacy", scopes=scopes)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


def test_an_admin_erases_a_contact_and_gets_the_counts(world_a, person_a):
    response = api_as(world_a.admin).post(erase_url(person_a.contact), {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["contact_id"] == person_a.contact.pk
    assert response.json()["counts"]["accounts.Contact"] == 1
    record = PrivacyRecord.objects.get(action=PrivacyAction.CONTACT_ERASED)
    assert record.actor == f"user:{world_a.admin.user_id}"


def test_another_tenants_contact_is_not_found_and_stays_as_it_was(world_a, person_b):
    for url in (erase_url(person_b.contact), export_url(person_b.contact)):
        assert api_as(world_a.admin).post(url, {}, format="json").status_code == 404
    assert Contact.objects.for_tenant(person_b.contact.tenant).get(pk=person_b.contact.pk).name == "Jane Quill"
    assert not PrivacyRecord.objects.exists()


def test_csms_viewers_and_read_keys_may_neither_erase_nor_export(world_a, person_a):
    for client in (api_as(world_a.csm), api_as(world_a.viewer), key_client(world_a.tenant, [Scope.READ])):
        assert client.post(erase_url(person_a.contact), {}, format="json").status_code == 403
        assert client.post(export_url(person_a.contact), {}, format="json").status_code == 403
    assert Contact.objects.for_tenant(world_a.tenant).get(pk=person_a.contact.pk).name == "Jane Quill"


def test_a_write_key_erases_and_is_named_by_its_prefix_in_the_audit(world_a, person_a):
    response = key_client(world_a.tenant, [Scope.WRITE]).post(erase_url(person_a.contact), {}, format="json")
    assert response.status_code == 200
    assert PrivacyRecord.objects.get().actor.startswith("key:csp_")


def test_an_unknown_body_field_or_query_parameter_is_a_400_naming_it(world_a, person_a):
    client = api_as(world_a.admin)
    response = client.post(erase_url(person_a.contact), {"confirm": True}, format="json")
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("confirm", "unknown_field")]
    response = client.post(export_url(person_a.contact) + "?fields=email", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "fields"
    assert Contact.objects.for_tenant(world_a.tenant).get(pk=person_a.contact.pk).name == "Jane Quill"


def test_the_export_holds_the_contact_their_events_answers_follow_ups_and_audit_trail(world_a, person_a, person_b):
    response = api_as(world_a.admin).post(export_url(person_a.contact), {}, format="json")
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert rows["accounts.Contact"][0]["email"] == "jane.quill@customer.test"
    assert {e["id"] for e in rows["indicators.Event"]} >= set(person_a.event_ids[:1])
    assert rows["surveys.SurveyResponse"][0]["comment"].startswith("Exports are far too slow")
    assert rows["followups.FollowUp"] and rows["followups.Activity"]
    assert {h["title"] for h in rows["accounts.HistoricalContact"]} == {"Chief Quill Officer", "VP Finance"}
    every_row = [row for found in rows.values() for row in found]
    assert {row["tenant_id"] for row in every_row} == {world_a.tenant.pk}  # nothing of B's namesake
    assert PrivacyRecord.objects.get().action == PrivacyAction.CONTACT_EXPORTED
