"""/api/v1/renewals/ and /api/v1/arr-movements/: roles, upsert by external id, bulk, errors, tenancy."""

import json
from decimal import Decimal

import pytest

from outcomes.models import ArrMovement, Renewal
from tests.conftest import api_as
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/renewals/"


def body(account, **fields) -> dict:
    return {"account": account.pk, "term_start": "2025-03-01", "term_end": "2026-03-01", "arr_due": "12000.00",
            **fields}  # fmt: skip


def errors(response) -> list[tuple[str, str]]:
    return sorted((e["attr"], e["code"]) for e in response.json()["errors"])


def test_an_admin_creates_and_closes_a_renewal_and_the_ledger_shows_it(world_a):
    account = AccountFactory(tenant=world_a.tenant, arr=Decimal("12000"), csm_owner=world_a.csm)
    api = api_as(world_a.admin)
    created = api.post(URL, body(account), format="json")
    assert created.status_code == 201, created.json()
    closed = api.patch(f"{URL}{created.json()['id']}/", {"outcome": "downsold", "closed_arr": "9000",
                                                         "closed_on": "2026-02-27"}, format="json")  # fmt: skip
    assert closed.status_code == 200, closed.json()
    assert closed.json()["next_renewal"] is not None
    movements = api.get("/api/v1/arr-movements/", {"account": account.pk}).json()["results"]
    assert [(m["kind"], m["amount"], m["on"]) for m in movements] == [
        ("new", "12000.00", movements[0]["on"]), ("contraction", "-3000.00", "2026-02-27"),
    ]  # fmt: skip
    assert api.post("/api/v1/arr-movements/", {}, format="json").status_code == 405  # appended, never written


def test_a_csm_calls_their_own_accounts_renewals_only(world_a):
    mine = AccountFactory(tenant=world_a.tenant, arr=Decimal("5000"), csm_owner=world_a.csm)
    theirs = AccountFactory(tenant=world_a.tenant, arr=Decimal("5000"))
    admin, csm = api_as(world_a.admin), api_as(world_a.csm)
    own = admin.post(URL, body(mine), format="json").json()["id"]
    other = admin.post(URL, body(theirs), format="json").json()["id"]
    call = {"csm_call": "at_risk"}
    response = csm.patch(f"{URL}{own}/", call, format="json")
    assert response.status_code == 200 and response.json()["csm_call_on"] is not None  # dated when made
    assert csm.patch(f"{URL}{other}/", call, format="json").status_code == 403
    assert csm.post(URL, body(mine, term_end="2027-03-01"), format="json").status_code == 403
    assert api_as(world_a.viewer).patch(f"{URL}{own}/", call, format="json").status_code == 403


def test_bad_input_is_a_400_naming_the_field(world_a, world_b):
    account = AccountFactory(tenant=world_a.tenant, arr=Decimal("5000"))
    api = api_as(world_a.admin)
    assert errors(api.post(URL, body(account, outcome="renewed", closed_arr="4000"), format="json")) == [
        ("outcome", "invalid")
    ]
    assert errors(api.post(URL, body(account, colour="red"), format="json"))[0][0] == "colour"
    foreign = AccountFactory(tenant=world_b.tenant)
    assert errors(api.post(URL, body(foreign), format="json"))[0][0] == "account"  # another tenant's: not found
    api.post(URL, body(account), format="json")
    assert errors(api.post(URL, body(account), format="json")) == [("term_end", "invalid")]  # one per term


def test_put_by_external_id_creates_then_updates(world_a):
    account = AccountFactory(tenant=world_a.tenant, arr=Decimal("5000"))
    api = api_as(world_a.admin)
    path = f"{URL}by-external-id/opp-17/"
    assert api.put(path, body(account), format="json").status_code == 201
    updated = api.put(path, {"csm_call": "commit"}, format="json")
    assert updated.status_code == 200 and updated.json()["csm_call"] == "commit"
    assert Renewal.objects.for_tenant(world_a.tenant).filter(external_id="opp-17").count() == 1


def test_bulk_is_all_or_nothing_and_names_each_failing_item(world_a, world_b):
    account = AccountFactory(tenant=world_a.tenant, arr=Decimal("5000"))
    api = api_as(world_a.admin)
    good = {**body(account), "external_id": "opp-1"}
    bad = {**body(account, term_end="2027-03-01", arr_due="-5"), "external_id": "opp-2"}
    response = api.post(f"{URL}bulk/", {"renewals": [good, bad]}, format="json")
    assert response.status_code == 400 and errors(response) == [("renewals.1.arr_due", "min_value")]
    assert not Renewal.objects.for_tenant(world_a.tenant).exists()
    bad["arr_due"] = "5000"
    response = api.post(f"{URL}bulk/", {"renewals": [good, bad]}, format="json")
    assert response.status_code == 200 and [r["created"] for r in response.json()["renewals"]] == [True, True]
    assert not Renewal.objects.for_tenant(world_b.tenant).exists()


def test_another_tenants_renewals_and_movements_are_not_there(world_a, world_b):
    theirs = AccountFactory(tenant=world_b.tenant, arr=Decimal("5000"))
    renewal = api_as(world_b.admin).post(URL, body(theirs), format="json").json()["id"]
    closed = api_as(world_b.admin).patch(f"{URL}{renewal}/", {"outcome": "churned"}, format="json")
    assert closed.status_code == 200 and ArrMovement.objects.for_tenant(world_b.tenant).exists()
    api = api_as(world_a.admin)
    assert api.get(f"{URL}{renewal}/").status_code == 404
    assert api.get(URL).json()["results"] == []
    assert api.get("/api/v1/arr-movements/").json()["results"] == []


@pytest.mark.parametrize(
    ("change", "attr"),
    [
        ({"external_id": "opp-\x00"}, "renewals.0.external_id"),
        ({"external_id": "opp-\ud83d"}, "renewals.0.external_id"),
    ],
)
def test_bulk_names_unstorable_ids_instead_of_failing_the_lookup(world_a, change, attr):
    """An item is looked up by its ids before it is validated: that lookup must not meet raw bad values."""
    account = AccountFactory(tenant=world_a.tenant)
    item = {**body(account), "external_id": "opp-1", **change}
    raw = json.dumps({"renewals": [item]})  # escaped: a lone surrogate travels as the six characters \ud83d
    response = api_as(world_a.admin).generic("POST", f"{URL}bulk/", raw, content_type="application/json")
    assert response.status_code == 400, response.content
    assert attr in {e["attr"] for e in response.json()["errors"]}
