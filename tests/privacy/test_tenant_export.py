"""Exporting a whole tenant: every tenant model in the zip, only that tenant's rows, progress and expiry."""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.roles import Role
from privacy.models import ExportStatus, PrivacyAction, PrivacyRecord, TenantExport
from privacy.rows import model_file_stem
from privacy.services.tenant_export import tenant_exports_expire
from privacy.storage import private_storage
from privacy.tenant_models import tenant_models
from tests.conftest import api_as
from tests.isolation.world import build_tenant_a, build_tenant_b

pytestmark = pytest.mark.django_db

EXPORTS = "/api/v1/privacy/tenant-exports/"


def start_export(client, django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EXPORTS, {}, format="json")
    assert response.status_code == 202, response.json()
    return response.json()["id"]


def read_zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def worlds(world_a):
    """A and B with a row of every model each; B's text fields hold canaries (tests/isolation/world.py)."""
    return build_tenant_a(world_a), build_tenant_b()


@override_settings(PRIVACY_CHUNK_ROWS=2)  # several chunks per model: the progress and chunking paths run
def test_the_zip_has_every_tenant_model_and_not_one_row_or_value_of_the_other_tenant(
    worlds, django_capture_on_commit_callbacks
):
    a, b = worlds
    export_id = start_export(api_as(a.memberships[Role.ADMIN]), django_capture_on_commit_callbacks)
    status = api_as(a.memberships[Role.ADMIN]).get(f"{EXPORTS}{export_id}/").json()
    assert (status["status"], status["progress"], status["rows_done"]) == ("done", 1.0, status["rows_total"])
    download = api_as(a.memberships[Role.ADMIN]).get(f"{EXPORTS}{export_id}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = read_zip(download)
    names = set(archive.namelist())
    for model in tenant_models():  # found from the registry: a new model must appear here by itself
        assert {f"{model_file_stem(model)}.jsonl", f"{model_file_stem(model)}.csv"} <= names, model._meta.label
    rows = 0
    for name in sorted(names - {"tenant.json"}):
        text = archive.read(name).decode()
        assert b.canaries.leaks(text) == [], name
        if name.endswith(".jsonl"):
            for line in text.splitlines():
                assert json.loads(line)["tenant_id"] == a.tenant.pk, name
                rows += 1
        else:
            table = list(csv.DictReader(io.StringIO(text)))
            assert {r["tenant_id"] for r in table} <= {str(a.tenant.pk)}, name
    assert rows == status["rows_total"] > 50
    assert json.loads(archive.read("tenant.json"))["id"] == a.tenant.pk
    actions = set(PrivacyRecord.objects.filter(tenant_id=a.tenant.pk).values_list("action", flat=True))
    assert actions >= {PrivacyAction.TENANT_EXPORT_REQUESTED, PrivacyAction.TENANT_EXPORT_FINISHED,
                       PrivacyAction.TENANT_EXPORT_DOWNLOADED}  # fmt: skip


def test_another_tenants_export_is_not_found_and_csms_may_not_start_or_read_exports(
    world_a, world_b, django_capture_on_commit_callbacks
):
    export_id = start_export(api_as(world_b.admin), django_capture_on_commit_callbacks)
    admin_a = api_as(world_a.admin)
    assert admin_a.get(f"{EXPORTS}{export_id}/").status_code == 404
    assert admin_a.get(f"{EXPORTS}{export_id}/download/").status_code == 404
    assert admin_a.get(EXPORTS).json()["results"] == []
    for member in (world_b.csm, world_b.viewer):
        assert api_as(member).post(EXPORTS, {}, format="json").status_code == 403
        assert api_as(member).get(f"{EXPORTS}{export_id}/download/").status_code == 403
    assert TenantExport.objects.for_tenant(world_b.tenant).count() == 1


def test_a_second_delivery_of_the_build_task_writes_nothing(world_a, django_capture_on_commit_callbacks):
    from privacy.tasks import build_tenant_export

    export_id = start_export(api_as(world_a.admin), django_capture_on_commit_callbacks)
    assert build_tenant_export.apply(kwargs={"tenant_id": world_a.tenant.pk, "export_id": export_id}).get() == 0


def test_an_unknown_field_in_the_start_body_is_a_400_naming_it(world_a):
    response = api_as(world_a.admin).post(EXPORTS, {"format": "zip"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "format"
    assert not TenantExport.objects.for_tenant(world_a.tenant).exists()


def test_an_expired_export_loses_its_file_and_cannot_be_downloaded(world_a, django_capture_on_commit_callbacks):
    export_id = start_export(api_as(world_a.admin), django_capture_on_commit_callbacks)
    export = TenantExport.objects.for_tenant(world_a.tenant).get(pk=export_id)
    assert private_storage().exists(export.file_name)
    assert tenant_exports_expire(now=timezone.now() + timedelta(days=8)) == 1
    assert not private_storage().exists(export.file_name)
    assert TenantExport.objects.for_tenant(world_a.tenant).get(pk=export_id).status == ExportStatus.EXPIRED
    assert api_as(world_a.admin).get(f"{EXPORTS}{export_id}/download/").status_code == 404
