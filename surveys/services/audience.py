"""The audience of a survey: contacts of the accounts matching its filter."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet

from accounts.models import Account, Contact, Tenant
from surveys.eligibility_rules import local_date
from surveys.models import ContactRole, Survey

ROLE_FLAGS = {
    ContactRole.EXECUTIVE: "is_executive",
    ContactRole.DECISION_MAKER: "is_decision_maker",
    ContactRole.CHAMPION: "is_champion",
    ContactRole.ADVOCATE: "is_advocate",
}


def audience_accounts(*, tenant: Tenant, survey: Survey, now: datetime) -> QuerySet[Account]:
    accounts = Account.objects.for_tenant(tenant)
    if survey.audience_segment:
        accounts = accounts.filter(segment__iexact=survey.audience_segment)
    if survey.audience_lifecycle_stage:
        accounts = accounts.filter(lifecycle_stage=survey.audience_lifecycle_stage)
    if survey.audience_csm_id:
        accounts = accounts.filter(csm_owner_id=survey.audience_csm_id)
    if survey.audience_renewal_within_days is not None:
        today = local_date(now, tenant.time_zone)
        accounts = accounts.filter(
            renewal_on__gte=today, renewal_on__lte=today + timedelta(days=survey.audience_renewal_within_days)
        )
    return accounts


def audience_contacts(*, tenant: Tenant, survey: Survey, now: datetime) -> QuerySet[Contact]:
    contacts = Contact.objects.for_tenant(tenant).filter(
        account__in=audience_accounts(tenant=tenant, survey=survey, now=now)
    )
    flag = ROLE_FLAGS.get(survey.audience_contact_role)
    if flag:
        contacts = contacts.filter(**{flag: True})
    return contacts.order_by("pk")


def audience_mismatch(*, survey: Survey, contact: Contact, account: Account | None, now: datetime) -> tuple[str, ...]:
    """Why ``contact`` is outside the survey's audience (empty when inside), in words an admin reads."""
    reasons = []
    if account is not None:
        if survey.audience_segment and account.segment.lower() != survey.audience_segment.lower():
            reasons.append(f"account segment is not {survey.audience_segment}")
        if survey.audience_lifecycle_stage and account.lifecycle_stage != survey.audience_lifecycle_stage:
            reasons.append(f"account is not in the {survey.get_audience_lifecycle_stage_display()} stage")
        if survey.audience_csm_id and account.csm_owner_id != survey.audience_csm_id:
            reasons.append("account belongs to another CSM")
        if survey.audience_renewal_within_days is not None:
            today = local_date(now, survey.tenant.time_zone)
            renewal = account.renewal_on
            if renewal is None or not today <= renewal <= today + timedelta(days=survey.audience_renewal_within_days):
                reasons.append(f"account does not renew within {survey.audience_renewal_within_days} days")
    flag = ROLE_FLAGS.get(survey.audience_contact_role)
    if flag and not getattr(contact, flag):
        reasons.append(f"not one of the {survey.get_audience_contact_role_display().lower()}")
    return tuple(reasons)
