"""A member's email preferences are created with their defaults, and each digest day is claimed once."""

from datetime import date

import pytest

from workspace.models import DigestSend, NotificationPreference
from workspace.services.notifications import claim_digest, preference_for

pytestmark = pytest.mark.django_db


def test_a_csm_gets_the_digest_and_urgent_email_by_default(world_a):
    preference = preference_for(world_a.csm)
    assert (preference.daily_digest, preference.urgent_email, preference.unsubscribed_at) == (True, True, None)
    assert preference.tenant_id == world_a.tenant.pk


def test_a_viewer_without_a_book_gets_no_digest_by_default(world_a):
    assert preference_for(world_a.viewer).daily_digest is False
    assert preference_for(world_a.viewer).urgent_email is True


def test_an_admin_with_an_assigned_account_gets_the_digest(world_a, account_a):
    account_a.csm_owner = world_a.admin
    account_a.save()
    assert preference_for(world_a.admin).daily_digest is True


def test_the_preference_is_made_once_and_kept(world_a):
    preference = preference_for(world_a.csm)
    preference.daily_digest = False
    preference.save()
    assert preference_for(world_a.csm).daily_digest is False
    assert NotificationPreference.objects.for_tenant(world_a.tenant).count() == 1


def test_each_member_has_their_own_row_in_their_own_tenant(world_a, world_b):
    preference_for(world_a.csm)
    preference_for(world_b.csm)
    assert NotificationPreference.objects.for_tenant(world_a.tenant).get().membership == world_a.csm
    assert NotificationPreference.objects.for_tenant(world_b.tenant).get().membership == world_b.csm


def test_a_digest_day_is_claimed_once(world_a):
    assert claim_digest(world_a.csm, date(2026, 3, 29)) is True
    assert claim_digest(world_a.csm, date(2026, 3, 29)) is False
    assert claim_digest(world_a.csm, date(2026, 3, 30)) is True
    assert claim_digest(world_a.admin, date(2026, 3, 29)) is True
    assert DigestSend.objects.for_tenant(world_a.tenant).count() == 3
