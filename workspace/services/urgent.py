"""Urgent emails: told at once, to the account's CSM, about what cannot wait for tomorrow's digest.

Two things are urgent: an executive or champion of the account answers as a detractor (``urgent_detractor_notify``),
and a red account renews within 30 days of the tenant's today (``red_renewals_notify``). Each goes to the member
who owns the account; an account nobody owns goes to the tenant's admins, who assign owners (an urgent matter
on an unowned account is the one nobody would otherwise see). A member who turned urgent emails off, in the
console or from an email's link, gets none. Each member is told of each thing once: the ``UrgentNotice`` row is
claimed in the transaction that sends, so a re-run or a second worker finds it and sends nothing, and an email
that fails to go releases its claim for the retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Account, Contact, LifecycleStage, Membership, Tenant
from accounts.roles import Role
from accounts.zones import tenant_zone
from followups.models import FollowUp
from indicators.models import Band
from outcomes.models import Outcome, Renewal
from surveys.models import Category, SurveyResponse
from workspace.models import UrgentKind, UrgentNotice
from workspace.services.notifications import preference_for
from workspace.services.urgent_mail import UrgentEmail, detractor_email, red_renewal_email

RENEWAL_DAYS = 30  # a red account is urgent when its renewal is this many days away or fewer
# An answer given longer ago than this (an import of last quarter's survey, a late sync) is history, not news.
ANSWER_NEWS = timedelta(days=3)


def contact_roles(contact: Contact) -> list[str]:
    """What makes the contact's word weigh: executive (flagged, or the account's executive sponsor), champion."""
    roles = []
    if contact.is_executive or _is_sponsor(contact):
        roles.append("executive")
    if contact.is_champion:
        roles.append("champion")
    return roles


def _is_sponsor(contact: Contact) -> bool:
    # Read from the database: the contact's account in memory may predate the sponsor being named.
    accounts = Account.objects.for_tenant(contact.tenant_id)
    return contact.account_id is not None and accounts.filter(pk=contact.account_id, executive_sponsor=contact).exists()


def response_is_urgent(
    *, response: SurveyResponse, created: bool, before_category: str | None, now: datetime | None = None
) -> bool:
    """A detractor's answer from an executive or champion, new, or amended into a detractor's (an amendment of a
    detractor's answer that stays one is not news), given within ``ANSWER_NEWS`` of ``now``."""
    if response.category != Category.DETRACTOR or not (created or before_category != Category.DETRACTOR):
        return False
    given = response.amended_at or response.responded_at
    if given < (now or timezone.now()) - ANSWER_NEWS:
        return False
    return bool(contact_roles(response.contact))


class Audience:
    """Who is told about an account: its CSM, or (nobody owns it) the tenant's admins. Members whose login is
    disabled are left out, so an owner who left does not swallow the email: the admins get it. The tenant's
    members are read once, however many accounts are asked about."""

    def __init__(self, tenant: Tenant):
        members = Membership.objects.for_tenant(tenant).filter(user__is_active=True).select_related("user", "tenant")
        self.members = {member.pk: member for member in members.order_by("pk")}
        self.admins = [member for member in self.members.values() if member.role == Role.ADMIN]

    def of(self, account: Account) -> tuple[list[Membership], bool]:
        """The members to tell, and whether that is the account's own CSM (False: its admins, for want of one)."""
        owner = self.members.get(account.csm_owner_id)
        return ([owner], True) if owner is not None else (self.admins, False)


def _send_once(*, tenant: Tenant, member: Membership, account: Account, kind: str, subject: str, email) -> bool:
    """Claim the member's notice of ``subject`` and send; False when they opted out or were already told."""
    if not preference_for(member).urgent_email:
        return False
    try:
        # The send is inside the claim's transaction: a failed send rolls the claim back, and a second worker
        # waits on the unique index until the first commits, then finds the row.
        with transaction.atomic():
            UrgentNotice.objects.for_tenant(tenant).create(
                tenant=tenant, membership=member, account=account, kind=kind, subject=subject
            )
            email(member).send()
    except IntegrityError:
        return False
    return True


def urgent_detractor_notify(*, tenant: Tenant, response_id: int) -> int:
    """Email the account's CSM about the answer if it is (still) a detractor's from an executive or champion;
    how many emails went."""
    response = (
        SurveyResponse.objects.for_tenant(tenant).filter(pk=response_id)
        .select_related("contact__account", "account__csm_owner__user").first()
    )  # fmt: skip
    if response is None or response.category != Category.DETRACTOR:
        return 0  # gone, or amended out of detractor since it was queued
    roles = contact_roles(response.contact)
    if not roles:
        return 0
    account = response.account
    followup = FollowUp.objects.for_tenant(tenant).filter(response=response).order_by("pk").first()
    recipients, owned = Audience(tenant).of(account)
    facts = UrgentEmail(tenant=tenant, account=account, owned=owned)
    return sum(
        _send_once(
            tenant=tenant, member=member, account=account, kind=UrgentKind.DETRACTOR, subject=str(response.pk),
            email=lambda to: detractor_email(facts, to=to, response=response, roles=roles, followup=followup),
        )
        for member in recipients
    )  # fmt: skip


@dataclass(frozen=True)
class RedRenewal:
    renewal: Renewal
    days_left: int


def red_renewals_due(*, tenant: Tenant, today: date, account_ids=None) -> list[RedRenewal]:
    """Pending renewals ending from ``today`` to ``RENEWAL_DAYS`` days after it, of current accounts that are
    red now; of ``account_ids`` only, when given."""
    found = (
        Renewal.objects.for_tenant(tenant)
        .filter(outcome=Outcome.PENDING, term_end__gte=today, term_end__lte=today + timedelta(days=RENEWAL_DAYS))
        .filter(account__health__band=Band.RED, account__health__score__isnull=False)
        .exclude(account__lifecycle_stage=LifecycleStage.CHURNED)
        .select_related("account__health")
        .order_by("term_end", "pk")
    )
    if account_ids is not None:
        found = found.filter(Q(account_id__one_of=sorted(set(account_ids))))
    return [RedRenewal(renewal, (renewal.term_end - today).days) for renewal in found]


def red_renewals_notify(*, tenant: Tenant, now: datetime, account_ids=None) -> int:
    """Email each red account's CSM about its renewal within 30 days, once per account and renewal date; how many
    emails went. Called when accounts turn red (``account_ids``) and by the periodic sweep (every account)."""
    today = now.astimezone(tenant_zone(tenant)).date()
    due = red_renewals_due(tenant=tenant, today=today, account_ids=account_ids)
    if not due:
        return 0
    audience = Audience(tenant)
    # What was told already, in one query: an hourly sweep over renewals told long ago costs next to nothing.
    told = set(
        UrgentNotice.objects.for_tenant(tenant)
        .filter(kind=UrgentKind.RED_RENEWAL, account_id__one_of=sorted({d.renewal.account_id for d in due}))
        .values_list("membership_id", "subject")
    )  # fmt: skip
    sent = 0
    for one in due:
        account = one.renewal.account
        recipients, owned = audience.of(account)
        facts = UrgentEmail(tenant=tenant, account=account, owned=owned)
        subject = f"{account.pk}:{one.renewal.term_end.isoformat()}"
        for member in recipients:
            if (member.pk, subject) in told:
                continue
            sent += _send_once(
                tenant=tenant, member=member, account=account, kind=UrgentKind.RED_RENEWAL, subject=subject,
                email=lambda to, one=one, facts=facts: red_renewal_email(
                    facts, to=to, renewal=one.renewal, days_left=one.days_left
                ),
            )  # fmt: skip
    return sent
