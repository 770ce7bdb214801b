"""Webhook events for what happens in the apps below: each published in the transaction of its change.

Thin: a receiver picks what is news and hands ``events_publish`` a payload builder (``payloads``),
called only when one of the tenant's endpoints subscribes, so a tenant with none pays one query
per change and builds nothing. Connected in NotificationsConfig.ready.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.utils import timezone

from notifications import payloads
from notifications.services.publish import events_publish

# Scores stored for a moment this far in the past come from a backfill: history, not news (as alerts.receivers).
STALE_AFTER = timedelta(hours=1)


def on_alerts_opened(sender, *, tenant, alerts, **kwargs) -> None:
    events_publish(tenant=tenant, type="alert.opened", payloads=partial(payloads.alert_opened, tenant, alerts))


def on_alerts_closed(sender, *, tenant, alerts, **kwargs) -> None:
    events_publish(tenant=tenant, type="alert.closed", payloads=partial(payloads.alert_closed, tenant, alerts))


def on_followup_opened(sender, *, tenant, followup, **kwargs) -> None:
    events_publish(tenant=tenant, type="followup.opened", payloads=partial(payloads.followup_opened, tenant, followup))


def on_followup_overdue(sender, *, tenant, followup, **kwargs) -> None:
    events_publish(
        tenant=tenant, type="followup.overdue", payloads=partial(payloads.followup_overdue, tenant, followup)
    )


def on_followup_closed(sender, *, tenant, followup, **kwargs) -> None:
    events_publish(tenant=tenant, type="followup.closed", payloads=partial(payloads.followup_closed, tenant, followup))


def on_scores_stored(sender, *, tenant, as_of, changes, **kwargs) -> None:
    # A band that moved from one band to another; a first score, or a score without a band, is not a change.
    moved = {pk: c for pk, c in changes.items() if c.before_band and c.band and c.band != c.before_band}
    if not moved or as_of < timezone.now() - STALE_AFTER:
        return
    events_publish(
        tenant=tenant, type="score.band_changed", payloads=partial(payloads.score_band_changed, tenant, as_of, moved)
    )


def on_response_recorded(sender, *, response, created, **kwargs) -> None:
    tenant = response.tenant_id  # an id is enough (for_tenant takes one): no read of the tenant per answer
    build = partial(payloads.response_recorded, tenant, response, created=created)
    events_publish(tenant=tenant, type="response.recorded", payloads=build)


def on_contact_became_advocate(sender, *, tenant, contact, **kwargs) -> None:
    build = partial(payloads.contact_became_advocate, tenant, contact)
    events_publish(tenant=tenant, type="contact.became_advocate", payloads=build)


def on_renewals_updated(sender, *, tenant, changes, **kwargs) -> None:
    events_publish(tenant=tenant, type="renewal.updated", payloads=partial(payloads.renewal_updated, tenant, changes))


def connect() -> None:
    from accounts.signals import contact_became_advocate
    from alerts.signals import alerts_closed, alerts_opened
    from followups.signals import followup_closed, followup_opened, followup_overdue
    from indicators.scoring.signals import scores_stored
    from outcomes.signals import renewals_updated
    from surveys.signals import response_recorded

    for signal, receiver, uid in (
        (alerts_opened, on_alerts_opened, "alerts_opened"),
        (alerts_closed, on_alerts_closed, "alerts_closed"),
        (followup_opened, on_followup_opened, "followup_opened"),
        (followup_overdue, on_followup_overdue, "followup_overdue"),
        (followup_closed, on_followup_closed, "followup_closed"),
        (scores_stored, on_scores_stored, "scores_stored"),
        (response_recorded, on_response_recorded, "response_recorded"),
        (contact_became_advocate, on_contact_became_advocate, "contact_became_advocate"),
        (renewals_updated, on_renewals_updated, "renewals_updated"),
    ):
        signal.connect(receiver, dispatch_uid=f"notifications.{uid}")
