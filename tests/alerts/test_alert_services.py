"""alert_raise / alert_close: the public way other apps raise and close alerts."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from alerts.models import Alert, AlertStatus
from alerts.services import alert_close, alert_raise, alert_update
from tests.alerts.builders import due
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def raise_for(tenant, account, key="followup:1", **overrides):
    values = {"title": "Follow-up overdue", "message": "Due yesterday.", "priority": "high", "due_at": due(1)}
    return alert_raise(tenant=tenant, account=account, key=key, **{**values, **overrides})


def open_alerts(tenant):
    return Alert.objects.for_tenant(tenant).exclude(status=AlertStatus.CLOSED)


def test_raise_opens_an_alert_for_the_accounts_csm(world_a):
    account = AccountFactory(tenant=world_a.tenant, csm_owner=world_a.csm)
    alert = raise_for(world_a.tenant, account, detail={"followup": 1})
    assert alert.assignee == world_a.csm
    assert (alert.status, alert.fire_count, alert.detail) == (AlertStatus.OPEN, 1, {"followup": 1})
    assert alert.history.count() == 1


def test_raising_the_same_key_again_updates_the_one_open_alert(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    first = raise_for(world_a.tenant, account, due_at=due(1))
    again = raise_for(world_a.tenant, account, message="Due two days ago.", priority="medium", due_at=due(5))
    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.fire_count, again.message, again.priority) == (2, "Due two days ago.", "medium")
    assert again.due_at == first.due_at  # the earlier commitment stands
    assert again.last_fired_at > again.first_fired_at
    assert open_alerts(world_a.tenant).count() == 1


def test_a_different_key_or_account_opens_its_own_alert(world_a):
    one, two = AccountFactory(tenant=world_a.tenant), AccountFactory(tenant=world_a.tenant)
    raise_for(world_a.tenant, one, key="followup:1")
    raise_for(world_a.tenant, one, key="followup:2")
    raise_for(world_a.tenant, two, key="followup:1")
    assert open_alerts(world_a.tenant).count() == 3


def test_close_needs_a_note_and_then_a_new_firing_opens_a_new_alert(world_a):
    account = AccountFactory(tenant=world_a.tenant)
    first = raise_for(world_a.tenant, account)
    with pytest.raises(ValidationError) as refused:
        alert_close(tenant=world_a.tenant, account=account, key="followup:1", note="  ")
    assert "closing_note" in refused.value.message_dict
    assert alert_close(tenant=world_a.tenant, account=account, key="followup:1", note="Called them.",
                       by=world_a.csm.user)  # fmt: skip
    first.refresh_from_db()
    assert (first.status, first.closing_note, first.closed_by) == (AlertStatus.CLOSED, "Called them.", world_a.csm.user)
    assert first.closed_at is not None
    assert alert_close(tenant=world_a.tenant, account=account, key="followup:1", note="Again") is False

    second = raise_for(world_a.tenant, account)
    assert second.pk != first.pk and second.status == AlertStatus.OPEN and second.fire_count == 1


def test_a_closed_alert_stays_closed(world_a):
    alert = raise_for(world_a.tenant, AccountFactory(tenant=world_a.tenant))
    alert_update(tenant=world_a.tenant, alert=alert, status=AlertStatus.CLOSED, note="Done")
    with pytest.raises(ValidationError) as refused:
        alert_update(tenant=world_a.tenant, alert=alert, status=AlertStatus.OPEN)
    assert "status" in refused.value.message_dict


def test_the_database_refuses_a_second_open_alert_for_one_key(world_a):
    alert = raise_for(world_a.tenant, AccountFactory(tenant=world_a.tenant))
    fired = {"first_fired_at": alert.first_fired_at, "last_fired_at": alert.last_fired_at}
    twin = Alert(tenant=world_a.tenant, account=alert.account, key=alert.key, title="t", message="m", priority="low",
                 due_at=alert.due_at, **fired)  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_the_database_refuses_closing_without_a_note(world_a):
    alert = raise_for(world_a.tenant, AccountFactory(tenant=world_a.tenant))
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.for_tenant(world_a.tenant).filter(pk=alert.pk).update(status=AlertStatus.CLOSED)


def test_raise_refuses_another_tenants_account_or_assignee(world_a, world_b):
    account_b = AccountFactory(tenant=world_b.tenant)
    with pytest.raises(ValidationError) as refused:
        raise_for(world_a.tenant, account_b)
    assert refused.value.message_dict == {"account": ["Belongs to another tenant."]}
    with pytest.raises(ValidationError) as refused:
        raise_for(world_a.tenant, AccountFactory(tenant=world_a.tenant), assignee=world_b.csm)
    assert refused.value.message_dict == {"assignee": ["Belongs to another tenant."]}
    assert not Alert.unscoped.exists()


def test_close_with_tenant_a_never_touches_tenant_bs_alert(world_a, world_b):
    account_b = AccountFactory(tenant=world_b.tenant)
    alert_b = raise_for(world_b.tenant, account_b)
    assert alert_close(tenant=world_a.tenant, account=account_b, key=alert_b.key, note="x") is False
    alert_b.refresh_from_db()
    assert alert_b.status == AlertStatus.OPEN


def test_unknown_priority_is_refused(world_a):
    with pytest.raises(ValueError):
        raise_for(world_a.tenant, AccountFactory(tenant=world_a.tenant), priority="urgent")
