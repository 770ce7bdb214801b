"""The timeline's sources: each a function (tenant, account, window) -> entries, one or two queries bounded by
the window. ``workspace.timeline.registry`` lists them."""

from django.db.models import Case, F, Q, When


def in_window(field: str, window) -> dict:
    """The lookup of the moments of ``field`` inside ``window``."""
    return {f"{field}__gte": window.start, f"{field}__lt": window.end}


def newest_in_window(opened: str, closed: str, window) -> Case:
    """A row's latest moment inside ``window``: its closing when that falls inside, else its opening.

    Ordering rows that yield two entries (opened, closed) by it, newest first, and taking the first ``limit``
    keeps every one of the ``limit`` newest entries.
    """
    return Case(When(Q(**in_window(closed, window)), then=F(closed)), default=F(opened))


def shorten(text: str, limit: int = 300) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
