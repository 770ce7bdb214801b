"""An invitation made through admin is emailed by a real Celery worker, after commit."""

import pytest

from accounts.models import Invitation
from tests.worker.conftest import wait_for

pytestmark = pytest.mark.worker


def test_a_real_worker_sends_the_invitation_email_and_marks_it_sent(celery_worker_process, client):
    from tests.conftest import make_world, session_client

    world = make_world("Worker")
    admin = session_client(client, world.admin)
    response = admin.post("/admin/accounts/invitation/add/", {"email": "queued@example.com", "role": "csm"})
    assert response.status_code == 302

    def sent():
        return Invitation.objects.for_tenant(world.tenant).filter(email="queued@example.com").exclude(sent_at=None)

    assert wait_for(sent().exists, timeout=60), "the worker did not send the invitation within 60 s"
    messages = list(celery_worker_process.outbox.glob("*.log"))
    assert messages and "queued@example.com" in messages[0].read_text()
    assert "/invitations/" in messages[0].read_text()
