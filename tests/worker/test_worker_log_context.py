"""A real worker logs, in JSON, the request id of the request that queued its task and the task's tenant."""

import json

import pytest

from accounts.models import Invitation
from tests.worker.conftest import wait_for

pytestmark = pytest.mark.worker


def json_lines(text: str) -> list[dict]:
    found = []
    for line in text.splitlines():
        try:
            found.append(json.loads(line))
        except ValueError:
            continue  # the worker's start-up banner is not a log record
    return found


def test_the_request_id_travels_with_the_task_to_the_worker(celery_workers, client):
    from tests.conftest import make_world, session_client

    worker = celery_workers.start(env={"LOG_FORMAT": "json"})
    world = make_world("Logs")
    admin = session_client(client, world.admin)

    answer = admin.post(
        "/admin/accounts/invitation/add/", {"email": "logged@example.com", "role": "csm"}, HTTP_X_REQUEST_ID="invite-1"
    )

    assert answer.status_code == 302 and answer["X-Request-ID"] == "invite-1"
    sent = Invitation.objects.for_tenant(world.tenant).filter(email="logged@example.com").exclude(sent_at=None)
    assert wait_for(sent.exists, timeout=60), "the worker did not send the invitation within 60 s"

    def task_lines():
        lines = json_lines(worker.log.read_text())
        return [line for line in lines if line.get("task_name") == "accounts.send_invitation_email"]

    assert wait_for(task_lines, timeout=10)
    for line in task_lines():
        assert (line["request_id"], line["tenant_id"]) == ("invite-1", world.tenant.pk)
        assert line["task_id"]
