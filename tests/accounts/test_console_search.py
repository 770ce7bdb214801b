"""The console header's search: the tenant's accounts and contacts by name, email or external id."""

import pytest
from django.test import Client
from django.utils import timezone

from accounts.admin.search import QUERY_MAX, SHOWN
from indicators.models.health import HealthScore
from tests.conftest import session_client
from tests.factories import AccountFactory, ContactFactory

SEARCH = "/admin/search/"


@pytest.fixture
def people(world_a, world_b):
    """Tenant A's account and contact, and tenant B's, named alike."""
    corp = AccountFactory(tenant=world_a.tenant, name="Acme Corp", external_id="CRM-77", csm_owner=world_a.csm)
    other = AccountFactory(tenant=world_a.tenant, name="Globex", external_id="CRM-78")
    jo = ContactFactory(account=other, name="Jo Acme", email="jo.smith@globex.example", external_id="u-501")
    b_corp = AccountFactory(tenant=world_b.tenant, name="Acme Beyond", external_id="CRM-77")
    b_jo = ContactFactory(account=b_corp, name="Jo Acme", email="jo.smith@beyond.example", external_id="u-501")
    return {"corp": corp, "other": other, "jo": jo, "b_corp": b_corp, "b_jo": b_jo}


def search(client, **params):
    response = client.get(SEARCH, params)
    return response, {found.title: found for found in response.context["found"]} if response.context else {}


def first_cells(found) -> list[str]:
    return [cells[0] for _url, cells in found.rows]


@pytest.fixture
def admin_a(world_a):
    return session_client(Client(), world_a.admin)


@pytest.mark.django_db
def test_finds_accounts_by_name_and_external_id_case_insensitively(admin_a, people):
    response, found = search(admin_a, q="acme")
    assert response.status_code == 200
    assert first_cells(found["Accounts"]) == ["Acme Corp"]
    assert found["Accounts"].rows[0][0] == f"/admin/accounts/account/{people['corp'].pk}/change/"
    assert first_cells(search(admin_a, q="crm-7")[1]["Accounts"]) == ["Acme Corp", "Globex"]
    assert first_cells(search(admin_a, q="GLOB")[1]["Accounts"]) == ["Globex"]


@pytest.mark.django_db
def test_finds_contacts_by_name_email_and_external_id(admin_a, people):
    for query in ("jo acme", "JO.SMITH@GLOBEX", "u-501"):
        contacts = search(admin_a, q=query)[1]["Contacts"]
        assert contacts.rows == [
            (
                f"/admin/accounts/contact/{people['jo'].pk}/change/",
                ["Jo Acme", "jo.smith@globex.example", "u-501", "Globex"],
            )
        ], query


@pytest.mark.django_db
def test_shows_an_accounts_csm_and_band(admin_a, people, world_a):
    HealthScore.objects.create(
        tenant=world_a.tenant, account=people["corp"], score=31.0, band="red", coverage=1.0, computed_at=timezone.now()
    )
    accounts = search(admin_a, q="acme corp")[1]["Accounts"]
    assert accounts.headers == ["Name", "External id", "CSM owner", "Band"]
    assert accounts.rows[0][1] == ["Acme Corp", "CRM-77", str(world_a.csm), "Red"]


@pytest.mark.django_db
def test_never_finds_another_tenants_rows(admin_a, people, world_b):
    _, found = search(admin_a, q="beyond")
    assert found["Accounts"].rows == [] and found["Contacts"].rows == []
    response = admin_a.get(SEARCH, {"q": "acme"})
    assert "Acme Beyond" not in response.content.decode()
    assert "beyond.example" not in response.content.decode()
    _, found_b = search(session_client(Client(), world_b.viewer), q="acme")
    assert first_cells(found_b["Accounts"]) == ["Acme Beyond"]
    assert found_b["Contacts"].rows[0][0] == f"/admin/accounts/contact/{people['b_jo'].pk}/change/"


@pytest.mark.django_db
def test_lists_at_most_the_first_rows_with_a_link_to_the_searched_list(admin_a, world_a):
    for i in range(SHOWN + 2):
        AccountFactory(tenant=world_a.tenant, name=f"Initech {i:02d}", external_id=f"ini-{i}")
    _, found = search(admin_a, q="initech")
    accounts = found["Accounts"]
    assert first_cells(accounts) == [f"Initech {i:02d}" for i in range(SHOWN)]
    assert accounts.more_url == "/admin/accounts/account/?q=initech"
    assert found["Contacts"].more_url is None
    assert admin_a.get(accounts.more_url).context["cl"].result_count == SHOWN + 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Type a name, email or external id to search for."),
        ({"q": "   "}, "Type a name, email or external id to search for."),
        ({"q": "x" * (QUERY_MAX + 1)}, f"Search for at most {QUERY_MAX} characters (this has {QUERY_MAX + 1})."),
        ({"q": "acme", "tenant": "2"}, "Unknown parameter: tenant."),
    ],
)
def test_a_missing_or_too_long_query_or_an_unknown_parameter_is_a_400_that_says_so(admin_a, people, params, message):
    response = admin_a.get(SEARCH, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["found"] == []


@pytest.mark.django_db
def test_every_member_searches_and_an_operator_chooses_a_tenant_first(people, world_a, django_user_model):
    for member in (world_a.viewer, world_a.csm):
        assert search(session_client(Client(), member), q="acme")[1]["Accounts"].rows
    root = django_user_model.objects.create_superuser("root@platform.test", "pw-root-123!")
    client = Client()
    client.force_login(root)
    response = client.get(SEARCH, {"q": "acme"})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert 'action="/admin/search/"' not in client.get("/admin/").content.decode()  # no box outside a tenant


@pytest.mark.django_db
def test_the_header_has_the_search_box_for_members_in_a_tenant(admin_a, people):
    page = admin_a.get("/admin/accounts/contact/").content.decode()
    assert '<form method="get" action="/admin/search/" class="console-search"' in page
    assert 'value="acme"' in admin_a.get(SEARCH, {"q": "acme"}).content.decode()
