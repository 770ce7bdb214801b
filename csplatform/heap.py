"""Garbage-collector settings for long-running server processes (web workers, Celery workers).

CPython's cyclic collector walks every tracked object it holds on each full collection. Once
Django, DRF and the project are imported that is a few hundred thousand objects that live as long
as the process, so each full collection is a stall of tens of milliseconds spent proving, again,
that nothing there is garbage. ``gc.freeze()`` moves everything start-up allocated out of the
collector's sight (it is never freed either way).

A larger first-generation threshold serves the hot paths, which allocate in bursts of objects that
live for one batch: with the default of 700, a chunk of 500 accounts' inputs or a request's rows
are traversed by several young collections and promoted to be traversed again; at 50,000 most of
them are gone before the first. Cycles are still collected; at worst a batch's garbage waits a
little longer (a few megabytes).
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000


def heap_settle() -> None:
    """Call once the process has imported what it serves with, before its first request or task."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
