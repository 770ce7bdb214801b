"""Celery tasks log with their task id, their tenant id and the id of the request that queued them.

The request id travels in a message header (``csp_request_id``) added when the task is sent; a task
that runs in-process (no broker) is already inside the request's context. Each task's context is
opened before it runs and closed after it, so nothing carries over to the next task of the process.
"""

from __future__ import annotations

from celery import signals

from accounts.log_context import log_context_close, log_context_fields, log_context_open

REQUEST_ID_HEADER = "csp_request_id"
_open: dict[str, object] = {}  # task id -> the token that closes its context


@signals.before_task_publish.connect
def _carry_request_id(headers=None, **kwargs) -> None:
    request_id = log_context_fields().get("request_id")
    if request_id and headers is not None:
        headers.setdefault(REQUEST_ID_HEADER, request_id)


@signals.task_prerun.connect
def _open_task_context(task_id=None, task=None, kwargs=None, **_) -> None:
    request_id = getattr(task.request, REQUEST_ID_HEADER, None) or log_context_fields().get("request_id")
    tenant_id = (kwargs or {}).get("tenant_id")
    _open[task_id] = log_context_open(
        task_id=task_id,
        task_name=task.name,
        request_id=request_id,
        tenant_id=tenant_id if isinstance(tenant_id, int) else None,
    )


@signals.task_postrun.connect
def _close_task_context(task_id=None, **_) -> None:
    token = _open.pop(task_id, None)
    if token is not None:
        log_context_close(token)
