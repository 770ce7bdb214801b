"""The indicators admin: events, the ingestion-error log and the catalogue, per role and per tenant."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from indicators.models import Event, Feature, IngestionError, Product
from indicators.services.events import EventInput, events_record
from tests.conftest import session_client
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

EVENTS = "/admin/indicators/event/"
ERRORS = "/admin/indicators/ingestionerror/"
FEATURES = "/admin/indicators/feature/"
PRODUCTS = "/admin/indicators/product/"


def record(tenant, account, name, **fields) -> Event:
    item = EventInput(type=fields.pop("type", "usage"), name=name, account_id=account.pk,
                      occurred_at=fields.pop("occurred_at", timezone.now()), **fields)  # fmt: skip
    return Event.objects.for_tenant(tenant).get(pk=events_record(tenant=tenant, items=[item]).events[0].event_id)


@pytest.fixture
def two_tenants(world_a, world_b):
    """Events, features, products and ingestion errors in both tenants, named after their tenant."""
    rows = {}
    for world, tag in ((world_a, "Ours"), (world_b, "Theirs")):
        account = AccountFactory(tenant=world.tenant, name=f"{tag} Corp")
        contact = ContactFactory(account=account, name=f"{tag} Person")
        event = record(world.tenant, account, f"{tag} Feature Used", contact_id=contact.pk, message_id=f"{tag}-msg")
        product = Product.objects.create(tenant=world.tenant, key=f"{tag.lower()}-product", name=f"{tag} Product")
        Feature.objects.for_tenant(world.tenant).filter(key=f"{tag} Feature Used").update(product=product)
        error = IngestionError.objects.create(
            tenant=world.tenant, source="segment", message_id=f"{tag}-bad", index=3, reason=f"{tag} reason",
            payload='{"type": "track"}',
        )  # fmt: skip
        rows[tag] = {"account": account, "event": event, "product": product, "error": error}
    return rows


@pytest.mark.parametrize("role", ["admin", "csm", "viewer"])
def test_every_role_reads_events_and_the_catalogue_of_its_tenant_only(role, client, world_a, world_b, two_tenants):
    c = session_client(client, getattr(world_a, role))
    for url in (EVENTS, FEATURES, PRODUCTS, f"{EVENTS}{two_tenants['Ours']['event'].pk}/change/"):
        response = c.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "Ours" in page and "Theirs" not in page, url
    their = two_tenants["Theirs"]
    for url in (
        f"{EVENTS}{their['event'].pk}/change/",
        f"{EVENTS}{their['event'].pk}/history/",
        f"{PRODUCTS}{their['product'].pk}/change/",
        f"{FEATURES}{Feature.objects.for_tenant(world_b.tenant).get().pk}/change/",
    ):
        assert c.get(url).status_code == 404, url
    # The error log is admins' only: others are refused before any lookup, whoever's row it is.
    assert c.get(f"{ERRORS}{their['error'].pk}/change/").status_code == (404 if role == "admin" else 403)


def test_only_admins_see_the_ingestion_error_log(client, world_a, two_tenants):
    admin = session_client(client, world_a.admin)
    page = admin.get(ERRORS).content.decode()
    assert "Ours reason" in page and "Theirs reason" not in page
    detail = admin.get(f"{ERRORS}{two_tenants['Ours']['error'].pk}/change/")
    assert detail.status_code == 200 and "&quot;track&quot;" in detail.content.decode()
    assert admin.get(f"{ERRORS}{two_tenants['Theirs']['error'].pk}/change/").status_code == 404
    for member in (world_a.csm, world_a.viewer):
        assert session_client(client, member).get(ERRORS).status_code == 403


def test_ingestion_errors_are_listed_newest_first(client, world_a):
    for reason in ("older", "newer"):
        IngestionError.objects.create(tenant=world_a.tenant, source="segment", reason=reason)
    results = session_client(client, world_a.admin).get(ERRORS).context["cl"].result_list
    assert [e.reason for e in results] == ["newer", "older"]


def test_events_and_errors_are_read_only_even_for_admins(client, world_a, two_tenants):
    admin = session_client(client, world_a.admin)
    event = two_tenants["Ours"]["event"]
    assert admin.get(f"{EVENTS}add/").status_code == 403
    assert admin.get(f"{ERRORS}add/").status_code == 403
    assert admin.post(f"{EVENTS}{event.pk}/change/", {"name": "changed"}).status_code == 403
    assert admin.get(f"{EVENTS}{event.pk}/delete/").status_code == 403
    page = admin.get(f"{EVENTS}{event.pk}/change/").content.decode()
    assert 'name="_save"' not in page and "Ours Corp" in page
    assert admin.get(f"{EVENTS}{event.pk}/history/").status_code == 200


def test_event_filters_and_search_stay_inside_the_tenant(client, world_a, two_tenants):
    admin = session_client(client, world_a.admin)
    ours = two_tenants["Ours"]
    old = record(world_a.tenant, ours["account"], "Ancient", occurred_at=timezone.now() - timedelta(days=40))
    queries = {
        "?type__exact=usage": {ours["event"].pk, old.pk},
        "?type__exact=support": set(),
        "?source=api": {ours["event"].pk, old.pk},
        "?source=segment": set(),
        "?occurred_within=30d": {ours["event"].pk},
        "?q=Ours-msg": {ours["event"].pk},
        "?q=Ancient": {old.pk},
        "?q=Theirs-msg": set(),
        f"?account__id__exact={ours['account'].pk}": {ours["event"].pk, old.pk},
        f"?account__id__exact={two_tenants['Theirs']['account'].pk}": set(),
    }
    for query, expected in queries.items():
        response = admin.get(EVENTS + query)
        assert response.status_code == 200, query
        assert {e.pk for e in response.context["cl"].result_list} == expected, query


def test_searching_events_by_user_finds_the_contact_s_events_and_pending_ones(client, world_a, two_tenants):
    ours, theirs = two_tenants["Ours"], two_tenants["Theirs"]
    contact = ours["event"].contact
    waiting = Event.objects.create(tenant=world_a.tenant, type="usage", name="Ours Feature Used", user_id="visitor-9",
                                   occurred_at=timezone.now(), received_at=timezone.now(), message_id="w1")  # fmt: skip
    ticket = record(world_a.tenant, ours["account"], "ticket_opened", type="support", properties={"ticket_id": "T1"})
    # Named as B's contact: found by name here, so a contact lookup that strayed into B would miss it.
    theirs_id = theirs["event"].contact.external_id
    named = record(world_a.tenant, ours["account"], theirs_id, type="support", properties={"ticket_id": "T2"})
    admin = session_client(client, world_a.admin)
    queries = {
        contact.external_id: {ours["event"].pk},
        "visitor-9": {waiting.pk},
        "ticket_opened": {ticket.pk},
        "Ours Feature Used": {ours["event"].pk, waiting.pk},
        "no-such-thing": set(),
        theirs_id: {named.pk},
    }
    for term, expected in queries.items():
        found = admin.get(EVENTS, {"q": term}).context["cl"].result_list
        assert {e.pk for e in found} == expected, term


def test_the_event_list_runs_a_bounded_number_of_queries(client, world_a, two_tenants):
    account = two_tenants["Ours"]["account"]
    for i in range(30):
        record(world_a.tenant, account, f"Feature {i}", contact_id=None)
    admin = session_client(client, world_a.admin)
    with CaptureQueriesContext(connection) as captured:
        assert admin.get(EVENTS).status_code == 200
    statements = [q["sql"].upper() for q in captured.captured_queries]
    assert len(statements) < 20
    assert not any("DISTINCT" in s for s in statements)  # no filter lists every value in use


def test_admins_classify_features_in_the_list_and_others_cannot(client, world_a, two_tenants):
    feature = Feature.objects.for_tenant(world_a.tenant).get(key="Ours Feature Used")
    admin = session_client(client, world_a.admin)
    assert 'name="form-0-is_core_value"' in admin.get(FEATURES).content.decode()
    response = admin.post(
        FEATURES,
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": feature.pk, "form-0-is_core_value": "on",
         "_save": "Save"},
    )  # fmt: skip
    assert response.status_code == 302
    feature.refresh_from_db()
    assert feature.is_core_value is True
    for member in (world_a.csm, world_a.viewer):
        assert 'name="form-0-is_core_value"' not in session_client(client, member).get(FEATURES).content.decode()


def test_another_tenants_feature_id_in_the_list_form_answers_like_a_missing_one(client, world_a, world_b):
    theirs = Feature.objects.create(tenant=world_b.tenant, key="theirs", name="theirs")
    admin = session_client(client, world_a.admin)
    answers = []
    for pk in (theirs.pk, 999999999):
        form = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": pk, "form-0-is_core_value": "on",
                "_save": "Save"}  # fmt: skip
        response = admin.post(FEATURES, form)
        answers.append((response.status_code, response.context["cl"].formset.errors))
    assert answers[0] == answers[1] and answers[0][0] == 200
    theirs.refresh_from_db()
    assert theirs.is_core_value is False


def test_the_merge_action_merges_the_selection_into_its_core_feature(client, world_a, world_b):
    core = Feature.objects.create(tenant=world_a.tenant, key="Export", name="Export", is_core_value=True)
    others = [Feature.objects.create(tenant=world_a.tenant, key=k, name=k) for k in ("export_v1", "exported")]
    theirs = Feature.objects.create(tenant=world_b.tenant, key="x", name="x")
    admin = session_client(client, world_a.admin)
    selected = [others[0].pk, core.pk, others[1].pk, theirs.pk]
    response = admin.post(FEATURES, {"action": "merge_selected", "_selected_action": selected}, follow=True)
    assert "Merged 2 feature(s) into “Export”." in response.content.decode()
    assert {f.key: f.merged_into_id for f in Feature.objects.for_tenant(world_a.tenant)} == {
        "Export": None,
        "export_v1": core.pk,
        "exported": core.pk,
    }
    theirs.refresh_from_db()
    assert theirs.merged_into is None
    csm = session_client(client, world_a.csm)
    csm.post(FEATURES, {"action": "merge_selected", "_selected_action": [core.pk]})
    assert "merge_selected" not in csm.get(FEATURES).content.decode()


def test_feature_filters_list_only_the_tenants_products(client, world_a, two_tenants):
    page = session_client(client, world_a.admin).get(FEATURES + "?is_core_value__exact=0&merged=no")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ours Product" in text and "Theirs Product" not in text


def test_account_page_shows_its_recent_activity(client, world_a, two_tenants):
    ours = two_tenants["Ours"]
    account = ours["account"]
    other = AccountFactory(tenant=world_a.tenant)
    record(world_a.tenant, other, "Someone Else's Click")
    start = timezone.now() - timedelta(days=1)
    for i in range(25):
        record(world_a.tenant, account, f"Step {i:02d}", occurred_at=start + timedelta(minutes=i))
    for role in ("admin", "csm", "viewer"):
        page = session_client(client, getattr(world_a, role)).get(f"/admin/accounts/account/{account.pk}/change/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "Recent activity" in text
        # The last 20: the fixture's event (now) and steps 24 down to 06.
        assert "Ours Feature Used" in text and "Step 24" in text and "Step 06" in text and "Step 05" not in text
        assert "Someone Else" not in text and "Theirs" not in text
        assert f"/admin/indicators/event/?account__id__exact={account.pk}" in text


def test_an_account_without_events_says_so(client, world_a):
    account = AccountFactory(tenant=world_a.tenant)
    page = session_client(client, world_a.admin).get(f"/admin/accounts/account/{account.pk}/change/")
    assert "No events yet." in page.content.decode()
    assert (
        "Recent activity"
        not in session_client(client, world_a.admin).get("/admin/accounts/account/add/").content.decode()
    )
