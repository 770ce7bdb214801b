"""The CSM's gut reads: level, until when it counts, the note, who set it."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Account, Tenant
from indicators.models import GutRead
from workspace.timeline.entries import Entry, Window
from workspace.timeline.sources import in_window, shorten


def gut_reads(*, tenant: Tenant, account: Account, window: Window) -> list[Entry]:
    reads = (
        GutRead.objects.for_tenant(tenant)
        .filter(account=account, **in_window("set_at", window))
        .select_related("set_by")
        .order_by("-set_at", "-id")[: window.limit]
    )
    return [
        Entry(
            at=read.set_at,
            kind="gut",
            title=f"Gut read: {read.get_level_display().lower()}"
            + (f", by {read.set_by}" if read.set_by is not None else "")
            + f" (counts until {window.local(read.expires_at):%Y-%m-%d %H:%M})",
            detail=shorten(read.note),
            link=reverse("admin:indicators_gutread_change", args=[read.pk]),
        )
        for read in reads
    ]
