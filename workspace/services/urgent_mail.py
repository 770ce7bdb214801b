"""The urgent emails themselves: what happened, the account, the figures, links into the console; as text with an
HTML alternative, read on the tenant's clock, with a List-Unsubscribe link that stops urgent emails only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, Membership, Tenant
from accounts.zones import tenant_zone
from followups.models import FollowUp
from outcomes.models import Renewal
from surveys.models import SurveyResponse
from workspace.services.unsubscribe_links import URGENT, unsubscribe_url


@dataclass(frozen=True)
class UrgentEmail:
    tenant: Tenant
    account: Account
    owned: bool  # False: nobody owns the account, and the email goes to the tenant's admins


def absolute_url(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def money(amount: Decimal | None, currency: str) -> str:
    return "" if amount is None else f"{currency} {amount:,.2f}"


def shown(value, zone) -> str:
    """A fact as the email shows it: moments on the tenant's clock with the zone's name, dates with their year."""
    if isinstance(value, datetime):
        return f"{value.astimezone(zone):%-d %b %Y %H:%M} ({zone.key})"
    if isinstance(value, date):
        return f"{value:%-d %b %Y}"
    return "-" if value in (None, "") else str(value)


def _email(facts: UrgentEmail, *, to: Membership, subject: str, context: dict) -> EmailMultiAlternatives:
    account = facts.account
    unsubscribe = unsubscribe_url(to, URGENT)
    zone = tenant_zone(facts.tenant)
    context = {
        **context,
        "facts": [(label, shown(value, zone)) for label, value in context["facts"]],
        "name": to.user.get_full_name() or to.user.email,
        "account": account,
        "owned": facts.owned,
        "account_url": absolute_url("admin:accounts_account_change", account.pk),
        "settings_url": absolute_url("workspace-admin:notifications"),
        "unsubscribe_url": unsubscribe,
        "zone": facts.tenant.time_zone,
        "tenant": facts.tenant,
    }
    with timezone.override(zone):  # every moment in the email on the tenant's clock
        text = render_to_string("workspace/email/urgent.txt", context)
        html = render_to_string("workspace/email/urgent.html", context)
    email = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # names come from integrations: a line break would be refused in a header
        body=text,
        to=[to.user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    email.attach_alternative(html, "text/html")
    return email


def detractor_email(
    facts: UrgentEmail, *, to: Membership, response: SurveyResponse, roles: list[str], followup: FollowUp | None
) -> EmailMultiAlternatives:
    contact = response.contact
    who = contact.name or contact.email or contact.external_id
    role = " and ".join(roles)
    currency = facts.account.currency_in(facts.tenant.currency)
    context = {
        "headline": f"{who}, {role} at {facts.account.name}, answered {response.score} out of 10 (a detractor).",
        "facts": [
            ("Contact", f"{who} ({contact.email})" if contact.email and contact.name else who),
            ("Role", role),
            ("Score", f"{response.score} / 10"),
            ("Comment", response.comment or "(no comment)"),
            ("Answered", response.responded_at),
            ("Account ARR", money(facts.account.arr, currency)),
            ("Renewal date", facts.account.renewal_on),
        ],
        "links": [
            *(
                [("Open the follow-up", absolute_url("admin:followups_followup_change", followup.pk))]
                if followup
                else []
            ),
            ("Open the account", absolute_url("admin:accounts_account_change", facts.account.pk)),
        ],
    }
    subject = f"Urgent: {facts.account.name}: {role} {who} answered {response.score}/10"
    return _email(facts, to=to, subject=subject, context=context)


def red_renewal_email(
    facts: UrgentEmail, *, to: Membership, renewal: Renewal, days_left: int
) -> EmailMultiAlternatives:
    account = facts.account
    health = getattr(account, "health", None)
    currency = account.currency_in(facts.tenant.currency)
    when = "today" if days_left == 0 else f"in {days_left} day{'s' if days_left != 1 else ''}"
    context = {
        "headline": f"{account.name} is red and renews {when}, on {renewal.term_end:%-d %B %Y}.",
        "facts": [
            ("Renewal date", renewal.term_end),
            ("Days left", days_left),
            ("ARR due", money(renewal.arr_due, currency)),
            ("Account ARR", money(account.arr, currency)),
            ("Health score", f"{health.score:.0f} (red)" if health and health.score is not None else "red"),
        ],
        "links": [
            ("Open the account", absolute_url("admin:accounts_account_change", account.pk)),
            ("Open the renewal", absolute_url("admin:outcomes_renewal_change", renewal.pk)),
        ],
    }
    subject = f"Urgent: {account.name} is red and renews on {renewal.term_end:%-d %b %Y}"
    return _email(facts, to=to, subject=subject, context=context)
