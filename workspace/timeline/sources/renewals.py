"""Renewals: the CSM's call when it was made, the outcome when it closed, and a term that ended with no outcome
recorded. Renewals are known by dates, so their entries are whole days of the tenant's calendar."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.urls import reverse

from accounts.models import Account, Tenant
from outcomes.models import Outcome, Renewal
from workspace.timeline.entries import Entry, Window
from workspace.timeline.sources import shorten


def _amount(value, currency: str) -> str:
    return f"{value:,.0f} {currency}"


def _on(window: Window, day: date, link: str, title: str, detail: str) -> Entry:
    return Entry(at=window.day_end(day), kind="renewal", title=title, detail=detail, link=link, whole_day=True)


def renewals(*, tenant: Tenant, account: Account, window: Window) -> list[Entry]:
    first, last = window.first_day, window.last_day

    def inside(day: date | None) -> bool:
        return day is not None and first <= day <= last

    rows = (
        Renewal.objects.for_tenant(tenant)
        .filter(account=account)
        .filter(
            Q(closed_on__gte=first, closed_on__lte=last)
            | Q(csm_call_on__gte=first, csm_call_on__lte=last)
            | Q(outcome=Outcome.PENDING, term_end__gte=first, term_end__lte=last)
        )
        .select_related("reason")
        .order_by("-term_end", "-id")
    )
    currency = account.currency_in(tenant.currency)
    entries = []
    for r in rows:
        link = reverse("admin:outcomes_renewal_change", args=[r.pk])
        term = f"the renewal due {r.term_end:%Y-%m-%d}"
        due = f"ARR due {_amount(r.arr_due, currency)}"
        if inside(r.closed_on) and r.is_closed:
            closed = _amount(r.closed_arr, currency) if r.closed_arr is not None else "not recorded"
            reason = f"; reason: {r.reason.name}" if r.reason is not None else ""
            notes = f". {shorten(r.notes)}" if r.notes else ""
            title = f"Renewal closed: {r.get_outcome_display().lower()} ({term})"
            entries.append(_on(window, r.closed_on, link, title, f"{due}, closed ARR {closed}{reason}{notes}"))
        if inside(r.csm_call_on) and r.csm_call:
            entries.append(
                _on(window, r.csm_call_on, link, f"CSM's call on {term}: {r.get_csm_call_display().lower()}", due)
            )
        if r.outcome == Outcome.PENDING and inside(r.term_end):
            entries.append(_on(window, r.term_end, link, f"Renewal due, no outcome recorded ({term})", due))
    return entries
