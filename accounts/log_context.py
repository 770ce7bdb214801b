"""What every log line of a request or task says about where it came from: request id, tenant id, task id.

The request and task doors open a context (``log_context_opened``) and close it when they finish, so
nothing leaks into the next request or task handled on the same thread; the tenant doors add the tenant
once it is known (``log_context_bind``). ``LogContextFilter``, on the log handlers, copies the fields
onto each record, where the JSON formatter writes them as keys.

Only ids: never a tenant's name, an email or a key, which would put customer data in the log store.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from types import MappingProxyType
from typing import Any

FIELDS = ("request_id", "tenant_id", "task_id", "task_name")
_EMPTY = MappingProxyType({})
_fields: ContextVar[MappingProxyType] = ContextVar("log_context", default=_EMPTY)


def log_context_fields() -> dict[str, Any]:
    return dict(_fields.get())


def log_context_bind(**fields: Any) -> None:
    """Add ``fields`` to the open context (a door that has just learnt the tenant)."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"Unknown log context fields: {sorted(unknown)}")
    _fields.set(MappingProxyType({**_fields.get(), **fields}))


def log_context_open(**fields: Any) -> Token:
    """Start a context holding ``fields`` (nothing inherited); close it with ``log_context_close(token)``."""
    token = _fields.set(_EMPTY)
    log_context_bind(**fields)
    return token


def log_context_close(token: Token) -> None:
    _fields.reset(token)


@contextmanager
def log_context_opened(**fields: Any) -> Iterator[None]:
    token = log_context_open(**fields)
    try:
        yield
    finally:
        log_context_close(token)


class LogContextFilter(logging.Filter):
    """Copies the open context onto each record; every field is present (None when unknown) for a stable shape."""

    def filter(self, record: logging.LogRecord) -> bool:
        fields = _fields.get()
        for name in FIELDS:
            if not hasattr(record, name):  # a field passed in ``extra`` wins
                setattr(record, name, fields.get(name))
        return True
