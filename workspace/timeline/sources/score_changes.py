"""Score changes, each with what changed and why: the engine's explanation between the row before and the row
of the change (``indicators.engine.explain``, the one the account's health panel tells).

Score history keeps a row a day even when nothing moved; only rows whose score or band differ from the row
before them are entries. Three small reads along the (tenant, account, at) index: the window's rows without
their results, the row before the window (only when the window's oldest row may be a change that counts), then
the results of the changes shown and of the rows before them.
"""

from __future__ import annotations

from itertools import pairwise

from django.db.models import Q
from django.urls import reverse

from accounts.models import Account, Tenant
from indicators import engine
from indicators.engine.formatting import fixed
from indicators.models import HealthScoreHistory
from indicators.scoring.results import result_from_json
from workspace.timeline.entries import Entry, Window
from workspace.timeline.sources import in_window

ROWS_MAX = 2000  # a window's rows read at most (a busy account is rescored many times a day)
UNCHANGED = 0.05  # points: a move the account page, with one decimal, would not show
SENTENCES = 3


def _moved(before, after) -> bool:
    """Whether the row ``after`` (id, at, score, band) changed the score or the band of ``before``."""
    if before is None:
        return True
    (_, _, score_before, band_before), (_, _, score_after, band_after) = before, after
    if band_before != band_after or (score_before is None) != (score_after is None):
        return True
    return score_before is not None and abs(score_after - score_before) >= UNCHANGED


def _score(score, band) -> str:
    return "no score" if score is None else f"{fixed(score, 1)}" + (f" ({band})" if band else "")


def _title(before, after) -> str:
    if before is None:
        return f"First score: {_score(after[2], after[3])}"
    score_before, band_before, score_after, band_after = before[2], before[3], after[2], after[3]
    if score_before is None or score_after is None:
        return f"Score {_score(score_before, band_before)} \u2192 {_score(score_after, band_after)}"
    delta = score_after - score_before
    change = ("+" if delta >= 0 else "\u2212") + fixed(abs(delta), 1)
    title = f"Score {fixed(score_before, 1)} \u2192 {fixed(score_after, 1)} ({change} points)"
    if band_before != band_after:
        title += f", band {band_before or 'none'} \u2192 {band_after or 'none'}"
    return title


def _why(result_before: dict | None, result_after: dict | None) -> str:
    if result_after is None:
        return ""
    try:
        explanation = engine.explain(
            result_from_json(result_before) if result_before else None, result_from_json(result_after)
        )
    except (KeyError, TypeError, ValueError):  # a row written by hand or by an older engine: no story to tell
        return ""
    sentences = explanation.sentences
    more = len(sentences) - SENTENCES
    return "; ".join(sentences[:SENTENCES]) + (f"; and {more} more" if more > 0 else "")


def score_changes(*, tenant: Tenant, account: Account, window: Window) -> list[Entry]:
    history = HealthScoreHistory.objects.for_tenant(tenant).filter(account=account)
    fields = ("id", "at", "score", "band")
    rows = list(
        history.filter(**in_window("at", window)).order_by("-at", "-id").values_list(*fields)[:ROWS_MAX]
    )  # newest first
    if not rows:
        return []
    # (row, the row before it) for the changes, newest first, as many as the window may show.
    changes = [(row, older) for row, older in pairwise(rows) if _moved(older, row)]
    if len(changes) < window.limit:
        oldest = rows[-1]
        earlier = Q(at__lt=oldest[1]) | Q(at=oldest[1], id__lt=oldest[0])
        before = history.filter(earlier).order_by("-at", "-id").values_list(*fields).first()
        if _moved(before, oldest):
            changes.append((oldest, before))
    changes = changes[: window.limit]
    wanted = {row[0] for row, _ in changes} | {older[0] for _, older in changes if older is not None}
    results = dict(history.filter(pk__in=wanted).values_list("id", "result"))
    link = reverse("admin:accounts_account_change", args=[account.pk])
    return [
        Entry(
            at=row[1],
            kind="score",
            title=_title(older, row),
            detail=_why(results.get(older[0]) if older else None, results.get(row[0])),
            link=link,
        )
        for row, older in changes
    ]
