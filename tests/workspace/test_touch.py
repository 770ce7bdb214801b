"""Log a touch in one step (admin/work/accounts/<id>/touch/): stored as a proactive communication, it moves the
days-since indicator and shows on the timeline; a gut read may come with it; only whoever may change the account.

Tenant A keeps its days in Pacific/Auckland. Now is 7 December 2026, 13:00 there (00:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from indicators.models import Event, GutRead, HealthScore
from indicators.tasks import recompute_all_accounts
from tests.conftest import session_client
from tests.factories import AccountFactory, ContactFactory
from tests.workspace.timeline_world import DAYS_SINCE, NOW, ZONE, event, store, utc

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def account(world_a):
    """Owned by A's CSM; its last proactive communication was a call on 25 November, Auckland time."""
    world_a.tenant.time_zone = ZONE
    world_a.tenant.save()
    account = AccountFactory(tenant=world_a.tenant, csm_owner=world_a.csm, licenses=10, lifecycle_stage="mature")
    contact = ContactFactory(account=account, tenant=world_a.tenant)
    store(world_a.tenant, event("call-0", "communication", "call", utc(11, 24, 21), account, contact))  # 25 Nov 10:00
    recompute_all_accounts()
    return account


def touch_url(account) -> str:
    return reverse("workspace-admin:touch", args=[account.pk])


def account_url(account) -> str:
    return reverse("admin:accounts_account_change", args=[account.pk])


def days_since(tenant, account) -> float:
    return HealthScore.objects.for_tenant(tenant).get(account=account).values[DAYS_SINCE]


def touches(tenant):
    return Event.objects.for_tenant(tenant).filter(source="console")


CALL = {"kind": "call", "occurred_at": "2026-12-07T09:00", "note": "Quarterly check-in with the team lead"}


def test_a_logged_call_is_a_proactive_communication_that_moves_days_since(
    client, world_a, account, django_capture_on_commit_callbacks, settings
):
    settings.REDIS_URL = ""  # the quick start: the account is recomputed in-process once the touch commits
    # 25 November to 7 December in Auckland: 12 days.
    assert days_since(world_a.tenant, account) == 12
    c = session_client(client, world_a.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(touch_url(account), CALL)
    assert response.status_code == 302 and response["Location"] == account_url(account)
    [touch] = touches(world_a.tenant)
    assert (touch.type, touch.name, touch.account_id) == ("communication", "call", account.pk)
    # 09:00 on 7 December in Auckland (UTC+13) is 20:00 on the 6th in UTC...
    assert touch.occurred_at == datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
    assert touch.properties == {"direction": "proactive", "summary": CALL["note"], "csm": world_a.admin.pk}
    # ...and still today in the tenant's calendar: 0 days since (1 if days were counted in UTC).
    assert days_since(world_a.tenant, account) == 0
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [f"Logged a call on {account.name}."]


def test_the_touch_shows_on_the_timeline(client, world_a, account):
    c = session_client(client, world_a.csm)
    c.post(touch_url(account), {**CALL, "kind": "business_review"})
    response = c.get(reverse("workspace-admin:account-timeline", args=[account.pk]), {"kind": "communication"})
    text = response.content.decode()
    assert f"Business review (proactive), by {world_a.csm.user}" in text
    assert CALL["note"] in text
    assert text.index("Business review") < text.index("Call (proactive)")  # newest first


def test_a_gut_read_given_with_the_touch_is_stored(client, world_a, account, django_capture_on_commit_callbacks):
    c = session_client(client, world_a.csm)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(touch_url(account), {**CALL, "gut_level": "negative", "gut_until": "2026-12-31"})
    assert response.status_code == 302
    [read] = GutRead.objects.for_tenant(world_a.tenant).filter(account=account)
    assert (read.level, read.note, read.set_by) == ("negative", CALL["note"], world_a.csm.user)
    # It counts to the end of 31 December in Auckland: midnight there is 11:00 UTC.
    assert read.expires_at == datetime(2026, 12, 31, 11, 0, tzinfo=UTC)
    assert HealthScore.objects.for_tenant(world_a.tenant).get(account=account).gut is not None
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Logged a call and a negative gut read on {account.name}."
    ]


def test_the_form_shows_now_in_the_tenants_time_zone(client, world_a, account):
    response = session_client(client, world_a.csm).get(touch_url(account))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'value="2026-12-07T13:00"' in text  # 00:00 UTC is 13:00 in Auckland
    assert 'value="2027-03-07"' in text  # a gut read counts 90 days by default


@pytest.mark.parametrize(
    "changes, field, said",
    [
        ({"occurred_at": "2026-12-07T13:30"}, "occurred_at", "A touch cannot be in the future."),
        ({"occurred_at": "next week"}, "occurred_at", "Enter a valid date/time."),
        ({"note": ""}, "note", "This field is required."),
        ({"kind": "fax"}, "kind", "Select a valid choice. fax is not one of the available choices."),
        ({"gut_level": "negative", "gut_until": ""}, "gut_until", "Say until when the gut read counts."),
        ({"gut_level": "negative", "gut_until": "2026-12-06"}, "gut_until", "The gut read must count until today"),
        ({"gut_level": "grumpy"}, "gut_level", "Select a valid choice. grumpy is not one of the available choices."),
    ],
)
def test_bad_input_is_refused_field_by_field(client, world_a, account, changes, field, said):
    response = session_client(client, world_a.admin).post(touch_url(account), {**CALL, **changes})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert said in response.content.decode()
    assert not touches(world_a.tenant).exists()
    assert not GutRead.objects.for_tenant(world_a.tenant).exists()


def test_a_viewer_may_not_log_a_touch_nor_sees_the_button(client, world_a, account):
    c = session_client(client, world_a.viewer)
    assert c.get(touch_url(account)).status_code == 403
    assert c.post(touch_url(account), CALL).status_code == 403
    assert not touches(world_a.tenant).exists()
    page = c.get(account_url(account)).content.decode()
    assert touch_url(account) not in page
    assert reverse("workspace-admin:account-timeline", args=[account.pk]) in page  # reading is for everyone


def test_a_csm_logs_touches_on_the_accounts_they_own_only(client, world_a, account):
    someone_elses = AccountFactory(tenant=world_a.tenant, csm_owner=world_a.admin)
    c = session_client(client, world_a.csm)
    assert touch_url(account) in c.get(account_url(account)).content.decode()
    assert touch_url(someone_elses) not in c.get(account_url(someone_elses)).content.decode()
    assert c.get(touch_url(someone_elses)).status_code == 403
    assert c.post(touch_url(someone_elses), CALL).status_code == 403
    assert c.post(touch_url(account), CALL).status_code == 302
    assert [t.account_id for t in touches(world_a.tenant)] == [account.pk]
    assert touches(world_a.tenant).get().properties["csm"] == world_a.csm.pk


def test_an_admin_sees_the_button_on_any_account(client, world_a, account):
    page = session_client(client, world_a.admin).get(account_url(account)).content.decode()
    assert touch_url(account) in page


def test_another_tenants_account_is_not_found(client, world_a, world_b, account):
    theirs = AccountFactory(tenant=world_b.tenant, csm_owner=world_b.csm)
    for membership in (world_a.admin, world_a.csm, world_a.viewer):
        c = session_client(client, membership)
        assert c.get(touch_url(theirs)).status_code == 404
        assert c.post(touch_url(theirs), CALL).status_code == 404
    assert not Event.objects.for_tenant(world_b.tenant).filter(source="console").exists()
    assert session_client(client, world_b.admin).post(touch_url(account), CALL).status_code == 404
    assert not touches(world_a.tenant).exists()
