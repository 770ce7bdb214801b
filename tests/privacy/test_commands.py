"""The operator commands: erase, export a contact, export a tenant, schedule and cancel a deletion."""

import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Contact, Tenant
from privacy.models import PrivacyAction, PrivacyRecord, TenantDeletion, TenantExport
from privacy.storage import private_storage

pytestmark = pytest.mark.django_db


def test_erase_contact_by_external_id_erases_that_tenants_contact_only(world_a, world_b, person_a, person_b, capsys):
    call_command("erase_contact", "--tenant", "alpha", "--external-id", "user-jane-0001")
    assert json.loads(capsys.readouterr().out)["counts"]["accounts.Contact"] == 1
    assert Contact.objects.for_tenant(world_a.tenant).get(pk=person_a.contact.pk).email == ""
    assert Contact.objects.for_tenant(world_b.tenant).get(pk=person_b.contact.pk).email == "jane.quill@customer.test"
    assert PrivacyRecord.objects.get().actor == "command"


def test_a_contact_id_of_another_tenant_is_an_error(world_a, person_b):
    with pytest.raises(CommandError, match="no contact"):
        call_command("erase_contact", "--tenant", "alpha", "--contact-id", str(person_b.contact.pk))


def test_export_contact_prints_their_rows(world_a, person_a, capsys):
    call_command("export_contact", "--tenant", "alpha", "--contact-id", str(person_a.contact.pk))
    assert json.loads(capsys.readouterr().out)["rows"]["accounts.Contact"][0]["name"] == "Jane Quill"
    assert PrivacyRecord.objects.get().action == PrivacyAction.CONTACT_EXPORTED


def test_export_tenant_writes_the_zip_of_that_tenant(world_a, world_b, person_b, capsys):
    call_command("export_tenant", "--tenant", "alpha")
    export = TenantExport.objects.for_tenant(world_a.tenant).get()
    with zipfile.ZipFile(private_storage().path(export.file_name)) as archive:
        assert "Jane" not in archive.read("accounts_contact.jsonl").decode()
        assert archive.read("accounts_membership.jsonl").decode().count("\n") == 3


def test_schedule_then_cancel_a_deletion_from_the_command_line(world_a, capsys):
    call_command("schedule_tenant_deletion", "--tenant", "alpha", "--grace-days", "0")
    call_command("schedule_tenant_deletion", "--tenant", "alpha")
    assert "already scheduled" in capsys.readouterr().out
    call_command("schedule_tenant_deletion", "--tenant", "alpha", "--cancel")
    assert TenantDeletion.objects.for_tenant(world_a.tenant).get().cancelled_at is not None


def test_delete_due_tenants_deletes_a_due_tenant(world_a, world_b, capsys):
    call_command("schedule_tenant_deletion", "--tenant", "alpha", "--grace-days", "0")
    call_command("delete_due_tenants")
    assert not Tenant.objects.filter(pk=world_a.tenant.pk).exists()
    assert Tenant.objects.filter(pk=world_b.tenant.pk).exists()
    assert PrivacyRecord.objects.filter(tenant_id=world_a.tenant.pk, action=PrivacyAction.TENANT_DELETED).exists()
