"""The task door: how background work starts, finds its tenant and fans out over tenants.

Every tenant task takes ``tenant_id`` (JSON-safe, stable across deploys), is declared with
``tenant_task`` and receives the loaded ``Tenant``; a tenant deleted since the task was queued
makes it a no-op. Periodic work that crosses tenants only reads ids, then hands one task per
tenant to ``tenants_fan_out``: each of those scopes itself. A tenant task's transactions see its
tenant's rows only (``accounts/rls.py``); every other task crosses tenants by design and runs as
the operator, whatever scope queued it (``task_scope_enter``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import partial

from celery import Task, shared_task
from django.db import transaction

from accounts.models import Tenant
from accounts.rls import OPERATOR, scope_enter, scope_leave, tenant_scope

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, **kwargs) -> None:
    """Send ``task`` once the current transaction commits (right away outside one).

    With a broker this is best effort: the data the task works on is already committed, so a
    failed send is logged and left to the periodic sweeps, never turned into a failed request.
    Without a broker (CELERY_TASK_ALWAYS_EAGER) the task runs here, in-process, after commit.
    """
    transaction.on_commit(partial(_send, task, kwargs))


def _send(task: Task, kwargs: dict) -> None:
    try:
        task.apply_async(kwargs=kwargs, retry=False)
    except Exception:
        if task.app.conf.task_always_eager:
            raise
        logger.exception("Could not enqueue %s; the periodic sweep will pick the work up.", task.name)


def tenant_task(*, name: str, **options) -> Callable[[Callable[..., int]], Task]:
    """A Celery task of one tenant: called with ``tenant_id=…``, it runs ``work(tenant=Tenant, …)``.

    The extra keyword arguments reach ``work``; unknown ones sent by a newer or older deploy are
    dropped rather than failing the task. A tenant that no longer exists returns 0.
    """

    def declare(work: Callable[..., int]) -> Task:
        wanted = work.__code__.co_varnames[: work.__code__.co_argcount + work.__code__.co_kwonlyargcount]

        def run(*, tenant_id: int, **kwargs) -> int:
            with tenant_scope(tenant_id):  # the database sees this tenant's rows only
                tenant = Tenant.objects.filter(pk=tenant_id).first()
                if tenant is None:
                    return 0
                return work(tenant=tenant, **{key: value for key, value in kwargs.items() if key in wanted})

        # Not functools.wraps: Celery checks the arguments against the signature ``__wrapped__`` would give.
        run.__name__, run.__qualname__, run.__module__, run.__doc__ = (
            work.__name__, work.__qualname__, work.__module__, work.__doc__,
        )  # fmt: skip
        return shared_task(name=name, **options)(run)

    return declare


def tenants_fan_out(task: Task, tenant_ids: Iterable[int], **kwargs) -> int:
    """Queue ``task`` once per distinct tenant id, in id order; return how many were queued."""
    ordered = sorted(set(tenant_ids))
    for tenant_id in ordered:
        task.apply_async(kwargs={"tenant_id": tenant_id, **kwargs})
    return len(ordered)


def task_scope_enter(sender=None, task=None, **kwargs) -> None:
    """Celery's ``task_prerun``: a task starts as the operator, even run in-process inside a request;
    a tenant task then narrows to its tenant. ``task_scope_leave`` restores the caller's scope."""
    if task is not None:
        task.request._rls_token = scope_enter(OPERATOR)


def task_scope_leave(sender=None, task=None, **kwargs) -> None:
    token = getattr(task.request, "_rls_token", None) if task is not None else None
    if token is not None:
        scope_leave(token)
        task.request._rls_token = None
