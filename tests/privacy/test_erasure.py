"""Erasing a contact: their personal data leaves every table, the figures built on their rows stay."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Contact
from indicators.models import Event
from privacy.models import PrivacyAction, PrivacyRecord
from privacy.services.erasure import contact_erase
from surveys.models import SurveyResponse
from tests.privacy.conftest import PERSONAL, personal_values_in

pytestmark = pytest.mark.django_db


def test_after_erasure_no_table_of_the_tenant_holds_any_of_the_persons_values(world_a, person_a):
    assert personal_values_in(world_a.tenant.pk)  # the scan finds them before: it can fail
    contact_erase(tenant=world_a.tenant, contact=person_a.contact, actor="command")
    assert personal_values_in(world_a.tenant.pk) == []


def test_erasure_keeps_scores_events_and_the_keys_figures_read(world_a, person_a):
    events_before = Event.objects.for_tenant(world_a.tenant).count()
    contact_erase(tenant=world_a.tenant, contact=person_a.contact, actor="command")
    response = SurveyResponse.objects.for_tenant(world_a.tenant).get(pk=person_a.response_id)
    assert (response.score, response.comment, response.contact_id) == (3, "", person_a.contact.pk)
    assert Event.objects.for_tenant(world_a.tenant).count() == events_before
    nps = Event.objects.for_tenant(world_a.tenant).get(contact=person_a.contact, type="survey")
    assert nps.properties["score"] == 3 and nps.properties["response_id"] == person_a.response_id
    assert "comment" not in nps.properties
    usage = Event.objects.for_tenant(world_a.tenant).get(pk=person_a.event_ids[0])
    assert (usage.user_id, usage.anonymous_id, usage.properties) == ("", "", {})
    contact = Contact.objects.for_tenant(world_a.tenant).get(pk=person_a.contact.pk)
    assert (contact.name, contact.email, contact.title, contact.external_id) == ("", "", "", f"erased-{contact.pk}")
    assert contact.account_id == person_a.contact.account_id


def test_erasing_twice_changes_nothing_the_second_time(world_a, person_a):
    first = contact_erase(tenant=world_a.tenant, contact=person_a.contact, actor="command")
    second = contact_erase(tenant=world_a.tenant, contact=person_a.contact, actor="command")
    assert first["accounts.Contact"] == 1 and first["indicators.Event"] == 3
    assert first["alerts.Alert"] == 1 and first["notifications.OutboxEvent"] == 1
    assert second == {}


def test_the_audit_entry_names_ids_and_counts_but_no_personal_value(world_a, person_a):
    counts = contact_erase(tenant=world_a.tenant, contact=person_a.contact, actor=f"user:{world_a.admin.user_id}")
    record = PrivacyRecord.objects.get(action=PrivacyAction.CONTACT_ERASED)
    assert (record.tenant_id, record.subject_id, record.actor) == (
        world_a.tenant.pk, str(person_a.contact.pk), f"user:{world_a.admin.user_id}",
    )  # fmt: skip
    assert record.counts == counts
    text = f"{record.actor} {record.subject_id} {record.counts}".casefold()
    assert not [value for value in PERSONAL if value.casefold() in text]


def test_erasing_a_contact_of_tenant_a_leaves_tenant_bs_namesake_untouched(world_a, world_b, person_a, person_b):
    before = personal_values_in(world_b.tenant.pk)
    contact_erase(tenant=world_a.tenant, contact=person_a.contact, actor="command")
    assert personal_values_in(world_b.tenant.pk) == before != []


def test_a_contact_of_another_tenant_is_refused(world_a, person_b):
    with pytest.raises(ValidationError):
        contact_erase(tenant=world_a.tenant, contact=person_b.contact, actor="command")
    assert Contact.objects.for_tenant(person_b.contact.tenant).get(pk=person_b.contact.pk).name == "Jane Quill"


def test_the_consoles_change_log_no_longer_names_the_contact(world_a, person_a):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    entry = LogEntry.objects.create(
        user=world_a.admin.user, content_type=ContentType.objects.get_for_model(Contact),
        object_id=str(person_a.contact.pk), object_repr="Jane Quill", action_flag=CHANGE, change_message="[]",
    )  # fmt: skip
    contact_erase(tenant=world_a.tenant, contact=person_a.contact, actor="command")
    entry.refresh_from_db()
    assert entry.object_repr == "[erased]"
