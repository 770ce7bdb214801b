"""Importing responses from CSV in admin: a dry-run preview, per-row errors, then the import."""

from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import Event
from surveys.models import SurveyResponse
from tests.conftest import session_client
from tests.factories import ContactFactory

URL = "/admin/surveys/responses-import/"


def upload(client, text, action="preview", **extra):
    return client.post(URL, {"file": SimpleUploadedFile("r.csv", text.encode()), "action": action, **extra})


def csv_for(contact_a, orphan):
    return (
        "contact_email,contact_external_id,score,comment,responded_at\n"
        f"{contact_a.email},,9,Great,2026-05-01\n"
        f",{contact_a.external_id},11,Too high,2026-05-02\n"
        "nobody@example.com,,5,,2026-05-03\n"
        f"{contact_a.email},,7,,yesterday\n"
        f",{orphan.external_id},8,,2026-05-04T10:00:00Z\n"
        f"{contact_a.email},,2,Late,2026-05-05 08:30\n"
    )


def test_dry_run_previews_every_row_and_stores_nothing(client, world_a, contact_a):
    orphan = ContactFactory(tenant=world_a.tenant, account=None)
    admin = session_client(client, world_a.admin)
    page = upload(admin, csv_for(contact_a, orphan))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dry run: 2 valid (0 already imported), 4 with errors. Nothing was stored." in html
    assert "score: &#x27;11&#x27; is not a whole number from 0 to 10" in html
    assert "No contact with email" in html
    assert "responded_at: &#x27;yesterday&#x27; is not a date" in html
    assert "not linked to an account" in html
    assert not SurveyResponse.objects.for_tenant(world_a.tenant).exists()
    assert 'value="import"' in html


def test_import_stores_valid_rows_with_events_and_a_second_import_stores_nothing_new(client, world_a, contact_a):
    orphan = ContactFactory(tenant=world_a.tenant, account=None)
    admin = session_client(client, world_a.admin)
    text = csv_for(contact_a, orphan)
    page = upload(admin, text, action="import")
    assert (
        "Imported: 2 stored, 0 amended an earlier answer of the same person, 0 already there, 4 rejected."
        in page.content.decode()
    )
    rows = SurveyResponse.objects.for_tenant(world_a.tenant).order_by("responded_at")
    assert [(r.score, r.channel, r.comment) for r in rows] == [(9, "import", "Great"), (2, "import", "Late")]
    assert Event.objects.for_tenant(world_a.tenant).filter(name="nps_response").count() == 2
    again = upload(admin, text, action="import")
    assert (
        "Imported: 0 stored, 0 amended an earlier answer of the same person, 2 already there" in again.content.decode()
    )
    preview = upload(admin, text)
    assert "(2 already imported)" in preview.content.decode()


def test_the_preview_carries_the_file_to_the_import_button(client, world_a, contact_a):
    admin = session_client(client, world_a.admin)
    text = f"contact_id,score,responded_at\n{contact_a.pk},10,2026-01-05\n"
    page = upload(admin, text)
    carried = page.context["form"].initial["csv_text"]
    done = admin.post(URL, {"csv_text": carried, "action": "import"})
    assert "Imported: 1 stored" in done.content.decode()


def test_a_file_without_the_needed_columns_is_refused_whole(client, world_a):
    admin = session_client(client, world_a.admin)
    page = upload(admin, "name,rating\nJo,9\n")
    assert "Missing column(s): score, responded_at, contact_id, contact_external_id or contact_email." in (
        page.content.decode()
    )


def test_only_admins_import(client, world_a, contact_a):
    csm = session_client(client, world_a.csm)
    assert csm.get(URL).status_code == 403
    assert upload(csm, f"contact_id,score,responded_at\n{contact_a.pk},10,2026-01-05\n", "import").status_code == 403
    assert not SurveyResponse.objects.for_tenant(world_a.tenant).exists()
