"""Raising, re-firing and closing alerts: at most one alert per (tenant, account, key) is not closed.

An alert follows its cause: while the cause holds, a new firing updates the open alert's words and
figures (one cause, one open alert); when the cause is gone, csplatform closes it with a note that
says why (``alerts_resolve``). Such changes are in the alert's history like a person's, with no
user and a change reason that starts with "csplatform", the system's mark.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Account, Membership, Tenant
from accounts.tenancy import same_tenant
from alerts.models import Alert, AlertRule, AlertStatus, Priority
from alerts.models.choices import PRIORITY_RANK
from alerts.services.playbooks import playbook_tasks_create
from alerts.services.reassign import assignee_check
from alerts.signals import alerts_closed, alerts_opened

REFIRE_FIELDS = ["title", "message", "priority", "detail", "due_at", "last_fired_at", "fire_count", "updated_at"]
RESOLVE_FIELDS = ["status", "closing_note", "closed_at", "closed_by", "closed_by_system", "updated_at"]
# History change reasons of what csplatform does by itself (a person's changes have none, and a user).
RAISED, REFIRED, RESOLVED = "csplatform: raised", "csplatform: figures updated", "csplatform: cause cleared"
ESCALATED = "csplatform: escalated"
# The detail key of an escalation: a second reason for urgency on the same work (see ``alert_escalate``).
ESCALATION = "escalation"


@dataclass(frozen=True, slots=True, kw_only=True)
class Firing:
    """One condition that holds for one account, ready to become (or refresh) an alert."""

    account_id: int
    key: str
    title: str
    message: str
    priority: str
    due_at: datetime
    detail: dict = field(default_factory=dict)
    rule_id: int | None = None
    assignee_id: int | None = None


def alert_raise(
    *,
    tenant: Tenant,
    account: Account,
    key: str,
    title: str,
    message: str,
    priority: str,
    due_at: datetime,
    detail: dict | None = None,
    rule: AlertRule | None = None,
    assignee: Membership | None = None,
) -> Alert:
    """Open an alert for ``account`` under ``key``, or re-fire the one already open (idempotent per open key).

    A re-fire refreshes title, message, priority and detail, counts the firing and keeps the earlier
    due date; the assignee stays as it is. The assignee defaults to the account's CSM owner.
    """
    if priority not in Priority.values:
        raise ValueError(f"Unknown priority {priority!r}; one of {', '.join(Priority.values)}.")
    same_tenant(tenant, account=account, rule=rule, assignee=assignee)
    firing = Firing(
        account_id=account.pk, key=key, title=title, message=message, priority=priority, due_at=due_at,
        detail=detail or {}, rule_id=rule.pk if rule else None,
        assignee_id=assignee.pk if assignee else account.csm_owner_id,
    )  # fmt: skip
    now = timezone.now()
    with transaction.atomic():
        alert = _open_alerts(tenant, [account.pk], [key]).first()
        if alert is None:
            try:
                with transaction.atomic():
                    alert = _system_change(_new_alert(tenant, firing, now), RAISED)
                    alert.save()
                    playbook_tasks_create(tenant=tenant, alerts=[alert])  # an alert opened: its rule's playbook
                    alerts_opened.send(sender=Alert, tenant=tenant, alerts=[alert])
                    return alert
            except IntegrityError:
                # Another transaction opened it between our read and our insert: re-fire that one.
                alert = _open_alerts(tenant, [account.pk], [key]).get()
        _refire(alert, _with_escalation(alert.detail, firing), now)
        _system_change(alert, REFIRED).save(update_fields=REFIRE_FIELDS)
    return alert


def alert_escalate(*, tenant: Tenant, alert: Alert, message: str, priority: str, due_at: datetime,
                   detail: dict) -> Alert:  # fmt: skip
    """Mark the open ``alert`` with a second reason for urgency about the same work (its follow-up went
    overdue, say) instead of opening a second alert: ``message`` is added to its own, its priority rises
    to ``priority`` if that is more urgent, its due date comes forward to ``due_at`` if earlier, and
    ``detail`` is kept under ``detail["escalation"]``. Later firings of its rule keep the escalation.
    Escalating again replaces the earlier escalation.
    """
    same_tenant(tenant, alert=alert)
    if alert.status == AlertStatus.CLOSED:
        raise ValidationError({"status": "A closed alert is not escalated."})
    earlier = alert.detail.get(ESCALATION) or {}
    base = Firing(
        account_id=alert.account_id, key=alert.key, title=alert.title,
        message=alert.message.removesuffix(f" {earlier['message']}") if earlier.get("message") else alert.message,
        priority=earlier.get("was_priority", alert.priority), due_at=alert.due_at,
        detail={k: v for k, v in alert.detail.items() if k != ESCALATION},
    )  # fmt: skip
    escalation = {**detail, "message": message, "priority": priority, "was_priority": base.priority}
    escalated = _with_escalation({ESCALATION: escalation}, base)
    alert.message, alert.priority, alert.detail = escalated.message, escalated.priority, escalated.detail
    alert.due_at, alert.updated_at = min(alert.due_at, due_at), timezone.now()
    _system_change(alert, ESCALATED).save(update_fields=["message", "priority", "detail", "due_at", "updated_at"])
    return alert


def _with_escalation(detail: dict | None, firing: Firing) -> Firing:
    """``firing`` as it applies to an alert whose detail is ``detail``: its escalation, if any, carried over."""
    escalation = (detail or {}).get(ESCALATION)
    if not isinstance(escalation, dict):
        return firing
    priority = min(firing.priority, escalation.get("priority", firing.priority), key=lambda p: PRIORITY_RANK.get(p, 9))
    return replace(
        firing, message=f"{firing.message} {escalation.get('message', '')}".strip(), priority=priority,
        detail={**firing.detail, ESCALATION: escalation},
    )  # fmt: skip


def open_alerts_about(*, tenant: Tenant, account: Account, **detail) -> list[Alert]:
    """The open alerts of ``account`` whose detail carries each of ``detail``'s values (a response id, say),
    locked until the caller's transaction ends."""
    lookups = {f"detail__{name}": value for name, value in detail.items()}
    return list(
        Alert.objects.for_tenant(tenant).select_for_update(of=("self",)).filter(account=account, **lookups)
        .exclude(status=AlertStatus.CLOSED).order_by("pk")
    )  # fmt: skip


def alert_close(*, tenant: Tenant, account: Account, key: str, note: str, by=None) -> bool:
    """Close the open alert of ``account`` under ``key`` with ``note``; False when none is open."""
    with transaction.atomic():
        alert = _open_alerts(tenant, [account.pk], [key]).first()
        if alert is None:
            return False
        alert_update(tenant=tenant, alert=alert, status=AlertStatus.CLOSED, note=note, by=by)
    return True


def alert_resolve(*, tenant: Tenant, account: Account, key: str, why: str, now: datetime | None = None) -> bool:
    """Close the open alert of ``account`` under ``key`` because its cause is gone, with a system note
    saying ``why`` ("the follow-up's deadline moved to 2026-12-09 17:00 EST"); False when none is open."""
    with transaction.atomic():
        alerts = list(_open_alerts(tenant, [account.pk], [key]))
        alerts_resolve(tenant=tenant, resolutions=[(alert, why) for alert in alerts], now=now)
    return bool(alerts)


def alerts_resolve(*, tenant: Tenant, resolutions: list[tuple[Alert, str]], now: datetime | None = None) -> int:
    """Close each (alert, why) whose cause is gone, noting "Closed by csplatform: <why>."; return how many.

    The alerts are the tenant's open ones, locked by the caller (``open_alerts``). An alert in
    progress closes too: someone took it on, but what they were asked to look at is no longer so,
    and the note tells them why; their work is with the account, not with the alert. A snoozed
    alert closes alike, and an alert's playbook tasks stay as they are. If the cause returns, a new
    alert opens.
    """
    alerts = []
    now = now or timezone.now()
    for alert, why in resolutions:
        same_tenant(tenant, alert=alert)
        if alert.status == AlertStatus.CLOSED:
            continue
        alert.status, alert.closing_note, alert.closed_at = AlertStatus.CLOSED, f"Closed by csplatform: {why}.", now
        alert.closed_by, alert.closed_by_system, alert.updated_at = None, True, now
        alerts.append(_system_change(alert, RESOLVED))
    if alerts:
        bulk_update_with_history(alerts, Alert, fields=RESOLVE_FIELDS, manager=Alert.unscoped)
        alerts_closed.send(sender=Alert, tenant=tenant, alerts=alerts)
    return len(alerts)


def _system_change(alert: Alert, reason: str) -> Alert:
    """Mark the next history row of ``alert`` as csplatform's, not the signed-in user's of the request."""
    alert._history_user = None
    alert._change_reason = reason
    return alert


_UNSET = object()


def alert_update(*, tenant: Tenant, alert: Alert, status: str | None = None, assignee=_UNSET, note: str = "",
                 by=None) -> Alert:  # fmt: skip
    """Work an alert: move its status and/or assignee. Closing needs a note; a closed alert stays closed.

    Raises ValidationError naming the field for a refused change.
    """
    same_tenant(tenant, alert=alert)
    # A person's change: the history row takes the request's user, not a mark left by csplatform's last one.
    alert.__dict__.pop("_history_user", None)
    alert.__dict__.pop("_change_reason", None)
    if alert.status == AlertStatus.CLOSED:
        raise ValidationError({"status": "This alert is closed; if its condition returns, a new alert opens."})
    fields = ["updated_at"]
    if assignee is not _UNSET:
        assignee_check(tenant, assignee, required=False)
        alert.assignee = assignee
        fields.append("assignee")
    closing = False
    if status is not None and status != alert.status:
        if status not in AlertStatus.values:
            raise ValidationError({"status": f"One of {', '.join(AlertStatus.values)}."})
        if status == AlertStatus.CLOSED:
            note = (note or "").strip()
            if not note:
                raise ValidationError({"closing_note": "A note is required to close an alert."})
            alert.closing_note, alert.closed_at, alert.closed_by = note, timezone.now(), by
            fields += ["closing_note", "closed_at", "closed_by"]
            closing = True
        alert.status = status
        fields.append("status")
    with transaction.atomic():
        alert.save(update_fields=fields)
        if closing:
            alerts_closed.send(sender=Alert, tenant=tenant, alerts=[alert])
    return alert


def alerts_fire(*, tenant: Tenant, firings: list[Firing], now: datetime | None = None, refire_daily: bool = True,
                existing: dict[tuple[int, str], Alert] | None = None) -> tuple[int, int]:  # fmt: skip
    """Open or re-fire alerts for many firings in a fixed number of queries; return (opened, refired).

    With ``refire_daily`` an alert whose condition simply still holds is re-fired at most once a
    day of the tenant's (any change of message or priority re-fires it at once), so frequent
    recomputes do not rewrite it, and its audit trail, on every pass. ``existing``: the open
    alerts {(account id, key): alert} the caller already holds locked (``open_alerts``).
    """
    if not firings:
        return 0, 0
    now = now or timezone.now()
    # One firing per (account, key): the last one wins.
    by_key = {(f.account_id, f.key): f for f in firings}
    zone = ZoneInfo(tenant.time_zone)
    with transaction.atomic():
        if existing is None:
            existing = {
                (a.account_id, a.key): a
                for a in _open_alerts(tenant, {a for a, _ in by_key}, {k for _, k in by_key}).order_by("pk")
            }
        new, refired = [], []
        for ident, firing in by_key.items():
            alert = existing.get(ident)
            if alert is None:
                new.append(_system_change(_new_alert(tenant, firing, now), RAISED))
                continue
            firing = _with_escalation(alert.detail, firing)
            if not refire_daily or _worth_refiring(alert, firing, now, zone):
                _refire(alert, firing, now)
                refired.append(_system_change(alert, REFIRED))
        if refired:
            bulk_update_with_history(refired, Alert, fields=REFIRE_FIELDS, manager=Alert.unscoped)
        if new:
            try:
                with transaction.atomic():
                    bulk_create_with_history(new, Alert)
                    playbook_tasks_create(tenant=tenant, alerts=new)  # alerts opened: their rules' playbooks
                    alerts_opened.send(sender=Alert, tenant=tenant, alerts=new)
            except IntegrityError:
                # A concurrent writer opened some of these keys: take them one at a time.
                for alert in new:
                    _raise_one(tenant, alert)
    return len(new), len(refired)


def _raise_one(tenant: Tenant, alert: Alert) -> None:
    alert_raise(
        tenant=tenant, account=alert.account, key=alert.key, title=alert.title, message=alert.message,
        priority=alert.priority, due_at=alert.due_at, detail=alert.detail, rule=alert.rule, assignee=alert.assignee,
    )  # fmt: skip


def open_alerts(*, tenant: Tenant, account_ids, keys) -> list[Alert]:
    """The alerts not closed of ``account_ids`` under ``keys``, locked until the caller's transaction ends."""
    return list(_open_alerts(tenant, account_ids, keys).order_by("pk"))


def _open_alerts(tenant: Tenant, account_ids, keys):
    return (
        Alert.objects.for_tenant(tenant)
        .select_for_update(of=("self",))
        .filter(account_id__one_of=account_ids, key__in=keys)
        .exclude(status=AlertStatus.CLOSED)
    )


def _new_alert(tenant: Tenant, firing: Firing, now: datetime) -> Alert:
    return Alert(
        tenant=tenant, account_id=firing.account_id, key=firing.key, rule_id=firing.rule_id,
        assignee_id=firing.assignee_id, priority=firing.priority, due_at=firing.due_at, status=AlertStatus.OPEN,
        title=firing.title[:200], message=firing.message, detail=firing.detail,
        first_fired_at=now, last_fired_at=now, fire_count=1, created_at=now, updated_at=now,
    )  # fmt: skip


def _worth_refiring(alert: Alert, firing: Firing, now: datetime, zone: ZoneInfo) -> bool:
    return (
        alert.message != firing.message
        or alert.priority != firing.priority
        or alert.detail != firing.detail
        or alert.last_fired_at.astimezone(zone).date() < now.astimezone(zone).date()
    )


def _refire(alert: Alert, firing: Firing, now: datetime) -> None:
    alert.title, alert.message, alert.priority, alert.detail = (
        firing.title[:200],
        firing.message,
        firing.priority,
        firing.detail,
    )
    alert.due_at = min(alert.due_at, firing.due_at)
    alert.last_fired_at = alert.updated_at = now
    alert.fire_count += 1
