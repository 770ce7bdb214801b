"""Closing a follow-up with what its category asks for, marking advocates, and closing its overdue alert."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Contact, Membership, Tenant
from accounts.tenancy import other_tenant_errors, same_tenant
from alerts.services import alert_close, alerts_resolve, open_alerts_about
from alerts.services.wording import tenant_moment
from followups.models import ADVOCATE_ASKS, AskKind, AskResult, FollowUp, FollowUpAsk, RootCause, Status
from followups.signals import followup_closed
from surveys.models import Category


@dataclass(frozen=True)
class Ask:
    kind: str
    result: str
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    """What closing records. Only the fields of the follow-up's category are read; the others are left empty."""

    note: str = ""
    # promoter
    asks: list[Ask] = field(default_factory=list)
    reason_promoter: str = ""
    # passive
    what_would_make_promoter: str = ""
    # detractor
    root_cause: RootCause | None = None
    product_mismatch: bool | None = None
    resolved: bool | None = None


def outcome_errors(*, tenant: Tenant, category: str, outcome: Outcome) -> dict[str, str | ValidationError]:
    """Field -> message (or error, when it has a code) for what ``outcome`` lacks or gets wrong for ``category``."""
    errors: dict[str, str | ValidationError] = {}
    if category == Category.PROMOTER:
        if not outcome.asks:
            errors["asks"] = "Record at least one ask (reference, case study, review...) and the answer."
        else:
            kinds = [a.kind for a in outcome.asks]
            if len(set(kinds)) != len(kinds):
                errors["asks"] = "Record each kind of ask once."
            elif any(a.kind not in AskKind.values or a.result not in AskResult.values for a in outcome.asks):
                errors["asks"] = "Each ask needs a known kind and result."
        if not outcome.reason_promoter.strip():
            errors["reason_promoter"] = "Say why they are a promoter."
    elif category == Category.PASSIVE:
        if not outcome.what_would_make_promoter.strip():
            errors["what_would_make_promoter"] = "Say what would make them a promoter."
    elif category == Category.DETRACTOR:
        cause = outcome.root_cause
        if cause is None:
            errors["root_cause"] = "Choose the root cause."
        elif other_tenant := other_tenant_errors(tenant, root_cause=cause):
            errors.update(other_tenant)
        elif not cause.is_active:
            errors["root_cause"] = "This root cause is no longer in use."
        if outcome.product_mismatch is None:
            errors["product_mismatch"] = "Say whether it is a product mismatch."
        if outcome.resolved is None:
            errors["resolved"] = "Say whether it was resolved."
    return errors


def followup_close(*, tenant: Tenant, followup: FollowUp, outcome: Outcome, by: Membership | None = None) -> FollowUp:
    """Close with the category's outcome. Raises ValidationError naming each missing field.

    A promoter who accepts a reference or advocacy ask becomes an advocate. The follow-up's overdue
    alert, if any, closes with it, and so does any alert raised for the answer itself (a detractor
    answer's): one piece of work, one closure.
    """
    same_tenant(tenant, followup=followup, by=by)
    with transaction.atomic():
        followup = FollowUp.objects.for_tenant(tenant).select_for_update().get(pk=followup.pk)
        if followup.status == Status.CLOSED:
            raise ValidationError({"status": "This follow-up is already closed; reopen it to close it again."})
        errors = outcome_errors(tenant=tenant, category=followup.category, outcome=outcome)
        if errors:
            raise ValidationError(errors)
        outcome_apply(followup, outcome)
        followup.status = Status.CLOSED
        followup.closed_at = timezone.now()
        followup.closed_by = by
        followup.save()
        # Asks are replaced as a whole: a reopened follow-up closes with its latest answers.
        FollowUpAsk.objects.for_tenant(tenant).filter(followup=followup).delete()
        for ask in ask_rows(tenant, followup, outcome):
            ask.save()
        if agrees_to_advocate(followup, outcome):
            _mark_advocate(tenant, followup.contact_id)
        alert_close(
            tenant=tenant,
            account=followup.account,
            key=overdue_alert_key(followup),
            note=f"Follow-up closed{f' by {by.user}' if by else ''}.",
            by=by.user if by else None,
        )
        _answer_alerts_resolve(tenant, followup, by)
        followup_closed.send(sender=FollowUp, tenant=tenant, followup=followup)
    return followup


def _answer_alerts_resolve(tenant: Tenant, followup: FollowUp, by: Membership | None) -> None:
    """Close, as csplatform, the open alerts raised for this follow-up's answer (a detractor answer's):
    the follow-up was that work, and its outcome is recorded on it."""
    alerts = open_alerts_about(tenant=tenant, account=followup.account, response_id=followup.response_id)
    who = f" by {by.user}" if by else ""
    why = f"the follow-up of this answer was closed{who} on {tenant_moment(tenant, followup.closed_at)}"
    alerts_resolve(tenant=tenant, resolutions=[(alert, why) for alert in alerts], now=followup.closed_at)


def overdue_alert_key(followup: FollowUp) -> str:
    return f"followup-overdue:{followup.pk}"


def outcome_apply(followup: FollowUp, outcome: Outcome) -> None:
    """Set the outcome fields of ``followup``'s category (the others are emptied); does not save."""
    category = followup.category
    promoter, passive, detractor = (category == c for c in (Category.PROMOTER, Category.PASSIVE, Category.DETRACTOR))
    followup.reason_promoter = outcome.reason_promoter.strip() if promoter else ""
    followup.what_would_make_promoter = outcome.what_would_make_promoter.strip() if passive else ""
    followup.root_cause = outcome.root_cause if detractor else None
    followup.product_mismatch = outcome.product_mismatch if detractor else None
    followup.resolved = outcome.resolved if detractor else None
    followup.closing_note = outcome.note.strip()


def ask_rows(tenant: Tenant, followup: FollowUp, outcome: Outcome) -> list[FollowUpAsk]:
    """The asks to store for ``outcome`` (promoters only), unsaved."""
    if followup.category != Category.PROMOTER:
        return []
    return [
        FollowUpAsk(tenant=tenant, followup=followup, kind=a.kind, result=a.result, note=a.note) for a in outcome.asks
    ]


def agrees_to_advocate(followup: FollowUp, outcome: Outcome) -> bool:
    return followup.category == Category.PROMOTER and any(
        a.kind in ADVOCATE_ASKS and a.result == AskResult.ACCEPTED for a in outcome.asks
    )


def _mark_advocate(tenant: Tenant, contact_id: int) -> None:
    contact = Contact.objects.for_tenant(tenant).get(pk=contact_id)
    if not contact.is_advocate:
        contact.is_advocate = True
        contact.save(update_fields=["is_advocate", "updated_at"])
