"""Importing renewals in the console: admins preview, then import only a clean file; others may not."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from outcomes.models import Renewal
from tests.conftest import session_client
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
URL = "/admin/outcomes/renewals-import/"
GOOD = "external_id,account_external_id,term_start,term_end,arr_due\nopp-9,crm-1,2026-01-01,2027-01-01,4000\n"


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("renewals.csv", text.encode(), content_type="text/csv")


def test_an_admin_previews_then_imports_a_clean_file(client, world_a, world_b):
    AccountFactory(tenant=world_a.tenant, external_id="crm-1")
    AccountFactory(tenant=world_b.tenant, external_id="crm-2")
    admin = session_client(client, world_a.admin)
    assert 'href="/admin/outcomes/renewals-import/"' in admin.get("/admin/outcomes/renewal/").content.decode()
    preview = admin.post(URL, {"file": upload(GOOD), "action": "preview"}).content.decode()
    assert "Dry run: 1 rows would be imported (1 created, 0 updated). Nothing was stored." in preview
    assert 'value="import"' in preview and not Renewal.objects.for_tenant(world_a.tenant).exists()
    done = admin.post(URL, {"csv_text": GOOD, "action": "import"}).content.decode()
    assert "Imported: 1 created, 0 updated." in done
    renewal = Renewal.objects.for_tenant(world_a.tenant).get(external_id="opp-9")
    assert (renewal.term_end, renewal.arr_due, renewal.source) == (date(2027, 1, 1), Decimal("4000"), "import")

    other = "external_id,account_external_id,term_start,term_end,arr_due\nopp-10,crm-2,2026-01-01,2027-01-01,1\n"
    refused = admin.post(URL, {"file": upload(other), "action": "preview"}).content.decode()
    assert "No account has the external id &#x27;crm-2&#x27;." in refused  # B's account is not A's
    assert 'value="import"' not in refused
    assert not Renewal.objects.for_tenant(world_b.tenant).exists()


@pytest.mark.parametrize("role", ["csm", "viewer"])
def test_only_admins_import(client, world_a, role):
    member = session_client(client, getattr(world_a, role))
    assert member.get(URL).status_code == 403
    assert member.post(URL, {"csv_text": GOOD, "action": "import"}).status_code == 403
    assert 'href="/admin/outcomes/renewals-import/"' not in member.get("/admin/outcomes/renewal/").content.decode()
