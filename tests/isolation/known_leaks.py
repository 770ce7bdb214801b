"""Leaks found and not fixed yet: the walks set them aside so the rest of the walk still guards.

Each entry matches failures precisely (surface, kind, route and/or principal) and names the
``xfail(strict=True)`` test that reproduces it. When the application is fixed, that test passes
(XPASS fails the run under strict), which is the signal to delete both the entry and the marker.
"""

from __future__ import annotations

KNOWN_LEAKS: list[dict] = []


def _matches(failure: dict, match: dict) -> bool:
    return all(
        v in (failure.get(k) or "") if k in {"url", "detail", "route"} else failure.get(k) == v
        for k, v in match.items()
    )


def is_known(failure: dict) -> dict | None:
    """The known-issue entry this failure belongs to, if any."""
    for entry in KNOWN_LEAKS:
        if any(_matches(failure, match) for match in entry["match"]):
            return entry
    return None
