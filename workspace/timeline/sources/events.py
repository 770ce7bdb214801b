"""Tickets, communications and the other events that are not usage (content, commercial, relationship,
lifecycle), each event an entry. Survey answers come from their responses (``survey_answers``) instead."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Account, Membership, Tenant
from indicators.models import Event, EventType
from workspace.timeline.entries import Entry, Window
from workspace.timeline.sources import in_window, shorten

OTHER_TYPES = (EventType.CONTENT, EventType.COMMERCIAL, EventType.RELATIONSHIP, EventType.LIFECYCLE)
TYPE_LABELS = dict(EventType.choices)


def _events(tenant: Tenant, account: Account, window: Window, types) -> list[Event]:
    # Along the (tenant, account, occurred_at) index of the non-usage events.
    return list(
        Event.objects.for_tenant(tenant)
        .filter(account=account, type__in=list(types), **in_window("occurred_at", window))
        .select_related("contact")
        .order_by("-occurred_at", "-id")[: window.limit]
    )


def _words(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _link(event: Event) -> str:
    return reverse("admin:indicators_event_change", args=[event.pk])


def _properties(event: Event) -> dict:
    return event.properties if isinstance(event.properties, dict) else {}


def _with(contact) -> str:
    return f" with {contact}" if contact is not None else ""


def tickets(*, tenant: Tenant, account: Account, window: Window) -> list[Entry]:
    entries = []
    for event in _events(tenant, account, window, [EventType.SUPPORT]):
        properties = _properties(event)
        ticket = properties.get("ticket_id") or ""
        severity = properties.get("severity")
        title = f"{_words(event.name)}{f' {ticket}' if ticket else ''}"
        if severity and event.name == "ticket_opened":
            title += f" ({severity} severity)"
        detail = shorten(str(properties.get("subject") or ""))
        if event.contact is not None:
            detail = f"{detail} · by {event.contact}" if detail else f"By {event.contact}"
        entries.append(Entry(at=event.occurred_at, kind="ticket", title=title, detail=detail, link=_link(event)))
    return entries


def communications(*, tenant: Tenant, account: Account, window: Window) -> list[Entry]:
    events = _events(tenant, account, window, [EventType.COMMUNICATION])
    member_ids = {p.get("csm") for p in map(_properties, events) if isinstance(p.get("csm"), int)}
    members = Membership.objects.for_tenant(tenant).select_related("user").in_bulk(member_ids) if member_ids else {}
    entries = []
    for event in events:
        properties = _properties(event)
        # As the indicators count them: proactive unless the event says reactive.
        direction = "reactive" if properties.get("direction") == "reactive" else "proactive"
        member = members.get(properties.get("csm"))
        title = f"{_words(event.name)} ({direction}){_with(event.contact)}"
        if member is not None:
            title += f", by {member.user}"
        detail = shorten(str(properties.get("summary") or ""))
        entries.append(Entry(at=event.occurred_at, kind="communication", title=title, detail=detail, link=_link(event)))
    return entries


def _other_detail(event: Event) -> str:
    properties = _properties(event)
    parts = []
    if properties.get("amount") is not None:
        parts.append(f"{properties['amount']} {properties.get('currency', '')}".strip())
    for key in ("title", "milestone", "reason", "note", "feature"):
        if properties.get(key):
            parts.append(shorten(str(properties[key])))
    return " · ".join(parts)


def other_events(*, tenant: Tenant, account: Account, window: Window) -> list[Entry]:
    return [
        Entry(
            at=event.occurred_at,
            kind="event",
            title=f"{TYPE_LABELS.get(event.type, event.type)}: {_words(event.name)}{_with(event.contact)}",
            detail=_other_detail(event),
            link=_link(event),
        )
        for event in _events(tenant, account, window, OTHER_TYPES)
    ]
