"""Survey response imports: an impossible date or offset is a row error in the preview; one size rule for both steps."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.admin.csv_upload import max_csv_bytes, posted_size
from surveys.models import SurveyResponse
from tests.conftest import session_client

pytestmark = pytest.mark.django_db
URL = "/admin/surveys/responses-import/"


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("r.csv", text.encode(), content_type="text/csv")


@pytest.mark.parametrize(
    "when", ["2024-02-30", "2024-02-30T10:00:00Z", "2024-01-01T10:00:00+99:00", "2024-13-01", "2024-01-01T25:00:00"]
)
@pytest.mark.parametrize("action", ["preview", "import"])
def test_an_impossible_date_or_offset_is_an_error_of_its_row_and_column(client, world_a, contact_a, when, action):
    admin = session_client(client, world_a.admin)
    text = f"contact_email,score,responded_at\n{contact_a.email},9,2026-05-01\n{contact_a.email},8,{when}\n"
    page = admin.post(URL, {"file": upload(text), "action": action})
    assert page.status_code == 200
    html = page.content.decode()
    assert "responded_at: &#x27;" in html and "is not a date or date-time" in html
    assert "<td>3</td>" in html  # the row's line in the file
    assert SurveyResponse.objects.for_tenant(world_a.tenant).count() == (1 if action == "import" else 0)


def fitting_csv(contact, size: int) -> str:
    """About ``size`` bytes as posted back (CRLF), in fewer rows than an import's maximum (long comments)."""
    header = "contact_email,score,responded_at,comment,dedup_key\n"
    row = f"{contact.email},9,2026-05-01,{'x' * 400},k0000\n"
    rows = [row.replace("k0000", f"k{n:04}") for n in range((size - len(header)) // (len(row) + 1))]
    return header + "".join(rows)


def test_a_file_over_the_limit_is_refused_at_the_preview_with_the_limit_named(client, world_a, contact_a):
    admin = session_client(client, world_a.admin)
    page = admin.post(URL, {"file": upload(fitting_csv(contact_a, 1_500_000)), "action": "preview"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "larger than" in html and f"{max_csv_bytes() // 1024:,} KB" in html
    assert 'value="import"' not in html


def test_a_file_the_preview_accepts_is_accepted_by_the_import(client, world_a, contact_a):
    admin = session_client(client, world_a.admin)
    text = fitting_csv(contact_a, max_csv_bytes() - 4096)
    assert posted_size(text) > max_csv_bytes() - 8192
    preview = admin.post(URL, {"file": upload(text), "action": "preview"})
    assert 'value="import"' in preview.content.decode()
    # The import posts the text back in a form field, line ends as a browser sends them (CRLF).
    done = admin.post(URL, {"csv_text": text.replace("\n", "\r\n"), "action": "import"})
    assert done.status_code == 200, done.status_code
    assert "Imported:" in done.content.decode()
