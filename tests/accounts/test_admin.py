"""The admin as a tenant admin's console: scoped rows, stamped tenant, roles, switcher, API keys."""

import re

import pytest

from accounts.models import Account, ApiKey
from accounts.services.api_keys import api_key_authenticate
from tests.conftest import session_client
from tests.factories import AccountFactory, ContactFactory, MembershipFactory, TenantFactory

pytestmark = pytest.mark.django_db


def test_tenant_admin_sees_only_their_tenants_accounts(admin_client_a, world_a, world_b):
    AccountFactory(tenant=world_a.tenant, name="Ours Inc")
    AccountFactory(tenant=world_b.tenant, name="Theirs Inc")
    page = admin_client_a.get("/admin/accounts/account/").content.decode()
    assert "Ours Inc" in page and "Theirs Inc" not in page


def test_new_rows_get_the_active_tenant_and_the_tenant_is_not_a_form_field(admin_client_a, world_a, world_b):
    form = admin_client_a.get("/admin/accounts/account/add/").content.decode()
    assert 'name="tenant"' not in form
    response = admin_client_a.post(
        "/admin/accounts/account/add/",
        {
            "name": "Added",
            "external_id": "adm-1",
            "arr": "100",
            "licenses": "5",
            "lifecycle_stage": "onboarding",
            "tenant": world_b.tenant.pk,
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Account.unscoped.get(external_id="adm-1").tenant == world_a.tenant


def test_duplicate_external_id_in_admin_is_a_form_error_not_a_crash(admin_client_a, world_a):
    AccountFactory(tenant=world_a.tenant, external_id="dup")
    response = admin_client_a.post(
        "/admin/accounts/account/add/",
        {
            "name": "Again",
            "external_id": "dup",
            "arr": "0",
            "licenses": "0",
            "lifecycle_stage": "onboarding",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_foreign_key_choices_only_offer_the_tenants_rows(admin_client_a, world_a, world_b):
    AccountFactory(tenant=world_b.tenant, name="Theirs Inc")
    page = admin_client_a.get("/admin/accounts/contact/add/").content.decode()
    assert "Theirs Inc" not in page
    other_csm = world_b.csm.user.email
    assert other_csm not in admin_client_a.get("/admin/accounts/account/add/").content.decode()


def test_another_tenants_object_is_404(admin_client_a, world_b):
    theirs = AccountFactory(tenant=world_b.tenant)
    for suffix in ("change/", "delete/", "history/"):
        assert admin_client_a.get(f"/admin/accounts/account/{theirs.pk}/{suffix}").status_code == 404


def test_viewer_reads_but_cannot_change(client, world_a):
    account = AccountFactory(tenant=world_a.tenant)
    viewer = session_client(client, world_a.viewer)
    assert viewer.get("/admin/accounts/account/").status_code == 200
    assert viewer.get("/admin/accounts/account/add/").status_code == 403
    assert viewer.post(f"/admin/accounts/account/{account.pk}/change/", {"name": "x"}).status_code == 403


def test_csm_edits_their_own_accounts_only(client, world_a):
    mine = AccountFactory(tenant=world_a.tenant, csm_owner=world_a.csm)
    other = AccountFactory(tenant=world_a.tenant)
    csm = session_client(client, world_a.csm)
    assert 'name="name"' in csm.get(f"/admin/accounts/account/{mine.pk}/change/").content.decode()
    assert 'name="name"' not in csm.get(f"/admin/accounts/account/{other.pk}/change/").content.decode()
    assert csm.post(f"/admin/accounts/account/{other.pk}/change/", {"name": "x"}).status_code == 403
    assert csm.get("/admin/accounts/apikey/").status_code == 403


def test_creating_an_api_key_shows_the_secret_once(admin_client_a, world_a):
    response = admin_client_a.post("/admin/accounts/apikey/add/", {"name": "Warehouse", "scopes": ["read", "ingest"]})
    assert response.status_code == 200
    plaintext = re.search(r"csp_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}", response.content.decode()).group(0)
    key = api_key_authenticate(plaintext)
    assert key.tenant == world_a.tenant and key.scopes == ["ingest", "read"]
    assert key.created_by == world_a.admin.user
    listing = admin_client_a.get("/admin/accounts/apikey/").content.decode()
    assert plaintext not in listing and key.prefix in listing


def test_revoking_keys_in_admin(admin_client_a, world_a):
    key = ApiKey.objects.for_tenant(world_a.tenant).get()
    admin_client_a.post("/admin/accounts/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    assert api_key_authenticate(world_a.api_key_plaintext) is None


def test_switcher_moves_between_the_users_tenants_only(client, world_a, world_b):
    second = TenantFactory(name="Gamma")
    MembershipFactory(tenant=second, user=world_a.admin.user, role="viewer")
    AccountFactory(tenant=second, name="Gamma Customer")
    c = session_client(client, world_a.admin)
    page = c.get("/admin/").content.decode()
    assert "Gamma (Viewer)" in page and "Beta" not in page
    c.post("/admin/switch-tenant/", {"active_tenant": second.pk})
    assert "Gamma Customer" in c.get("/admin/accounts/account/").content.decode()
    c.post("/admin/switch-tenant/", {"active_tenant": world_b.tenant.pk})
    assert "Gamma Customer" in c.get("/admin/accounts/account/").content.decode()


def test_superuser_sees_every_tenant(client, world_a, world_b, django_user_model):
    AccountFactory(tenant=world_a.tenant, name="Ours Inc")
    AccountFactory(tenant=world_b.tenant, name="Theirs Inc")
    root = django_user_model.objects.create_superuser("root@platform.test", "pw-root-123!")
    client.force_login(root)
    page = client.get("/admin/accounts/account/").content.decode()
    assert "Ours Inc" in page and "Theirs Inc" in page


def test_large_change_lists_cap_their_count(admin_client_a, world_a, monkeypatch):
    from accounts.admin import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    AccountFactory.create_batch(8, tenant=world_a.tenant)
    response = admin_client_a.get("/admin/accounts/account/")
    assert response.context["cl"].result_count == 6  # capped at COUNT_CAP + 1, not a full count
    assert response.context["cl"].show_full_result_count is False
    page = response.content.decode()
    assert page.count("More than 5 ") == 2 and "6 results" not in page  # the search bar and the footer


def test_a_count_under_the_cap_is_the_number_of_rows(admin_client_a, world_a, monkeypatch):
    from accounts.admin import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    AccountFactory.create_batch(3, tenant=world_a.tenant)
    page = admin_client_a.get("/admin/accounts/account/").content.decode()
    assert "More than" not in page and "3 accounts" in page


def test_tenant_settings_page_shows_only_the_active_tenant(admin_client_a, world_a, world_b):
    page = admin_client_a.get("/admin/accounts/tenant/").content.decode()
    assert "Alpha" in page and "Beta" not in page
    assert admin_client_a.get(f"/admin/accounts/tenant/{world_b.tenant.pk}/change/").status_code == 404


def test_account_page_lists_its_contacts(admin_client_a, world_a):
    account = AccountFactory(tenant=world_a.tenant)
    ContactFactory(account=account, name="Grace Hopper")
    assert "Grace Hopper" in admin_client_a.get(f"/admin/accounts/account/{account.pk}/change/").content.decode()


@pytest.mark.parametrize("role", ["admin", "csm", "viewer"])
def test_the_admin_home_lists_what_each_role_may_see(client, world_a, role):
    page = session_client(client, getattr(world_a, role)).get("/admin/").content.decode()
    assert "/admin/accounts/account/" in page and "/admin/accounts/contact/" in page
    assert ("/admin/accounts/apikey/" in page) == (role == "admin")
    assert "/admin/accounts/user/" not in page
