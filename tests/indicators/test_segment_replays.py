"""A replayed identify, group or alias call is not applied again (events de-duplicate on their own rows)."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from accounts.models import Contact
from accounts.services.api_keys import api_key_create
from indicators.ingest.replays import REPLAY_WINDOW
from indicators.ingest.retention import applied_messages_prune, ingestion_errors_prune
from indicators.models import AppliedMessage, IngestionError
from tests.indicators.test_segment_api import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def ingest_key(world_a):
    return api_key_create(tenant=world_a.tenant, name="segment", scopes=["ingest"])[1]


def test_a_replayed_group_call_does_not_move_the_user_back(world_a, ingest_key):
    first = {"type": "group", "userId": "u", "groupId": "old-co", "messageId": "g1"}
    post("/v1/group", first, ingest_key)
    post("/v1/group", {"type": "group", "userId": "u", "groupId": "new-co", "messageId": "g2"}, ingest_key)
    again = post("/v1/batch", {"batch": [first]}, ingest_key).json()
    assert (again["accepted"], again["duplicates"]) == (0, 1)
    assert Contact.objects.for_tenant(world_a.tenant).get(external_id="u").account.external_id == "new-co"


def test_an_identify_applies_once_per_message_id_and_tenant(world_a, world_b, ingest_key):
    _, other_key = api_key_create(tenant=world_b.tenant, name="b", scopes=["ingest"])
    identify = {"type": "identify", "userId": "u", "traits": {"title": "CTO"}, "messageId": "i1"}
    body = post("/v1/batch", {"batch": [identify, identify]}, ingest_key).json()
    assert (body["accepted"], body["duplicates"]) == (1, 1)
    Contact.objects.for_tenant(world_a.tenant).filter(external_id="u").update(title="CEO")  # changed since
    assert post("/v1/identify", identify, ingest_key).json()["duplicates"] == 1
    assert Contact.objects.for_tenant(world_a.tenant).get(external_id="u").title == "CEO"
    assert post("/v1/identify", identify, other_key).json()["accepted"] == 1  # message ids are per tenant
    assert Contact.objects.for_tenant(world_b.tenant).get(external_id="u").title == "CTO"


def test_applied_message_ids_are_forgotten_after_the_window(world_a, world_b, ingest_key):
    _, other_key = api_key_create(tenant=world_b.tenant, name="b", scopes=["ingest"])
    for key in (ingest_key, other_key):
        post("/v1/identify", {"type": "identify", "userId": "u", "messageId": "i1"}, key)
    AppliedMessage.objects.for_tenant(world_a.tenant).update(received_at=timezone.now() - REPLAY_WINDOW * 2)
    assert applied_messages_prune() == 1
    assert not AppliedMessage.objects.for_tenant(world_a.tenant).exists()
    assert AppliedMessage.objects.for_tenant(world_b.tenant).count() == 1
    assert applied_messages_prune(now=timezone.now() + REPLAY_WINDOW + timedelta(seconds=1)) == 1


def test_a_claim_rolls_back_with_its_transaction(world_a, ingest_key, monkeypatch):
    identify = {"type": "identify", "userId": "u", "traits": {"title": "CTO"}, "messageId": "i1"}

    def failing(**kwargs):
        raise OperationalError("the database went away")

    monkeypatch.setattr("indicators.ingest.segment.events_store", failing)
    with pytest.raises(OperationalError):
        post("/v1/identify", identify, ingest_key)
    monkeypatch.undo()
    assert post("/v1/identify", identify, ingest_key).json()["accepted"] == 1  # not taken for a replay
    assert Contact.objects.for_tenant(world_a.tenant).get(external_id="u").title == "CTO"


def test_messages_without_an_id_are_never_taken_for_replays(world_a, ingest_key):
    for _ in range(2):
        assert post("/v1/identify", {"type": "identify", "userId": "u"}, ingest_key).json()["accepted"] == 1
    assert not AppliedMessage.objects.for_tenant(world_a.tenant).exists()


def test_logged_rejections_are_kept_thirty_days(world_a, world_b):
    now = timezone.now()
    for world in (world_a, world_b):
        IngestionError.objects.create(tenant=world.tenant, source="segment", reason="old")
        IngestionError.objects.create(tenant=world.tenant, source="segment", reason="new")
    IngestionError.objects.for_tenant(world_a.tenant).filter(reason="old").update(received_at=now - timedelta(days=31))
    assert ingestion_errors_prune(now=now) == 1
    assert set(IngestionError.objects.for_tenant(world_a.tenant).values_list("reason", flat=True)) == {"new"}
    assert IngestionError.objects.for_tenant(world_b.tenant).count() == 2
