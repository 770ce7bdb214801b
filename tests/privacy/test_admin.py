"""The console: contact actions, the exports page and the deletion page are the active tenant's admins' alone."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from accounts.models import Contact
from privacy.models import PrivacyAction, PrivacyRecord, TenantDeletion, TenantExport
from tests.conftest import session_client

pytestmark = pytest.mark.django_db

CONTACTS = "/admin/accounts/contact/"


def act(client, action: str, ids, **extra):
    return client.post(CONTACTS, {"action": action, "_selected_action": [str(i) for i in ids], **extra})


def test_erasing_from_the_contact_list_asks_first_then_erases(client, world_a, person_a):
    console = session_client(client, world_a.admin)
    asked = act(console, "erase_contacts", [person_a.contact.pk])
    assert asked.status_code == 200 and "This cannot be undone" in asked.content.decode()
    assert Contact.objects.for_tenant(world_a.tenant).get(pk=person_a.contact.pk).name == "Jane Quill"
    done = act(console, "erase_contacts", [person_a.contact.pk], confirm="yes")
    assert done.status_code == 302
    assert Contact.objects.for_tenant(world_a.tenant).get(pk=person_a.contact.pk).name == ""
    assert PrivacyRecord.objects.get().actor == f"user:{world_a.admin.user_id}"


def test_another_tenants_contact_id_in_the_action_is_ignored(client, world_a, person_b):
    console = session_client(client, world_a.admin)
    act(console, "erase_contacts", [person_b.contact.pk], confirm="yes")
    assert Contact.objects.for_tenant(person_b.contact.tenant).get(pk=person_b.contact.pk).name == "Jane Quill"
    exported = act(console, "export_contacts", [person_b.contact.pk])
    assert exported.status_code in (200, 302)
    assert "Jane" not in exported.content.decode()
    assert not PrivacyRecord.objects.exists()


def test_the_contact_export_action_downloads_their_rows_as_json(client, world_a, person_a):
    response = act(session_client(client, world_a.admin), "export_contacts", [person_a.contact.pk])
    document = json.loads(response.content)
    assert document["contacts"][0]["rows"]["accounts.Contact"][0]["email"] == "jane.quill@customer.test"


def test_a_csm_cannot_erase_from_the_contact_list(client, world_a, person_a):
    act(session_client(client, world_a.csm), "erase_contacts", [person_a.contact.pk], confirm="yes")
    assert Contact.objects.for_tenant(world_a.tenant).get(pk=person_a.contact.pk).name == "Jane Quill"


def test_an_admin_starts_an_export_sees_its_progress_and_downloads_it(
    client, world_a, world_b, django_capture_on_commit_callbacks
):
    console = session_client(client, world_a.admin)
    assert console.get(reverse("admin:privacy_tenantexport_add")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert console.post(reverse("admin:privacy_tenantexport_add")).status_code == 302
    export = TenantExport.objects.for_tenant(world_a.tenant).get()
    page = console.get(reverse("admin:privacy_tenantexport_changelist")).content.decode()
    assert "100%" in page
    download = console.get(reverse("admin:privacy_tenantexport_download", args=[export.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "accounts_contact.jsonl" in archive.namelist()
    # B's admin: A's export is not found; A's CSM: not allowed.
    other = session_client(client.__class__(), world_b.admin)
    assert other.get(reverse("admin:privacy_tenantexport_download", args=[export.pk])).status_code == 404
    assert other.get(reverse("admin:privacy_tenantexport_change", args=[export.pk])).status_code in (302, 404)
    csm = session_client(client.__class__(), world_a.csm)
    assert csm.get(reverse("admin:privacy_tenantexport_download", args=[export.pk])).status_code == 403
    assert csm.get(reverse("admin:privacy_tenantexport_changelist")).status_code == 403


def test_an_admin_schedules_and_cancels_the_deletion_in_the_console(client, world_a, world_b):
    console = session_client(client, world_a.admin)
    assert "in 30 days" in console.get(reverse("admin:privacy_tenantdeletion_add")).content.decode()
    console.post(reverse("admin:privacy_tenantdeletion_add"))
    deletion = TenantDeletion.objects.for_tenant(world_a.tenant).get()
    assert "scheduled for deletion" in console.get("/admin/").content.decode()
    # B's admin acting on A's row cancels nothing of A's.
    other = session_client(client.__class__(), world_b.admin)
    other.post(
        reverse("admin:privacy_tenantdeletion_changelist"),
        {"action": "cancel_deletion", "_selected_action": [str(deletion.pk)]},
    )
    assert TenantDeletion.objects.for_tenant(world_a.tenant).get().cancelled_at is None
    console.post(
        reverse("admin:privacy_tenantdeletion_changelist"),
        {"action": "cancel_deletion", "_selected_action": [str(deletion.pk)]},
    )
    assert TenantDeletion.objects.for_tenant(world_a.tenant).get().cancelled_at is not None
    actions = list(PrivacyRecord.objects.order_by("at", "id").values_list("action", flat=True))
    assert actions == [PrivacyAction.TENANT_DELETION_SCHEDULED, PrivacyAction.TENANT_DELETION_CANCELLED]


def test_the_privacy_record_is_for_platform_operators_only(client, world_a, django_user_model):
    url = reverse("admin:privacy_privacyrecord_changelist")
    assert session_client(client, world_a.admin).get(url).status_code == 403
    operator = django_user_model.objects.create_superuser(email="ops@platform.test", password="x")
    client.force_login(operator)
    assert client.get(url).status_code == 200
