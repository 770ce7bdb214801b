"""Loading the next chunk of accounts on a second connection while the caller scores the current one.

A chunk's time is split between PostgreSQL (reading rollups and events, writing scores) and Python
(building inputs, the engine); one after the other, each waits for the other. A thread with its own
database connection runs ``load`` for chunk n + 1 while the caller works on chunk n, so the two
overlap: psycopg releases the GIL while it waits for the server.

The loads run outside the caller's transaction, so they are only used where that can't hide data
from them: on PostgreSQL, outside any atomic block (a test's transaction, say, would be invisible to
the second connection). Elsewhere, or for a single chunk, each chunk is loaded in turn, in line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import connection, connections

Chunk = TypeVar("Chunk")
Loaded = TypeVar("Loaded")


def loaded_ahead(load: Callable[[Chunk], Loaded], chunks: Sequence[Chunk]) -> Iterator[Loaded]:
    """``load(chunk)`` for each chunk, in order; the next one is loaded while the caller handles this one."""
    if len(chunks) < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        for chunk in chunks:
            yield load(chunk)
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="scores-load-ahead") as loader:
        try:
            pending = loader.submit(load, chunks[0])
            for chunk in chunks[1:]:
                loaded = pending.result()
                pending = loader.submit(load, chunk)
                yield loaded
            yield pending.result()
        finally:
            # Runs on the loader thread, after any load still in flight: closes that thread's own connection.
            loader.submit(connections.close_all)
