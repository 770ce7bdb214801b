"""The daily digest: each member's own day (alerts opened since their previous digest, work due and overdue,
renewals within 30 days, biggest drops), emailed once per tenant day after 08:00 on the tenant's clock. It reads
only Today's selectors, so it holds exactly what the member's Today page shows of their own book and nothing of
anyone else's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, Membership, Tenant
from accounts.roles import Role
from accounts.zones import tenant_zone
from indicators.models import HealthScore
from workspace.digest_time import digest_day_due
from workspace.local_day import LocalDay, local_day
from workspace.models import DigestSend
from workspace.selectors.today import NewAlert, RenewalRow, WorkItem, my_fallers, my_new_alerts, my_renewals, my_work
from workspace.services.notifications import claim_digest, preference_for
from workspace.services.unsubscribe_links import unsubscribe_url

RENEWAL_DAYS = 30
FIRST_DIGEST_LOOKBACK = timedelta(hours=24)  # "new alerts" of a member's first digest: the last 24 hours


@dataclass(frozen=True)
class Digest:
    member: Membership
    day: LocalDay
    new_alerts: list[NewAlert]  # opened since the member's previous digest
    overdue: list[WorkItem]
    due_today: list[WorkItem]
    renewals: list[RenewalRow]
    drops: list[HealthScore]  # only scores that fell this week

    def is_empty(self) -> bool:
        return not (self.new_alerts or self.overdue or self.due_today or self.renewals or self.drops)


def new_alerts_since(*, tenant: Tenant, member: Membership, now: datetime) -> datetime:
    """Where the digest's "new alerts" begin: when the member's previous digest was composed, so that each alert
    is new in exactly one digest whatever the clocks did between them; for a first digest, 24 hours back."""
    previous = (
        DigestSend.objects.for_tenant(tenant).filter(membership=member, sent_at__lt=now)
        .order_by("-sent_at").values_list("sent_at", flat=True).first()
    )  # fmt: skip
    return previous if previous is not None else now - FIRST_DIGEST_LOOKBACK


def digest_of(*, tenant: Tenant, member: Membership, now: datetime) -> Digest:
    day = local_day(now, tenant_zone(tenant))
    work = my_work(tenant=tenant, member=member, day=day, now=now)
    since = new_alerts_since(tenant=tenant, member=member, now=now)
    return Digest(
        member=member,
        day=day,
        new_alerts=my_new_alerts(tenant=tenant, member=member, since=since, until=now),
        overdue=[w for w in work if w.overdue],
        due_today=[w for w in work if not w.overdue],
        renewals=my_renewals(tenant=tenant, member=member, today=day.day, horizon=RENEWAL_DAYS).rows,
        drops=[s for s in my_fallers(tenant=tenant, member=member) if s.change_7d is not None and s.change_7d < 0],
    )


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _account_link(account_id: int) -> str:
    return _absolute(reverse("admin:accounts_account_change", args=[account_id]))


def digest_email(digest: Digest) -> EmailMultiAlternatives:
    """The email of one digest, as text with an HTML alternative."""
    context = {
        "digest": digest,
        "name": digest.member.user.get_full_name() or digest.member.user.email,
        "today_url": _absolute(reverse("workspace-admin:today")),
        "new_alerts": [
            (a, _absolute(reverse("admin:alerts_alert_change", args=[a.alert_id]))) for a in digest.new_alerts
        ],
        "overdue": [(w, _account_link(w.account_id)) for w in digest.overdue],
        "due_today": [(w, _account_link(w.account_id)) for w in digest.due_today],
        "renewals": [(r, _account_link(r.account_id)) for r in digest.renewals],
        "drops": [(s, _account_link(s.account_id)) for s in digest.drops],
        "unsubscribe_url": unsubscribe_url(digest.member),
    }
    subject = f"Your day, {digest.day.day:%A %d %B}"
    with timezone.override(
        tenant_zone(digest.member.tenant)
    ):  # times in the email read on the tenant's clock, not the server's
        text = render_to_string("workspace/email/digest.txt", context)
        html = render_to_string("workspace/email/digest.html", context)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[digest.member.user.email],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    email.attach_alternative(html, "text/html")
    return email


def digest_members(tenant: Tenant):
    """The members a digest is for: the CSMs, and anyone else with accounts assigned to them."""
    owners = Account.objects.for_tenant(tenant).filter(csm_owner__isnull=False).values("csm_owner")
    return (
        Membership.objects.for_tenant(tenant)
        .filter(Q(role=Role.CSM) | Q(pk__in=owners))
        .select_related("user", "tenant")  # the email reads the tenant (zone, name) per member
        .order_by("pk")
    )


def send_digest(*, tenant: Tenant, member: Membership, now: datetime) -> bool:
    """Send the member's digest for the tenant day of ``now``; False when they opted out, it would say
    nothing, or it was already sent that day (the claim is taken before sending, so never twice)."""
    if not preference_for(member).daily_digest:
        return False
    digest = digest_of(tenant=tenant, member=member, now=now)
    if digest.is_empty():
        return False
    if not claim_digest(member, digest.day.day, at=now):
        return False
    digest_email(digest).send()
    return True


def send_due_digests(*, tenant: Tenant, now: datetime) -> int:
    """Every digest of the tenant due at ``now`` (after 08:00 on its clock) and not yet sent; how many went."""
    if digest_day_due(now, tenant_zone(tenant)) is None:
        return 0
    return sum(send_digest(tenant=tenant, member=member, now=now) for member in digest_members(tenant))
