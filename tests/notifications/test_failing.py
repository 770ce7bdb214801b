"""An endpoint whose every attempt fails for WEBHOOKS_DISABLE_AFTER_DAYS is disabled, and its admins emailed once."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from accounts.roles import Role
from notifications.models import WebhookEndpoint
from notifications.services.publish import event_publish
from notifications.services.secrets import rotate_secret
from tests.conftest import session_client
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def failing(world_a, receiver):
    """An endpoint of tenant A (on Paris time) whose receiver answers 500 to everything."""
    receiver.otherwise = 500
    world_a.tenant.time_zone = "Europe/Paris"
    world_a.tenant.save(update_fields=["time_zone"])
    endpoint = WebhookEndpoint.objects.create(
        tenant=world_a.tenant, url=receiver.url, description="CRM", event_types=["alert.opened"]
    )
    rotate_secret(endpoint)
    return endpoint


def publish_at(moment, tenant, capture):
    """An event published (and its due deliveries attempted) at ``moment``."""
    with time_machine.travel(moment, tick=False), capture(execute=True):
        event_publish(tenant=tenant, type="alert.opened", payload={"alert_id": 1})


def reloaded(endpoint):
    return WebhookEndpoint.objects.for_tenant(endpoint.tenant_id).get(pk=endpoint.pk)


def test_five_days_of_failures_disable_the_endpoint_and_email_each_active_admin_once(
    failing, world_a, world_b, receiver, django_capture_on_commit_callbacks
):
    capture, tenant = django_capture_on_commit_callbacks, world_a.tenant
    second_admin = MembershipFactory(tenant=tenant, role=Role.ADMIN, user=UserFactory(email="second@alpha.test"))
    MembershipFactory(tenant=tenant, role=Role.ADMIN, user=UserFactory(email="gone@alpha.test", is_active=False))
    # Admin of the other tenant, and only a CSM here: not one of this tenant's admins.
    MembershipFactory(tenant=tenant, role=Role.CSM, user=world_b.admin.user)

    publish_at(START, tenant, capture)
    assert reloaded(failing).failing_since == START and reloaded(failing).enabled

    publish_at(START + timedelta(days=5, minutes=-1), tenant, capture)
    assert reloaded(failing).enabled and mail.outbox == []

    publish_at(START + timedelta(days=5), tenant, capture)
    endpoint = reloaded(failing)
    assert not endpoint.enabled
    assert endpoint.disabled_reason == "No successful delivery in 5 days (failing since 2026-12-01 09:00 UTC)."
    assert sorted(email.to[0] for email in mail.outbox) == sorted([world_a.admin.user.email, "second@alpha.test"])
    assert world_b.admin.user.email not in {address for email in mail.outbox for address in email.to}

    email = next(email for email in mail.outbox if email.to == [second_admin.user.email])
    link = f"http://127.0.0.1:8000/admin/notifications/webhookendpoint/{endpoint.pk}/change/"
    assert email.subject == f"Webhook endpoint disabled: {receiver.url}"
    for text in (email.body, email.alternatives[0][0]):
        assert f"{receiver.url} (CRM)" in text
        assert "Failing since: 1 Dec 2026 10:00 CET" in text  # 09:00 UTC on the tenant's Paris clock
        assert "Last error: HTTP 500: ok (6 Dec 2026 10:00 CET)" in text
        assert link in text
    assert email.alternatives[0][1] == "text/html"

    # Later failures of the disabled endpoint's deliveries email nobody again.
    publish_at(START + timedelta(days=6), tenant, capture)
    assert len(mail.outbox) == 2


def test_a_success_ends_the_streak_and_the_next_failure_starts_a_new_one(
    failing, world_a, receiver, django_capture_on_commit_callbacks
):
    capture, tenant = django_capture_on_commit_callbacks, world_a.tenant
    publish_at(START, tenant, capture)
    receiver.otherwise = 200
    publish_at(START + timedelta(days=1), tenant, capture)  # the retry of the first and the new one both succeed
    assert reloaded(failing).failing_since is None

    receiver.otherwise = 500
    publish_at(START + timedelta(days=5), tenant, capture)
    endpoint = reloaded(failing)
    assert endpoint.enabled and endpoint.failing_since == START + timedelta(days=5)
    assert mail.outbox == []


def test_the_setting_sets_how_many_days_of_failures_disable(
    failing, world_a, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_DISABLE_AFTER_DAYS = 1
    publish_at(START, world_a.tenant, django_capture_on_commit_callbacks)
    publish_at(START + timedelta(days=1), world_a.tenant, django_capture_on_commit_callbacks)
    endpoint = reloaded(failing)
    assert not endpoint.enabled
    assert endpoint.disabled_reason == "No successful delivery in 1 day (failing since 2026-12-01 09:00 UTC)."
    assert "every delivery to it failed for 1 day." in mail.outbox[0].body


def test_enabled_again_in_the_admin_it_starts_afresh(
    failing, client, world_a, receiver, django_capture_on_commit_callbacks
):
    capture, tenant = django_capture_on_commit_callbacks, world_a.tenant
    publish_at(START, tenant, capture)
    publish_at(START + timedelta(days=5), tenant, capture)
    assert not reloaded(failing).enabled

    body = {"kind": "standard", "url": receiver.url, "event_types": ["alert.opened"], "enabled": "on"}
    session_client(client, world_a.admin).post(f"/admin/notifications/webhookendpoint/{failing.pk}/change/", body)
    endpoint = reloaded(failing)
    assert endpoint.enabled and endpoint.failing_since is None and endpoint.disabled_reason == ""

    publish_at(START + timedelta(days=5, hours=1), tenant, capture)
    endpoint = reloaded(failing)
    assert endpoint.enabled and endpoint.failing_since == START + timedelta(days=5, hours=1)
    assert len(mail.outbox) == 1  # the first disabling's, to the one admin
