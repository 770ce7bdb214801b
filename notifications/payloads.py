"""The data of each event type: what a receiver needs to act on it, with our ids and the tenant's own.

One function per event type, each returning the ``data`` of its events, one per changed row. They
read the few related rows they need with one query per kind (accounts, contacts, assignees), never
one per row, and only run when some endpoint subscribes (``events_publish`` takes them as callables).
Personal data is limited to what a receiver acts on: a contact's email, an assignee's email.
Moments are ISO 8601 in UTC (``Z``), days are ISO dates, money is a decimal string with its currency.
The shapes are documented, and checked against real payloads, in ``notifications.webhook_docs``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal

from accounts.models import Account, Contact, Membership, Tenant


def moment(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def money(amount: Decimal | None, currency: str) -> dict | None:
    return None if amount is None else {"amount": f"{Decimal(amount):.2f}", "currency": currency}


def alert_opened(tenant: Tenant, alerts: list) -> list[dict]:
    return _alerts(tenant, alerts)


def alert_closed(tenant: Tenant, alerts: list) -> list[dict]:
    return _alerts(tenant, alerts)


def followup_opened(tenant: Tenant, followup) -> list[dict]:
    return [_followup(tenant, followup)]


def followup_overdue(tenant: Tenant, followup) -> list[dict]:
    return [_followup(tenant, followup)]


def followup_closed(tenant: Tenant, followup) -> list[dict]:
    return [_followup(tenant, followup)]


def score_band_changed(tenant: Tenant, as_of: datetime, changes: dict) -> list[dict]:
    """``changes``: {account id: ScoreChange}, only those whose band moved."""
    accounts = _accounts(tenant, changes)
    return [
        {
            "account": accounts[account_id],
            "score": {
                "before": change.before_score,
                "after": change.score,
                "before_band": change.before_band,
                "band": change.band,
                "as_of": moment(as_of),
            },
        }
        for account_id, change in sorted(changes.items())
    ]


def response_recorded(tenant: Tenant, response, *, created: bool) -> list[dict]:
    data = {
        "response": {
            "id": response.pk, "survey_id": response.survey_id, "score": response.score,
            "category": response.category, "comment": response.comment, "channel": response.channel,
            "answered_at": moment(response.responded_at), "amended": not created,
            "amended_at": moment(response.amended_at),
        },
        "account": _accounts(tenant, [response.account_id])[response.account_id],
        "contact": _contacts(tenant, [response.contact_id])[response.contact_id],
    }  # fmt: skip
    return [data]


def contact_became_advocate(tenant: Tenant, contact) -> list[dict]:
    account = _accounts(tenant, [contact.account_id])[contact.account_id] if contact.account_id else None
    return [{"contact": _contact(contact.pk, contact.external_id, contact.email), "account": account}]


def renewal_updated(tenant: Tenant, changes: list[tuple]) -> list[dict]:
    """``changes``: (renewal, "created" | "updated" | "closed") pairs."""
    ids = {renewal.account_id for renewal, _ in changes}
    rows = Account.objects.for_tenant(tenant).filter(pk__one_of=ids)
    accounts, currencies = {}, {}
    for pk, external_id, name, currency in rows.values_list("pk", "external_id", "name", "currency"):
        accounts[pk] = _account(pk, external_id, name)
        currencies[pk] = currency or tenant.currency  # the account's own, else the tenant's (Account.currency_in)
    return [
        {
            "change": change,
            "renewal": _renewal(renewal, currencies[renewal.account_id]),
            "account": accounts[renewal.account_id],
        }
        for renewal, change in changes
    ]


def _renewal(renewal, currency: str) -> dict:
    return {
        "id": renewal.pk, "external_id": renewal.external_id or None,
        "term_start": day(renewal.term_start), "renewal_on": day(renewal.term_end), "outcome": renewal.outcome,
        "arr_due": money(renewal.arr_due, currency), "closed_arr": money(renewal.closed_arr, currency),
        "closed_on": day(renewal.closed_on), "csm_call": renewal.csm_call or None,
    }  # fmt: skip


def _alerts(tenant: Tenant, alerts: list) -> list[dict]:
    accounts = _accounts(tenant, {alert.account_id for alert in alerts})
    emails = _emails(tenant, {alert.assignee_id for alert in alerts if alert.assignee_id})
    return [
        {
            "alert": {
                "id": alert.pk,
                "key": alert.key,
                "title": alert.title,
                "priority": alert.priority,
                "status": alert.status,
                "message": alert.message,
                "due_at": moment(alert.due_at),
                "opened_at": moment(alert.first_fired_at),
                "closed_at": moment(alert.closed_at),
                "closed_by_system": alert.closed_by_system,
                "assignee_email": emails.get(alert.assignee_id),
            },
            "account": accounts[alert.account_id],
        }
        for alert in alerts
    ]


def _followup(tenant: Tenant, followup) -> dict:
    email = _emails(tenant, [followup.assignee_id]).get(followup.assignee_id) if followup.assignee_id else None
    return {
        "followup": {
            "id": followup.pk, "category": followup.category, "status": followup.status,
            "due_at": moment(followup.due_at), "opened_at": moment(followup.created_at),
            "closed_at": moment(followup.closed_at), "assignee_email": email, "response_id": followup.response_id,
        },
        "account": _accounts(tenant, [followup.account_id])[followup.account_id],
        "contact": _contacts(tenant, [followup.contact_id])[followup.contact_id],
    }  # fmt: skip


def _account(pk: int, external_id: str, name: str) -> dict:
    return {"id": pk, "external_id": external_id, "name": name}


def _contact(pk: int, external_id: str, email: str) -> dict:
    return {"id": pk, "external_id": external_id, "email": email or None}


def _accounts(tenant: Tenant, ids: Iterable[int]) -> dict[int, dict]:
    rows = Account.objects.for_tenant(tenant).filter(pk__one_of=ids).values_list("pk", "external_id", "name")
    return {pk: _account(pk, external_id, name) for pk, external_id, name in rows}


def _contacts(tenant: Tenant, ids: Iterable[int]) -> dict[int, dict]:
    rows = Contact.objects.for_tenant(tenant).filter(pk__one_of=ids).values_list("pk", "external_id", "email")
    return {pk: _contact(pk, external_id, email) for pk, external_id, email in rows}


def _emails(tenant: Tenant, membership_ids: Iterable[int]) -> dict[int, str]:
    rows = Membership.objects.for_tenant(tenant).filter(pk__one_of=membership_ids).values_list("pk", "user__email")
    return dict(rows)
