"""Tasks carry a tenant id and touch nothing of another tenant, whatever ids they are given."""

import pytest
from django.core import mail

from accounts.models import Invitation
from accounts.services.invitations import invitation_create
from accounts.tasks import send_invitation_email
from indicators.models import HealthScore
from indicators.tasks import recompute_accounts
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_a_recompute_task_with_another_tenants_account_ids_scores_nothing(world_a, world_b):
    theirs = AccountFactory(tenant=world_b.tenant)
    assert recompute_accounts.apply(kwargs={"tenant_id": world_a.tenant.pk, "account_ids": [theirs.pk]}).get() == 0
    assert not HealthScore.unscoped.filter(account=theirs).exists()


def test_a_recompute_task_for_a_missing_tenant_does_nothing(db):
    assert recompute_accounts.apply(kwargs={"tenant_id": 10**9, "account_ids": [1]}).get() == 0


def test_an_invitation_task_with_the_wrong_tenant_id_sends_nothing(world_a, world_b):
    invitation = invitation_create(tenant=world_b.tenant, email="b@example.com", role="csm", invited_by=None)
    mail.outbox.clear()
    send_invitation_email.apply(kwargs={"tenant_id": world_a.tenant.pk, "invitation_id": invitation.pk})
    assert mail.outbox == []
    assert Invitation.objects.for_tenant(world_b.tenant).get(pk=invitation.pk).sent_at is None
