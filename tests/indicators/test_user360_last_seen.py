"""User 360: "last seen" is the contact's own product use, never after they left, and agrees with their stage."""

from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import Account, Contact
from indicators.models import Event
from indicators.scoring.contacts import account_contacts_health
from tests.conftest import api_as, session_client
from tests.factories import AccountFactory, ContactFactory
from tests.indicators.health_data import event, store, usage_on

pytestmark = pytest.mark.django_db
NOW = datetime.now(UTC)


def days_ago(n: int) -> datetime:
    return NOW - timedelta(days=n)


@pytest.fixture
def acme(world_a):
    """A dormant sponsor, a champion who left 10 days ago, and an everyday user."""
    tenant = world_a.tenant
    account = AccountFactory(tenant=tenant, name="Acme")
    sponsor = ContactFactory(account=account, name="Sponsor Sam", is_executive=True)
    champion = ContactFactory(account=account, name="Champion Cleo", is_champion=True)
    user = ContactFactory(account=account, name="User Uma")
    Account.objects.for_tenant(tenant).filter(pk=account.pk).update(executive_sponsor=sponsor)
    store(tenant, [
        *usage_on(account, sponsor, [40, 45], NOW),
        *usage_on(account, champion, [12, 15], NOW),
        event(account, champion, "relationship", "champion_left", days_ago(10)),
        *usage_on(account, user, [0, 1, 2], NOW),
    ])  # fmt: skip
    return account, sponsor, champion, user


def rows_of(tenant, account, as_of=NOW):
    return {str(r.contact): r for r in account_contacts_health(tenant=tenant, account=account, as_of=as_of)}


def last_usage(contact, *, before=None) -> datetime:
    used = Event.objects.for_tenant(contact.tenant).filter(contact=contact, type="usage")
    if before is not None:
        used = used.filter(occurred_at__lte=before)
    return used.order_by("-occurred_at").values_list("occurred_at", flat=True)[0]


def test_a_dormant_executive_is_last_seen_when_they_last_used_the_product_not_today(world_a, acme):
    account, sponsor, _, _ = acme
    # The stored value says today, as the demo's plan and a contacts-API sync write it; no usage backs it.
    Contact.objects.for_tenant(world_a.tenant).filter(pk=sponsor.pk).update(last_seen_at=NOW)
    sam = rows_of(world_a.tenant, account)["Sponsor Sam"]
    assert sam.adoption_stage == "dormant" and sam.values["days_since_last_usage"] == 40
    assert sam.last_seen_at == last_usage(sponsor)
    assert [r.kind for r in sam.risks] == ["dormant"]


def test_events_about_a_contact_by_someone_else_do_not_make_them_seen(world_a, acme):
    account, sponsor, _, _ = acme
    store(world_a.tenant, [
        event(account, sponsor, "communication", "call", days_ago(0), direction="proactive"),  # a CSM's call
        event(account, sponsor, "relationship", "executive_sponsor_engaged", days_ago(0)),
        event(account, sponsor, "commercial", "renewal", days_ago(0), amount="1000.00"),
        event(account, None, "support", "ticket_opened", days_ago(0)),  # the account's, nobody's own
    ])  # fmt: skip
    sponsor.refresh_from_db()
    assert sponsor.last_seen_at == last_usage(sponsor)  # ingestion left it where their usage put it
    sam = rows_of(world_a.tenant, account)["Sponsor Sam"]
    assert sam.last_seen_at == last_usage(sponsor) and sam.adoption_stage == "dormant"


def test_a_champion_who_left_is_last_seen_before_leaving_even_if_usage_came_in_after(world_a, acme):
    account, _, champion, _ = acme
    store(world_a.tenant, usage_on(account, champion, [5], NOW))  # their login kept sending events
    champion.refresh_from_db()
    assert champion.last_seen_at > days_ago(10)  # what ingestion recorded
    cleo = rows_of(world_a.tenant, account)["Champion Cleo"]
    assert cleo.adoption_stage == "left" and cleo.left_at is not None
    assert cleo.last_seen_at == last_usage(champion, before=cleo.left_at) < cleo.left_at
    assert cleo.values["active_days_30d"] is None and [r.kind for r in cleo.risks] == ["left"]


def test_a_departure_recorded_before_a_stored_last_seen_with_no_usage_left_shows_never(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    gone = ContactFactory(account=account, name="Gone Gus", is_champion=True, last_seen_at=days_ago(1))
    store(world_a.tenant, [event(account, gone, "relationship", "contact_left", days_ago(20))])
    gus = rows_of(world_a.tenant, account)["Gone Gus"]
    assert gus.adoption_stage == "left" and gus.last_seen_at is None


def test_last_seen_is_never_after_the_moment_the_view_is_taken(world_a, acme):
    account, _, _, user = acme
    as_of = days_ago(1) + timedelta(minutes=1)
    uma = rows_of(world_a.tenant, account, as_of=as_of)["User Uma"]
    assert uma.last_seen_at == last_usage(user, before=as_of) <= as_of


def test_ordinary_usage_keeps_the_exact_time_ingestion_recorded(world_a, acme):
    account, _, _, user = acme
    user.refresh_from_db()
    assert rows_of(world_a.tenant, account)["User Uma"].last_seen_at == user.last_seen_at


def test_the_api_and_the_account_page_show_the_same_last_seen(client, world_a, acme):
    account, sponsor, champion, _ = acme
    Contact.objects.for_tenant(world_a.tenant).filter(pk=sponsor.pk).update(last_seen_at=NOW)
    store(world_a.tenant, usage_on(account, champion, [5], NOW))
    body = api_as(world_a.viewer).get(f"/api/v1/accounts/{account.pk}/contacts/health").json()
    api = {r["name"]: r for r in body["contacts"]}
    sam_seen = last_usage(sponsor)
    assert datetime.fromisoformat(api["Sponsor Sam"]["last_seen_at"].replace("Z", "+00:00")) == sam_seen
    cleo_seen = datetime.fromisoformat(api["Champion Cleo"]["last_seen_at"].replace("Z", "+00:00"))
    assert cleo_seen < datetime.fromisoformat(api["Champion Cleo"]["left_at"].replace("Z", "+00:00"))
    html = session_client(client, world_a.admin).get(f"/admin/accounts/account/{account.pk}/change/").content.decode()
    panel = html[html.index('class="contacts-health"') :]
    row = panel[panel.index("Sponsor Sam") : panel.index("</tr>", panel.index("Sponsor Sam"))]
    assert f"<td>{sam_seen:%Y-%m-%d}</td>" in row and f"<td>{NOW:%Y-%m-%d}</td>" not in row


def test_another_tenants_usage_of_the_same_contact_id_is_not_read(world_a, world_b, acme):
    account, sponsor, _, _ = acme
    Contact.objects.for_tenant(world_a.tenant).filter(pk=sponsor.pk).update(last_seen_at=NOW)
    theirs = AccountFactory(tenant=world_b.tenant)
    # A row that should not exist: another tenant's event naming our contact. It must not leak in.
    Event.objects.create(tenant=world_b.tenant, account=theirs, contact=sponsor, type="usage", name="x",
                         occurred_at=days_ago(2), received_at=NOW, message_id="b-1", source="api")  # fmt: skip
    assert rows_of(world_a.tenant, account)["Sponsor Sam"].last_seen_at == last_usage(sponsor)
    assert rows_of(world_b.tenant, account) == {}
