"""A batch's POSTs run side by side: a slow receiver holds its own requests, not everyone else's."""

from notifications.models import Delivery, DeliveryStatus
from notifications.services.delivery import deliver_due
from notifications.services.publish import event_publish
from tests.notifications.test_delivery import endpoint_for


def test_deliveries_of_a_batch_are_sent_at_the_same_time(world_a, receiver, settings):
    settings.WEBHOOKS_SEND_CONCURRENCY = 4
    endpoint_for(world_a.tenant, receiver.url)
    for _ in range(4):
        receiver.answer(200, delay=0.5)  # each request is still being answered when the next arrives
    for n in range(4):
        event_publish(tenant=world_a.tenant, type="alert.opened", payload={"n": n})

    assert deliver_due() == 4

    assert receiver.most_in_flight == 4
    statuses = Delivery.objects.for_tenant(world_a.tenant).values_list("status", flat=True)
    assert list(statuses) == [DeliveryStatus.SUCCEEDED] * 4


def test_no_more_requests_are_in_flight_than_sending_threads(world_a, receiver, settings):
    settings.WEBHOOKS_SEND_CONCURRENCY = 2
    endpoint_for(world_a.tenant, receiver.url)
    for _ in range(6):
        receiver.answer(200, delay=0.3)
    for n in range(5):
        event_publish(tenant=world_a.tenant, type="alert.opened", payload={"n": n})

    assert deliver_due() == 5

    assert receiver.most_in_flight == 2
    assert len(receiver.received) == 5
