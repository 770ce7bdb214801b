import pytest

from tests.notifications.receiver import start_receiver


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    running = start_receiver()
    yield running
    running.server.shutdown()
    running.server.server_close()
