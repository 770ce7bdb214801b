"""The CSM's gut read: who may set it, its expiry, its place beside the computed score, and tenants."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Scope
from accounts.services.api_keys import api_key_create
from indicators.models import GutRead, HealthScore
from indicators.scoring.load import gut_reads_load
from indicators.scoring.recompute import accounts_recompute
from indicators.services.gut import gut_read_set
from indicators.services.scorecards import scorecard_default_create
from tests.conftest import api_as, session_client
from tests.factories import AccountFactory, ContactFactory
from tests.indicators.test_recompute import seed_usage

pytestmark = pytest.mark.django_db

URL = "/api/v1/gut-reads/"


def later(days: float) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


@pytest.fixture
def owned(world_a):
    """An account of tenant A owned by A's CSM, and one owned by nobody."""
    return (
        AccountFactory(tenant=world_a.tenant, csm_owner=world_a.csm),
        AccountFactory(tenant=world_a.tenant, csm_owner=None),
    )


def errors(response) -> dict:
    return {e["attr"]: e for e in response.json()["errors"]}


def test_the_accounts_csm_sets_a_read_stamped_with_who_and_when(world_a, owned):
    mine, _ = owned
    response = api_as(world_a.csm).post(
        URL, {"account": mine.pk, "level": "negative", "note": "Sponsor is leaving.", "expires_at": later(30)},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["set_by"] == world_a.csm.user.email and data["is_live"] is True and data["level"] == "negative"
    read = GutRead.objects.for_tenant(world_a.tenant).get(pk=data["id"])
    assert read.set_by == world_a.csm.user and read.history.count() == 1


def test_a_csm_may_not_set_the_read_of_an_account_they_do_not_own_an_admin_may(world_a, owned):
    _, other = owned
    payload = {"account": other.pk, "level": "positive", "expires_at": later(10)}
    assert api_as(world_a.csm).post(URL, payload, format="json").status_code == 403
    assert api_as(world_a.admin).post(URL, payload, format="json").status_code == 201


def test_viewers_and_keys_only_read(world_a, owned, key_client_a):
    mine, _ = owned
    gut_read_set(tenant=world_a.tenant, account=mine, level="neutral", expires_at=timezone.now() + timedelta(days=5),
                 set_by=world_a.admin.user)  # fmt: skip
    read_key = APIClient()
    read_key.credentials(
        HTTP_AUTHORIZATION=f"Bearer {api_key_create(tenant=world_a.tenant, name='r', scopes=[Scope.READ])[1]}"
    )
    payload = {"account": mine.pk, "level": "positive", "expires_at": later(10)}
    for client in (api_as(world_a.viewer), read_key, key_client_a):
        assert len(client.get(URL, {"account": mine.pk}).json()["results"]) == 1
        assert client.post(URL, payload, format="json").status_code == 403
    assert GutRead.objects.for_tenant(world_a.tenant).count() == 1


@pytest.mark.parametrize(
    ("change", "attr"),
    [
        ({"expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
        ({"level": "ecstatic"}, "level"),
        ({"expires_at": None}, "expires_at"),
        ({"mood": "x"}, "mood"),
    ],
)
def test_bad_reads_answer_400_naming_the_field(world_a, owned, change, attr):
    mine, _ = owned
    payload = {"account": mine.pk, "level": "positive", "expires_at": later(10), **change}
    response = api_as(world_a.admin).post(URL, payload, format="json")
    assert response.status_code == 400 and attr in errors(response), response.json()


def test_who_set_a_read_comes_from_the_request_never_from_the_body(world_a, owned):
    mine, _ = owned
    payload = {"account": mine.pk, "level": "positive", "expires_at": later(10), "set_by": world_a.admin.user.email}
    response = api_as(world_a.csm).post(URL, payload, format="json")
    assert response.status_code == 201 and response.json()["set_by"] == world_a.csm.user.email


def test_reads_are_never_edited_through_the_api(world_a, owned):
    mine, _ = owned
    read = gut_read_set(tenant=world_a.tenant, account=mine, level="neutral",
                        expires_at=timezone.now() + timedelta(days=5), set_by=None)  # fmt: skip
    api = api_as(world_a.admin)
    assert api.patch(f"{URL}{read.pk}/", {"level": "positive"}, format="json").status_code == 405
    assert api.delete(f"{URL}{read.pk}/").status_code == 405


def test_another_tenants_reads_and_accounts_are_unknown(world_a, world_b, owned):
    theirs = AccountFactory(tenant=world_b.tenant, csm_owner=world_b.csm)
    their_read = gut_read_set(tenant=world_b.tenant, account=theirs, level="very_negative",
                              expires_at=timezone.now() + timedelta(days=5), set_by=world_b.csm.user)  # fmt: skip
    api = api_as(world_a.admin)
    assert api.get(URL).json()["results"] == []
    assert api.get(f"{URL}{their_read.pk}/").status_code == 404
    filtered = api.get(URL, {"account": theirs.pk})
    assert filtered.status_code == 400 and "account" in errors(filtered)
    pointed = api.post(URL, {"account": theirs.pk, "level": "positive", "expires_at": later(3)}, format="json")
    assert pointed.status_code == 400 and errors(pointed)["account"]["code"] == "does_not_exist"
    assert GutRead.objects.for_tenant(world_b.tenant).count() == 1
    assert not GutRead.objects.for_tenant(world_a.tenant).exists()


def test_a_read_moves_the_final_score_until_it_expires(world_a):
    tenant = world_a.tenant
    scorecard_default_create(tenant=tenant)
    now = datetime.now(UTC)
    account = AccountFactory(tenant=tenant, licenses=10, lifecycle_stage="mature")
    seed_usage(tenant, account, ContactFactory.create_batch(5, account=account), 35, lambda d: 5, now)
    accounts_recompute(tenant=tenant, account_ids=[account.pk], as_of=now)
    before = HealthScore.objects.for_tenant(tenant).get(account=account)
    assert before.gut is None and before.score == pytest.approx(before.computed, abs=0.01)

    read = gut_read_set(tenant=tenant, account=account, level="very_negative",
                        expires_at=timezone.now() + timedelta(days=7), set_by=world_a.csm.user)  # fmt: skip
    accounts_recompute(tenant=tenant, account_ids=[account.pk], as_of=read.set_at + timedelta(minutes=1))
    during = HealthScore.objects.for_tenant(tenant).get(account=account)
    assert during.gut == 0 and during.computed == pytest.approx(before.computed)
    assert during.score == pytest.approx(0.8 * during.computed, abs=0.01)  # gut_weight 0.2 of a 0-point read

    accounts_recompute(tenant=tenant, account_ids=[account.pk], as_of=read.expires_at + timedelta(minutes=1))
    after = HealthScore.objects.for_tenant(tenant).get(account=account)
    assert after.gut is None and after.score == pytest.approx(after.computed, abs=0.01)


def test_setting_a_read_rescores_the_account_after_commit(world_a, django_capture_on_commit_callbacks):
    tenant = world_a.tenant
    scorecard_default_create(tenant=tenant)
    account = AccountFactory(tenant=tenant, csm_owner=world_a.csm)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world_a.csm).post(
            URL, {"account": account.pk, "level": "very_positive", "expires_at": later(20)}, format="json"
        )
    assert response.status_code == 201
    assert HealthScore.objects.for_tenant(tenant).get(account=account).gut == 100


def test_the_latest_read_replaces_older_ones_even_when_it_expires_first(world_a):
    tenant = world_a.tenant
    now = timezone.now()
    account = AccountFactory(tenant=tenant)
    GutRead.objects.create(tenant=tenant, account=account, level="very_negative", expires_at=now + timedelta(days=90),
                           set_at=now - timedelta(days=5))  # fmt: skip
    GutRead.objects.create(tenant=tenant, account=account, level="positive", expires_at=now + timedelta(days=2),
                           set_at=now - timedelta(days=1))  # fmt: skip
    assert gut_reads_load(tenant=tenant, account_ids=[account.pk], as_of=now)[account.pk].level == "positive"
    # At a moment before the newer read was set, the older one was the read.
    past = gut_reads_load(tenant=tenant, account_ids=[account.pk], as_of=now - timedelta(days=3))
    assert past[account.pk].level == "very_negative"


def test_reads_of_a_chunk_load_in_one_query_and_only_the_tenants(world_a, world_b):
    now = timezone.now()
    accounts = [AccountFactory(tenant=world_a.tenant) for _ in range(5)]
    for account in accounts:
        GutRead.objects.create(
            tenant=world_a.tenant, account=account, level="neutral", expires_at=now + timedelta(days=1)
        )
    theirs = AccountFactory(tenant=world_b.tenant)
    GutRead.objects.create(tenant=world_b.tenant, account=theirs, level="neutral", expires_at=now + timedelta(days=1))
    ids = [a.pk for a in accounts] + [theirs.pk]
    with CaptureQueriesContext(connection) as queries:
        loaded = gut_reads_load(tenant=world_a.tenant, account_ids=ids, as_of=timezone.now())
    assert len(queries) == 1 and set(loaded) == {a.pk for a in accounts}


# --- admin ------------------------------------------------------------------------------------------


def admin_payload(account, **overrides):
    expires = timezone.localtime(timezone.now() + timedelta(days=14))
    return {
        "account": account.pk,
        "level": "negative",
        "note": "Quiet since the reorg.",
        "expires_at_0": expires.strftime("%Y-%m-%d"),
        "expires_at_1": expires.strftime("%H:%M:%S"),
        **overrides,
    }


def test_a_csm_sets_a_read_in_the_admin_for_an_account_they_own(client, world_a, owned):
    mine, other = owned
    csm = session_client(client, world_a.csm)
    response = csm.post("/admin/indicators/gutread/add/", admin_payload(mine))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    read = GutRead.objects.for_tenant(world_a.tenant).get()
    assert read.set_by == world_a.csm.user and read.account == mine and read.tenant == world_a.tenant
    refused = csm.post("/admin/indicators/gutread/add/", admin_payload(other))
    assert refused.status_code == 200 and "account" in refused.context["adminform"].form.errors
    past = csm.post("/admin/indicators/gutread/add/", admin_payload(mine, expires_at_0="2020-01-01"))
    assert past.status_code == 200 and "expires_at" in past.context["adminform"].form.errors
    assert GutRead.objects.for_tenant(world_a.tenant).count() == 1


def test_the_gut_read_admin_shows_only_the_tenants_reads(client, world_a, world_b):
    theirs = AccountFactory(tenant=world_b.tenant, name="Beta Secret Corp")
    their_read = GutRead.objects.create(tenant=world_b.tenant, account=theirs, level="neutral", note="beta-only note",
                                        expires_at=timezone.now() + timedelta(days=1))  # fmt: skip
    admin = session_client(client, world_a.admin)
    listing = admin.get("/admin/indicators/gutread/")
    assert listing.status_code == 200 and b"Beta Secret Corp" not in listing.content
    assert admin.get(f"/admin/indicators/gutread/{their_read.pk}/change/").status_code == 404
    add = admin.post("/admin/indicators/gutread/add/", admin_payload(theirs))
    assert add.status_code == 200 and "account" in add.context["adminform"].form.errors
    assert GutRead.objects.for_tenant(world_b.tenant).count() == 1


def test_a_viewer_cannot_set_a_read_in_the_admin(client, world_a, owned):
    mine, _ = owned
    viewer = session_client(client, world_a.viewer)
    assert viewer.get("/admin/indicators/gutread/").status_code == 200
    assert viewer.post("/admin/indicators/gutread/add/", admin_payload(mine)).status_code == 403
    assert not GutRead.objects.for_tenant(world_a.tenant).exists()


def test_the_demo_gets_its_default_scorecard_and_a_few_live_reads_once(world_a):
    from demo.gut import DEMO_READS, demo_gut_seed
    from indicators.models import Scorecard

    for n in range(20):
        AccountFactory(tenant=world_a.tenant, csm_owner=world_a.csm, lifecycle_stage=["mature", "renewing"][n % 2])
    assert demo_gut_seed(tenant=world_a.tenant) == DEMO_READS
    assert demo_gut_seed(tenant=world_a.tenant) == 0  # re-runs keep the live reads
    reads = list(GutRead.objects.for_tenant(world_a.tenant))
    assert len(reads) == DEMO_READS and all(r.is_live() and r.set_by == world_a.csm.user and r.note for r in reads)
    assert Scorecard.objects.for_tenant(world_a.tenant).get().is_default
