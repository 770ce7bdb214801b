"""Deleting a tenant: scheduled with a grace period, cancellable, then every row deleted in batches."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from accounts.models import Tenant
from accounts.roles import Role
from privacy.models import PrivacyAction, PrivacyRecord, TenantDeletion
from privacy.tasks import delete_due_tenants
from privacy.tenant_models import deletion_order, tenant_models
from tests.conftest import api_as
from tests.isolation.models import all_models, classify, history_scope, rows_of_tenant
from tests.isolation.world import build_tenant_a, build_tenant_b

pytestmark = pytest.mark.django_db

DELETIONS = "/api/v1/privacy/tenant-deletions/"


def counts_of(world) -> dict[str, int]:
    found = {}
    for model in all_models():
        kind = classify(model)
        if kind == "user_owned" or (kind == "history" and history_scope(model) == "user_id"):
            continue  # a person's own sign-in rows, and their history, outlive a tenant as the person does
        rows = rows_of_tenant(model, world.tenant.pk, world.user_ids)
        if rows is not None:
            found[model._meta.label] = rows.count()
    return found


def test_an_admin_schedules_the_deletion_after_the_grace_period_and_asking_again_keeps_the_date(world_a, settings):
    settings.TENANT_DELETION_GRACE_DAYS = 30
    client = api_as(world_a.admin)
    response = client.post(DELETIONS, {}, format="json")
    assert response.status_code == 201, response.json()
    deletion = TenantDeletion.objects.for_tenant(world_a.tenant).get()
    assert deletion.due_at - deletion.requested_at == timedelta(days=30)
    again = client.post(DELETIONS, {}, format="json")
    assert again.status_code == 200 and again.json() == response.json()
    assert TenantDeletion.objects.for_tenant(world_a.tenant).count() == 1
    assert PrivacyRecord.objects.get().action == PrivacyAction.TENANT_DELETION_SCHEDULED


def test_the_console_shows_a_banner_while_the_deletion_is_pending_and_not_after_cancelling(world_a, client):
    from tests.conftest import session_client

    console = session_client(client, world_a.viewer)
    assert "scheduled for deletion" not in console.get("/admin/").content.decode()
    deletion_id = api_as(world_a.admin).post(DELETIONS, {}, format="json").json()["id"]
    assert "scheduled for deletion" in console.get("/admin/").content.decode()
    cancelled = api_as(world_a.admin).post(f"{DELETIONS}{deletion_id}/cancel/", {}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["cancelled_at"]
    assert "scheduled for deletion" not in console.get("/admin/").content.decode()
    assert api_as(world_a.admin).post(f"{DELETIONS}{deletion_id}/cancel/", {}, format="json").status_code == 409


def test_another_tenants_deletion_cannot_be_seen_or_cancelled_and_keys_and_csms_cannot_schedule(
    world_a, world_b, key_client_a
):
    deletion_id = api_as(world_b.admin).post(DELETIONS, {}, format="json").json()["id"]
    assert api_as(world_a.admin).get(f"{DELETIONS}{deletion_id}/").status_code == 404
    assert api_as(world_a.admin).post(f"{DELETIONS}{deletion_id}/cancel/", {}, format="json").status_code == 404
    assert api_as(world_a.admin).get(DELETIONS).json()["results"] == []
    assert key_client_a.post(DELETIONS, {}, format="json").status_code == 403
    assert api_as(world_a.csm).post(DELETIONS, {}, format="json").status_code == 403
    assert TenantDeletion.objects.for_tenant(world_b.tenant).get().cancelled_at is None
    assert not TenantDeletion.objects.for_tenant(world_a.tenant).exists()


def test_nothing_is_deleted_before_the_deletion_is_due_or_once_it_is_cancelled(world_a):
    api_as(world_a.admin).post(DELETIONS, {}, format="json")
    assert delete_due_tenants.apply().get() == 0
    TenantDeletion.objects.for_tenant(world_a.tenant).update(
        due_at=timezone.now() - timedelta(minutes=1), cancelled_at=timezone.now()
    )
    assert delete_due_tenants.apply().get() == 0
    assert Tenant.objects.filter(pk=world_a.tenant.pk).exists()


@override_settings(PRIVACY_CHUNK_ROWS=2)  # several batches per table
def test_once_due_every_row_of_the_tenant_goes_and_the_other_tenant_keeps_every_row(world_a):
    a, b = build_tenant_a(world_a), build_tenant_b()
    a_before, b_before = counts_of(a), counts_of(b)
    assert sum(b_before.values()) > 100
    api_as(b.memberships[Role.ADMIN]).post(DELETIONS, {}, format="json")
    TenantDeletion.objects.for_tenant(b.tenant).update(due_at=timezone.now() - timedelta(minutes=1))

    assert delete_due_tenants.apply().get() == 1
    connection.check_constraints()  # no row left pointing to a deleted one (the deferred checks, run now)

    # What outlives the tenant: its people's user accounts (they may belong to other tenants), their admin
    # log, and the operator's privacy record.
    survivors = {"accounts.User", "admin.LogEntry", "privacy.PrivacyRecord"}
    left = {label: n for label, n in counts_of(b).items() if n and label not in survivors}
    assert left == {}
    assert counts_of(a) == a_before
    record = PrivacyRecord.objects.get(action=PrivacyAction.TENANT_DELETED)
    assert record.tenant_id == b.tenant.pk and record.counts["indicators.Event"] == b_before["indicators.Event"]
    assert b.canaries.leaks(f"{record.actor} {record.subject_id} {record.counts}") == []


def test_the_deletion_order_covers_every_tenant_model_and_puts_a_rows_children_first():
    order = deletion_order()
    assert set(order) == set(tenant_models())
    labels = [m._meta.label for m in order]
    assert labels.index("indicators.Event") < labels.index("accounts.Contact") < labels.index("accounts.Account")
    assert labels.index("followups.Activity") < labels.index("followups.FollowUp")
    assert labels.index("notifications.DeliveryAttempt") < labels.index("notifications.Delivery")
