"""Where a key's tenant becomes the request's: the API key and the write key doors share this step."""

from __future__ import annotations

from accounts.log_context import log_context_bind
from accounts.rls import scope_enter


def request_acts_for(tenant_id: int) -> None:
    """The rest of the request acts in ``tenant_id``: its transactions are scoped to it and its log lines
    name it. The request door (``ActiveTenantMiddleware``, ``log_context_open``) resets both after it."""
    scope_enter(tenant_id)
    log_context_bind(tenant_id=tenant_id)
