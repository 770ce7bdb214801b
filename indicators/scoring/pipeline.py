"""Running a recompute's chunks as a pipeline: the next chunk loads and the last one is stored while the
caller scores the current one, each on its own thread and database connection.

A chunk's time is split between PostgreSQL (reading rollups and events, writing scores) and Python
(building inputs, the engine). One after the other, each waits for the other. With a loader thread
running ``load`` for chunk n + 1 and a store thread running ``store`` for chunk n - 1 while the caller
runs ``work`` on chunk n, the three overlap: psycopg releases the GIL while it waits for the server.

Loads and stores run outside the caller's transaction, so the threads are only used where that can't
hide data from them or split one unit of work in two: on PostgreSQL, outside any atomic block (a test's
transaction, say, would be invisible to another connection). Elsewhere, or for a single chunk, each
chunk is loaded, worked and stored in turn, in line.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from django.db import connection, connections

Chunk, Loaded, Worked, Result = TypeVar("Chunk"), TypeVar("Loaded"), TypeVar("Worked"), TypeVar("Result")

STORES_IN_FLIGHT = 2  # worked chunks waiting for the store thread, at most: bounds the memory they hold


def pipelined(
    chunks: Sequence[Chunk],
    *,
    load: Callable[[Chunk], Loaded],
    work: Callable[[Loaded], Worked],
    store: Callable[[Worked], Result],
) -> list[Result]:
    """``store(work(load(chunk)))`` for each chunk, in order; loads and stores overlap the work."""
    if len(chunks) < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return [store(work(load(chunk))) for chunk in chunks]
    loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scores-load")
    storer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scores-store")
    stores: deque[Future] = deque()
    results = []
    try:
        loading = loader.submit(load, chunks[0])
        for following in [*chunks[1:], None]:
            loaded = loading.result()
            if following is not None:
                loading = loader.submit(load, following)
            worked = work(loaded)
            while len(stores) >= STORES_IN_FLIGHT:
                results.append(stores.popleft().result())
            stores.append(storer.submit(store, worked))
        results += [pending.result() for pending in stores]
        return results
    finally:
        # Each runs on its own thread, after whatever is still in flight there: closes that thread's connection.
        for executor in (loader, storer):
            executor.submit(connections.close_all)
            executor.shutdown(wait=True)
