"""Reads that may go to the read replica: dashboards, reports and exports, each opting in explicitly.

``reading_from_replica()`` (a context manager, or a decorator) sends the reads made inside it to the
replica database; every write, and every read outside it, goes to the primary
(``csplatform.db_router``). A client that wrote recently is pinned to the primary, so it reads what it
has just written even where reads would go to the replica (read-your-writes; ``csplatform.replica_pin``).
Without a replica (REPLICA_DATABASE unset) all of this changes nothing.

A replica lags the primary by a moment: only pages whose figures may be that moment old belong here,
never a form being edited or a list a person is acting on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import wraps

from django.conf import settings

_read_from: ContextVar[str | None] = ContextVar("replica_read_from", default=None)
_pinned: ContextVar[bool] = ContextVar("replica_pinned", default=False)
_DECIDE_ON_ENTRY = object()


def replica_alias() -> str | None:
    """The database reads may go to now: the replica's alias, or None (no replica, or pinned to the primary)."""
    alias = settings.REPLICA_DATABASE
    return None if not alias or _pinned.get() else alias


def replica_read_alias() -> str | None:
    """The alias reads go to at this point of the code (the router asks): None means the primary."""
    return _read_from.get()


@contextmanager
def reading_from_replica(alias: str | None = _DECIDE_ON_ENTRY) -> Iterator[None]:  # type: ignore[assignment]
    """Send the reads made inside to the replica (when there is one and the client is not pinned).

    ``alias``: a decision taken earlier with ``replica_alias()``, for work that runs after the request's
    own code has returned (a streamed response).
    """
    token = _read_from.set(replica_alias() if alias is _DECIDE_ON_ENTRY else alias)
    try:
        yield
    finally:
        _read_from.reset(token)


def replica_page(view: Callable) -> Callable:
    """A view whose page may be read from the replica; its template is rendered inside too (lazy querysets)."""

    @wraps(view)
    def page(request, *args, **kwargs):
        with reading_from_replica():
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not response.is_rendered:
                response.render()
        return response

    return page


def replica_streamed(pieces: Iterator, *, alias: str | None) -> Iterator:
    """``pieces`` produced with their reads on ``alias`` (decided in the view, while the request is known)."""
    with reading_from_replica(alias):
        yield from pieces


def primary_pin(pinned: bool) -> Token:
    """Pin this request's reads to the primary (or not); undo with ``primary_unpin(token)``."""
    return _pinned.set(pinned)


def primary_unpin(token: Token) -> None:
    _pinned.reset(token)
