"""Tasks log with their task id, their tenant id and the request that queued them; nothing carries over."""

import logging

import pytest

from accounts.background import tenant_task
from accounts.log_context import log_context_fields, log_context_opened
from tests.logs.capture import console_lines, with_message

pytestmark = pytest.mark.django_db
logger = logging.getLogger(__name__)


@tenant_task(name="tests.logs.probe")
def probe(*, tenant, fail: bool = False) -> int:
    logger.warning("probe ran for a tenant")
    if fail:
        raise RuntimeError("probe failed")
    return 1


def test_a_task_queued_by_a_request_logs_the_request_id_its_task_id_and_tenant(world_a):
    with console_lines() as lines, log_context_opened(request_id="req-from-view"):
        result = probe.apply_async(kwargs={"tenant_id": world_a.tenant.pk})
        inside_request = log_context_fields()

    [line] = with_message(lines, "probe ran")
    assert line["task_id"] == result.id and line["task_name"] == "tests.logs.probe"
    assert (line["request_id"], line["tenant_id"]) == ("req-from-view", world_a.tenant.pk)
    assert inside_request == {"request_id": "req-from-view"}  # the task's fields went with the task


def test_a_task_outside_a_request_has_no_request_id_and_leaves_nothing_behind(world_b):
    with console_lines() as lines:
        probe.apply_async(kwargs={"tenant_id": world_b.tenant.pk})
        with pytest.raises(RuntimeError):
            probe.apply_async(kwargs={"tenant_id": world_b.tenant.pk, "fail": True})

    first, failed = with_message(lines, "probe ran")
    assert first["request_id"] is None and first["tenant_id"] == world_b.tenant.pk
    assert failed["task_id"] != first["task_id"]
    assert log_context_fields() == {}
