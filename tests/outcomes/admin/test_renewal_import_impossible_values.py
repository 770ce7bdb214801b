"""Renewal imports: an impossible date is an error of its row and column, never a 500; one size rule."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.admin.csv_upload import max_csv_bytes
from outcomes.models import Renewal
from tests.conftest import session_client
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
URL = "/admin/outcomes/renewals-import/"
HEADER = "external_id,account_external_id,term_start,term_end,arr_due,outcome,closed_on\n"


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("renewals.csv", text.encode(), content_type="text/csv")


@pytest.mark.parametrize(
    "row, column",
    [
        ("opp-1,crm-1,2026-01-01,2024-02-30,100,,", "term_end"),
        ("opp-1,crm-1,2026-02-30,2027-01-01,100,,", "term_start"),
        ("opp-1,crm-1,2026-01-01,2027-01-01,100,renewed,2026-13-45", "closed_on"),
        (",crm-1,2026-01-01,2024-02-30,100,,", "term_end"),  # found by account and term end
    ],
)
def test_an_impossible_date_is_an_error_naming_its_line_and_column(client, world_a, row, column):
    AccountFactory(tenant=world_a.tenant, external_id="crm-1")
    admin = session_client(client, world_a.admin)
    page = admin.post(URL, {"file": upload(HEADER + row + "\n"), "action": "preview"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"<tr><td>2</td><td>{column}</td>" in html
    assert 'value="import"' not in html
    assert not Renewal.objects.for_tenant(world_a.tenant).exists()


def test_a_renewal_file_over_the_limit_is_refused_at_the_preview(client, world_a):
    admin = session_client(client, world_a.admin)
    text = HEADER + "opp-1,crm-1,2026-01-01,2027-01-01,100,,\n" * (1_500_000 // 40)
    html = admin.post(URL, {"file": upload(text), "action": "preview"}).content.decode()
    assert f"{max_csv_bytes() // 1024:,} KB" in html and 'value="import"' not in html
