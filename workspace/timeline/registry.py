"""The timeline's sources, in one list, and the merge of what they return.

A source is a function ``(tenant=, account=, window=) -> list[Entry]`` that reads one kind of thing about the
account in the window, in one or two queries along an index that starts with the tenant. To add one (the
playbook tasks of ``alerts``, say), write its function under ``sources/`` and add a line to ``SOURCES``: the
timeline page, its kind filter and the account page's section pick it up from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from accounts.models import Account, Tenant
from accounts.tenancy import same_tenant
from workspace.timeline.entries import Entry, Window
from workspace.timeline.sources.alerts import alerts
from workspace.timeline.sources.events import communications, other_events, tickets
from workspace.timeline.sources.followups import followups
from workspace.timeline.sources.gut_reads import gut_reads
from workspace.timeline.sources.playbook_tasks import tasks
from workspace.timeline.sources.renewals import renewals
from workspace.timeline.sources.score_changes import score_changes
from workspace.timeline.sources.survey_answers import survey_answers
from workspace.timeline.sources.usage import usage_days


@dataclass(frozen=True)
class TimelineSource:
    kind: str  # the key of its entries, and of the ``?kind=`` filter
    label: str
    entries: Callable[..., list[Entry]]


SOURCES: tuple[TimelineSource, ...] = (
    TimelineSource("usage", "Usage (per day)", usage_days),
    TimelineSource("ticket", "Tickets", tickets),
    TimelineSource("communication", "Communications", communications),
    TimelineSource("survey", "Survey answers", survey_answers),
    TimelineSource("followup", "Follow-ups", followups),
    TimelineSource("alert", "Alerts", alerts),
    TimelineSource("task", "Playbook tasks", tasks),
    TimelineSource("score", "Score changes", score_changes),
    TimelineSource("gut", "Gut reads", gut_reads),
    TimelineSource("renewal", "Renewals", renewals),
    TimelineSource("event", "Other events", other_events),
)
KIND_ORDER = {source.kind: n for n, source in enumerate(SOURCES)}


def timeline_kinds() -> list[tuple[str, str]]:
    """(kind, label) of every source, in the order the filter lists them."""
    return [(source.kind, source.label) for source in SOURCES]


def timeline_entries(
    *, tenant: Tenant, account: Account, window: Window, kinds: Iterable[str] | None = None
) -> list[Entry]:
    """The account's ``window.limit`` newest entries in ``window`` from the sources of ``kinds`` (all: None),
    newest first; entries at the same moment in the order of ``SOURCES``."""
    same_tenant(tenant, account=account)
    wanted = None if kinds is None else set(kinds)
    entries = [
        entry
        for source in SOURCES
        if wanted is None or source.kind in wanted
        for entry in source.entries(tenant=tenant, account=account, window=window)
    ]
    entries.sort(key=lambda e: (-e.at.timestamp(), KIND_ORDER.get(e.kind, len(KIND_ORDER)), e.title))
    return entries[: window.limit]
