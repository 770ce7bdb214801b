"""A person whose data is everywhere a contact's data can be, in tenant A, and a namesake in tenant B."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from accounts.models import Contact
from alerts.models import Alert
from followups.models import Activity, FollowUp
from indicators.models import Event, EventType, IngestionError
from notifications.models import OutboxEvent
from privacy.tenant_models import tenant_models
from surveys.services.responses import response_record
from tests.factories import AccountFactory, ContactFactory

NAME, EMAIL, EXTERNAL_ID, ANONYMOUS_ID = "Jane Quill", "jane.quill@customer.test", "user-jane-0001", "anon-jane-4242"
COMMENT = "Exports are far too slow for our finance team"
PERSONAL = (NAME, EMAIL, EXTERNAL_ID, ANONYMOUS_ID, COMMENT, "Chief Quill Officer", "+33 6 12 34 56 78")


@dataclass
class Person:
    contact: Contact
    response_id: int
    event_ids: list[int]


def make_person(tenant, *, dedup: str) -> Person:
    account = AccountFactory(tenant=tenant)
    contact = ContactFactory(
        tenant=tenant, account=account, name=NAME, email=EMAIL, external_id=EXTERNAL_ID, title="Chief Quill Officer"
    )
    contact.title = "VP Finance"  # a change, so its audit trail holds the old title too
    contact.save()
    now = timezone.now()
    usage = Event.objects.create(
        tenant=tenant, account=account, contact=contact, user_id=EXTERNAL_ID, anonymous_id=ANONYMOUS_ID,
        type=EventType.USAGE, name="report.export", occurred_at=now - timedelta(days=1), received_at=now,
        properties={"phone": "+33 6 12 34 56 78", "plan": "pro"}, source="api", message_id=f"m-{dedup}-1",
    )  # fmt: skip
    unlinked = Event.objects.create(  # sent with their id before the contact was linked
        tenant=tenant, account=account, user_id=EXTERNAL_ID, type=EventType.USAGE, name="report.export",
        occurred_at=now - timedelta(days=2), received_at=now, properties={}, source="api",
        message_id=f"m-{dedup}-2",
    )  # fmt: skip
    response = response_record(
        tenant=tenant, contact=contact, score=3, comment=COMMENT, channel="in_product", dedup_key=f"k-{dedup}"
    ).response
    followup = FollowUp.objects.for_tenant(tenant).get(response=response)
    followup.closing_note = f"Called {NAME}: {COMMENT.lower()}"
    followup.save()
    Activity.objects.create(tenant=tenant, followup=followup, kind="call", note=f"{NAME} asked for a discount")
    Alert.objects.create(
        tenant=tenant, account=account, key="detractor", title=f"Detractor: {NAME}",
        message=f'Detractor answer from {NAME}: 3/10: "{COMMENT}"', detail={"contact": EMAIL},
        first_fired_at=now, last_fired_at=now, due_at=now + timedelta(days=2),
    )  # fmt: skip
    OutboxEvent.objects.create(
        tenant=tenant, type="response.recorded",
        payload={"data": {"contact": {"id": contact.pk, "external_id": EXTERNAL_ID, "email": EMAIL}}},
    )  # fmt: skip
    IngestionError.objects.create(
        tenant=tenant, source="api", reason="unknown group",
        payload=f'{{"userId": "{EXTERNAL_ID}", "email": "{EMAIL}"}}',
    )  # fmt: skip
    events = Event.objects.for_tenant(tenant).filter(contact=contact).values_list("pk", flat=True)
    return Person(contact=contact, response_id=response.pk, event_ids=[usage.pk, unlinked.pk, *events])


@pytest.fixture
def person_a(world_a) -> Person:
    return make_person(world_a.tenant, dedup="a")


@pytest.fixture
def person_b(world_b) -> Person:
    return make_person(world_b.tenant, dedup="b")


def personal_values_in(tenant_id: int) -> list[str]:
    """Every (model.field: value) of the tenant's rows, in every tenant model and audit trail, that holds one
    of the person's values (any case)."""
    found = []
    for model in tenant_models():
        text_types = models.CharField | models.TextField | models.JSONField
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, text_types)]
        for row in model._base_manager.filter(tenant_id=tenant_id).values("pk", *fields):
            for name in fields:
                text = str(row[name]).casefold()
                found += [f"{model._meta.label}.{name}: {value}" for value in PERSONAL if value.casefold() in text]
    return found


def model_labels() -> set[str]:
    return {m._meta.label for m in apps.get_models()}
