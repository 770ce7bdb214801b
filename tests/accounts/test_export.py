"""CSV export of every console change list: the list's rows, streamed, scoped to the tenant, audited, safe."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.http import StreamingHttpResponse
from django.test import Client
from django.utils.html import format_html

from accounts.admin import export as export_module
from accounts.admin.base import TenantScopedAdmin
from accounts.admin.columns import columns_for, row_texts
from accounts.models import Account, AdoptionStage, Contact, ExportRecord
from accounts.zones import tenant_zone
from tests.conftest import session_client
from tests.factories import AccountFactory, ContactFactory

ACCOUNTS = "/admin/accounts/account/"


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.content
    assert isinstance(response, StreamingHttpResponse)
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def exported(client, list_url=ACCOUNTS, query="") -> list[dict]:
    return read_csv(client.get(f"{list_url}export/" + (f"?{query}" if query else "")))


def names(rows) -> list[str]:
    return [row["Name"] for row in rows]


@pytest.fixture
def book(world_a, world_b):
    """Tenant A's three accounts and tenant B's one, whose name also has "acme" in it."""
    make = AccountFactory
    return {
        "corp": make(tenant=world_a.tenant, name="Acme Corp", external_id="A-1", segment="enterprise",
                     arr=Decimal("120000.50"), renewal_on=date(2027, 3, 1), csm_owner=world_a.csm),
        "labs": make(tenant=world_a.tenant, name="Acme Labs", external_id="A-2", segment="smb"),
        "beta": make(tenant=world_a.tenant, name="Beta Inc", external_id="A-3", segment="enterprise"),
        "b": make(tenant=world_b.tenant, name="Acme Beyond", external_id="B-1", segment="enterprise",
                  csm_owner=world_b.csm),
    }  # fmt: skip


@pytest.fixture
def admin_a(world_a):
    return session_client(Client(), world_a.admin)


# --- the rows: the change list's, with its filters, search and ordering, across its pages -------------------


@pytest.mark.django_db
def test_export_writes_the_lists_columns_with_ids(admin_a, book, world_a):
    rows = {row["Name"]: row for row in exported(admin_a)}
    corp = rows["Acme Corp"]
    assert corp["id"] == str(book["corp"].pk)
    assert corp["External id"] == "A-1"
    assert corp["ARR"] == "120000.50"
    assert corp["Renewal on"] == "2027-03-01"
    assert corp["CSM owner"] == str(world_a.csm)
    assert corp["CSM owner id"] == str(world_a.csm.pk)
    assert rows["Acme Labs"]["CSM owner"] == rows["Acme Labs"]["CSM owner id"] == ""


@pytest.mark.django_db
def test_export_honours_filters_search_and_ordering(admin_a, book):
    assert names(exported(admin_a)) == ["Acme Corp", "Acme Labs", "Beta Inc"]
    assert names(exported(admin_a, query="segment__exact=enterprise")) == ["Acme Corp", "Beta Inc"]
    assert names(exported(admin_a, query="q=ACME")) == ["Acme Corp", "Acme Labs"]
    assert names(exported(admin_a, query="q=a-2")) == ["Acme Labs"]
    assert names(exported(admin_a, query="q=acme&segment__exact=enterprise")) == ["Acme Corp"]
    # "o" numbers the change list's columns from its selection box (column 0).
    by_name = admin.site._registry[Account].list_display.index("name") + 1
    assert names(exported(admin_a, query=f"o=-{by_name}")) == ["Beta Inc", "Acme Labs", "Acme Corp"]


@pytest.mark.django_db
def test_export_holds_every_page_of_the_list(admin_a, book, monkeypatch):
    monkeypatch.setattr(admin.site._registry[Account], "list_per_page", 1)
    page = admin_a.get(f"{ACCOUNTS}?p=2")
    assert [a.name for a in page.context["cl"].result_list] == ["Acme Labs"]  # one row a page
    assert names(exported(admin_a, query="p=2")) == ["Acme Corp", "Acme Labs", "Beta Inc"]


@pytest.mark.django_db
def test_the_change_list_links_to_its_export_with_its_query_string(admin_a, book):
    page = admin_a.get(ACCOUNTS, {"q": "acme", "segment__exact": "enterprise", "p": "1"})
    assert page.context["export_url"] == f"{ACCOUNTS}export/?q=acme&segment__exact=enterprise"
    assert 'href="/admin/accounts/account/export/?q=acme&amp;segment__exact=enterprise"' in page.content.decode()
    assert "Export CSV" in page.content.decode()
    popup = admin_a.get(ACCOUNTS, {"_popup": "1"})
    assert popup.context["export_url"] is None


@pytest.mark.django_db
def test_a_bad_filter_is_a_400_naming_the_parameters_and_is_not_recorded(admin_a, book):
    response = admin_a.get(f"{ACCOUNTS}export/", {"csm_owner__id__exact": "not-a-number"})
    assert response.status_code == 400
    assert "csm_owner__id__exact" in response.content.decode()
    assert not ExportRecord.unscoped.exists()


@pytest.mark.django_db
def test_a_post_is_refused(admin_a, book):
    assert admin_a.post(f"{ACCOUNTS}export/").status_code == 405
    assert not ExportRecord.unscoped.exists()


# --- streamed ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_is_streamed_in_pieces_and_recorded_when_the_last_row_is_sent(admin_a, book, monkeypatch):
    monkeypatch.setattr(export_module, "CHUNK_SIZE", 2)
    response = admin_a.get(f"{ACCOUNTS}export/")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="accounts-')
    record = ExportRecord.unscoped.get()
    assert (record.row_count, record.finished_at) == (0, None)  # started, not finished
    pieces = [piece.decode() for piece in response.streaming_content]
    assert len(pieces) == 3  # the header, then two rows, then the last one
    assert pieces[1].count("\r\n") == 2 and "Beta Inc" in pieces[2]
    record.refresh_from_db()
    assert record.row_count == 3
    assert record.finished_at is not None


@pytest.mark.django_db
def test_a_download_broken_off_stays_unfinished(admin_a, book, monkeypatch):
    monkeypatch.setattr(export_module, "CHUNK_SIZE", 1)
    response = admin_a.get(f"{ACCOUNTS}export/")
    content = iter(response.streaming_content)
    next(content), next(content)  # the header and one row, then the client reads no more
    record = ExportRecord.unscoped.get()
    assert (record.row_count, record.finished_at) == (0, None)
    list(content)  # read to the end inside the test's transaction, so PostgreSQL's cursor closes in it


# --- audited ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_is_recorded_with_who_which_list_the_query_and_the_count(admin_a, book, world_a):
    rows = exported(admin_a, query="q=acme&segment__exact=enterprise&p=1")
    record = ExportRecord.unscoped.get()
    assert record.tenant_id == world_a.tenant.pk
    assert record.user == world_a.admin.user
    assert record.content_type == ContentType.objects.get_for_model(Account)
    assert record.list_name == "Accounts"
    assert record.query_string == "q=acme&segment__exact=enterprise"  # the page number chooses no rows
    assert record.row_count == len(rows) == 1


@pytest.mark.django_db
def test_tenant_admins_read_the_export_records_and_nobody_edits_them(admin_a, book, world_a):
    exported(admin_a, query="q=acme")
    record = ExportRecord.unscoped.get()
    page = admin_a.get("/admin/accounts/exportrecord/")
    assert [r.pk for r in page.context["cl"].result_list] == [record.pk]
    change = admin_a.get(f"/admin/accounts/exportrecord/{record.pk}/change/")
    assert change.status_code == 200 and "q=acme" in change.content.decode()
    assert admin_a.post(f"/admin/accounts/exportrecord/{record.pk}/change/", {"row_count": 9}).status_code == 403
    assert admin_a.get("/admin/accounts/exportrecord/add/").status_code == 403
    assert admin_a.post(f"/admin/accounts/exportrecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    record.refresh_from_db()
    assert record.row_count == 2
    for member in (world_a.csm, world_a.viewer):
        assert session_client(Client(), member).get("/admin/accounts/exportrecord/").status_code == 403


@pytest.mark.django_db
def test_the_export_of_the_records_leaves_out_its_own(admin_a, book):
    exported(admin_a)
    assert [row["List"] for row in exported(admin_a, "/admin/accounts/exportrecord/")] == ["Accounts"]
    assert ExportRecord.unscoped.count() == 2


# --- who may export ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_viewers_and_csms_export_what_they_may_view(book, world_a):
    for member in (world_a.viewer, world_a.csm):
        client = session_client(Client(), member)
        assert names(exported(client)) == ["Acme Corp", "Acme Labs", "Beta Inc"]
        assert client.get("/admin/accounts/apikey/export/").status_code == 403  # API keys are admins' only
    assert ExportRecord.unscoped.filter(user=world_a.viewer.user, row_count=3).exists()


# --- tenant-scoped ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_never_holds_another_tenants_rows(admin_a, book, world_a, world_b):
    assert "Acme Beyond" not in names(exported(admin_a, query="q=acme"))
    assert exported(admin_a, query=f"csm_owner__id__exact={world_b.csm.pk}") == []
    b_rows = exported(session_client(Client(), world_b.admin), query="q=acme")
    assert names(b_rows) == ["Acme Beyond"]
    assert ExportRecord.unscoped.get(user=world_b.admin.user).tenant_id == world_b.tenant.pk


@pytest.mark.django_db
def test_an_operator_exports_only_inside_a_tenant(book, world_a, django_user_model):
    root = django_user_model.objects.create_superuser("root@platform.test", "pw-root-123!")
    client = Client()
    client.force_login(root)
    everyone = client.get(ACCOUNTS)
    assert len(everyone.context["cl"].result_list) == 4  # the operator's view across tenants
    assert everyone.context["export_url"] is None
    response = client.get(f"{ACCOUNTS}export/", {"q": "acme"})
    assert (response.status_code, response["Location"]) == (302, ACCOUNTS)
    assert not ExportRecord.unscoped.exists()
    client.post("/admin/switch-tenant/", {"active_tenant": str(world_a.tenant.pk)})
    assert names(exported(client, query="q=acme")) == ["Acme Corp", "Acme Labs"]
    record = ExportRecord.unscoped.get()
    assert (record.tenant_id, record.user) == (world_a.tenant.pk, root)


# --- safe -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_formula_cells_get_a_leading_apostrophe(admin_a, world_a):
    names_given = ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn", "Plain")
    for i, name in enumerate(names_given):
        AccountFactory(tenant=world_a.tenant, name=name, external_id=f"x{i}")
    AccountFactory(tenant=world_a.tenant, name="Negative id", external_id="-12")
    rows = exported(admin_a)
    assert sorted(names(rows)) == sorted(
        ["'=HYPERLINK(\"http://evil.example\",\"x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tTab", "'\rReturn",
         "Plain", "Negative id"]
    )  # fmt: skip
    assert next(r for r in rows if r["Name"] == "Negative id")["External id"] == "-12"  # a number, not a formula


# --- columns ----------------------------------------------------------------------------------------


class ContactColumnsAdmin(TenantScopedAdmin):
    list_display = ("__str__", "account", "is_champion", "adoption_stage", "last_seen_at", "badge", "gone", "nothing")

    @admin.display(description="Badge")
    def badge(self, obj):
        return format_html('<span class="badge">{} &amp; co</span>', obj.name)

    @admin.display(description="Gone")
    def gone(self, obj):
        return self.get_empty_value_display()

    @admin.display(description="Nothing")
    def nothing(self, obj):
        return None


@pytest.mark.django_db
def test_columns_give_the_displayed_text_without_html_and_field_values(world_a):
    world_a.tenant.time_zone = "America/New_York"
    account = AccountFactory(tenant=world_a.tenant, name="Acme")
    contact = ContactFactory(
        account=account,
        name="Jo <b>",
        is_champion=True,
        adoption_stage=AdoptionStage.ADOPTING,
        last_seen_at=datetime(2026, 3, 9, 3, 30, tzinfo=UTC),
    )
    model_admin = ContactColumnsAdmin(Contact, admin.site)
    columns = columns_for(model_admin, ["action_checkbox", *model_admin.list_display], with_ids=True)
    assert [c.header for c in columns] == [
        "id", "Contact", "Account", "Account id", "Is champion", "Adoption stage", "Last seen at", "Badge", "Gone",
        "Nothing",
    ]  # fmt: skip
    assert row_texts(columns, contact, tenant_zone(world_a.tenant)) == [
        str(contact.pk), "Jo <b>", "Acme", str(account.pk), "yes", "Adopting", "2026-03-08T23:30:00-04:00",
        "Jo <b> & co", "", "",
    ]  # fmt: skip
    assert [c.header for c in columns_for(model_admin, ["account", "badge"], with_ids=False)] == ["Account", "Badge"]


# --- every change list ------------------------------------------------------------------------------

SCOPED_LISTS = sorted(
    (model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, TenantScopedAdmin)),
    key=lambda model: model._meta.label,
)

# Lists that start on working rows only: the filters that show them all (A's alert of the walk is snoozed).
EVERY_ROW = {"alerts.Alert": "snoozed=all&work=all&churned=show"}


@pytest.mark.django_db
@pytest.mark.parametrize("model", SCOPED_LISTS, ids=lambda model: model._meta.label)
def test_every_change_list_exports_exactly_its_rows_for_a_tenant_admin(model, world_a):
    from tests.isolation.world import build_tenant_a, build_tenant_b

    a, b = build_tenant_a(world_a), build_tenant_b()  # a row of every model in each tenant, B's full of canaries
    client = session_client(Client(), world_a.admin)
    list_url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    query = EVERY_ROW.get(model._meta.label, "")
    shown = sorted(row.pk for row in client.get(f"{list_url}?{query}").context["cl"].result_list)
    assert shown, f"tenant A's {model._meta.label} list shows no row"
    response = client.get(f"{list_url}export/?{query}")
    body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "id"
    assert sorted(int(row[0]) for row in rows[1:]) == shown
    assert b.canaries.leaks(body) == []
    record = ExportRecord.unscoped.latest("pk")  # this export's (the worlds each hold an older one)
    assert (record.tenant_id, record.row_count) == (a.tenant.pk, len(shown))
