"""Two workers telling the same red renewal at once send one email: the second waits on the notice's unique
index while the first sends, then finds the row (PostgreSQL, real connections in two threads)."""

import threading
import time
from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import close_old_connections, connection

from tests.conftest import make_world
from tests.workspace.builders import account, renewal
from workspace.models import UrgentNotice
from workspace.services.urgent import red_renewals_notify

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
sending, release = threading.Event(), threading.Event()


class HeldBackend(EmailBackend):
    """Django's in-memory backend, held open on the first worker's send until the test lets it go."""

    def send_messages(self, messages):
        if threading.current_thread() is not threading.main_thread():
            sending.set()
            release.wait(10)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_workers_send_one_red_renewal_email(settings):
    settings.EMAIL_BACKEND = f"{__name__}.HeldBackend"
    world = make_world("Alpha")
    renewal(account(world.tenant, world.csm, name="Acme Ltd", score=12), term_end=date(2026, 12, 20))
    results = {}

    def first_worker() -> None:
        try:
            results["first"] = red_renewals_notify(tenant=world.tenant, now=NOW)
        finally:
            connection.close()

    thread = threading.Thread(target=first_worker)
    thread.start()
    timer = threading.Timer(1.0, release.set)
    try:
        assert sending.wait(10)  # the first worker holds its claim, mid-send
        timer.start()
        started = time.monotonic()
        results["second"] = red_renewals_notify(tenant=world.tenant, now=NOW)
        waited = time.monotonic() - started
    finally:
        release.set()
        thread.join()
        timer.cancel()
        close_old_connections()
    assert results == {"first": 1, "second": 0}
    assert waited >= 0.9  # it waited for the first worker's commit rather than sending beside it
    assert len(mail.outbox) == 1
    assert UrgentNotice.objects.for_tenant(world.tenant).count() == 1
