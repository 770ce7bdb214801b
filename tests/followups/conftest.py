"""Two tenants with an account each, owned by their CSM, and a way to record survey answers."""

from itertools import count

import pytest

from surveys.services.responses import response_record
from tests.factories import AccountFactory, ContactFactory

_keys = count(1)


def respond(contact, score: int, comment: str = "", responded_at=None):
    """A survey answer recorded the way every channel records one (the follow-up opens with it)."""
    return response_record(
        tenant=contact.tenant,
        contact=contact,
        score=score,
        comment=comment,
        responded_at=responded_at,
        channel="in_product",
        dedup_key=f"test-{next(_keys)}",
    ).response


def followup_of(response):
    from followups.models import FollowUp

    return FollowUp.objects.for_tenant(response.tenant).get(response=response)


@pytest.fixture
def owned_a(world_a):
    account = AccountFactory(tenant=world_a.tenant, csm_owner=world_a.csm)
    return ContactFactory(account=account, tenant=world_a.tenant)


@pytest.fixture
def owned_b(world_b):
    account = AccountFactory(tenant=world_b.tenant, csm_owner=world_b.csm)
    return ContactFactory(account=account, tenant=world_b.tenant)
