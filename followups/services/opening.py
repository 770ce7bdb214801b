"""Opening the follow-up of a survey response: one per response, for the account's CSM, due in business days."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Membership, Tenant
from accounts.roles import Role
from accounts.tenancy import same_tenant
from alerts.services import alert_resolve
from alerts.services.wording import tenant_moment
from followups.business_days import business_deadline
from followups.models import FollowUp
from followups.services.closing import overdue_alert_key
from followups.signals import followup_opened
from followups.tenant_calendar import NonWorkingDays
from surveys.models import SurveyResponse

WORKING_ROLES = (Role.ADMIN, Role.CSM)


def followup_deadline(
    *, tenant: Tenant, category: str, since: datetime, non_working_days: NonWorkingDays | None = None
) -> datetime:
    """End of the tenant's business-day allowance for ``category`` after ``since``, in its time zone.

    Weekends, the tenant's public holidays and its closing days are not counted. A caller opening many
    follow-ups may pass one ``NonWorkingDays`` of the tenant for all of them.
    """
    days = tenant.setting(f"followup_days_{category}")
    return business_deadline(since, days, tenant.time_zone, holidays=non_working_days or NonWorkingDays(tenant))


def fallback_assignee(*, tenant: Tenant) -> Membership | None:
    """The member named by the tenant setting ``followup_fallback_assignee_email``, if they may work follow-ups."""
    email = (tenant.setting("followup_fallback_assignee_email") or "").strip()
    if not email:
        return None
    return (
        Membership.objects.for_tenant(tenant)
        .filter(user__email__iexact=email, role__in=WORKING_ROLES, user__is_active=True)
        .first()
    )


def followup_open_for_response(*, tenant: Tenant, response: SurveyResponse) -> FollowUp:
    """The response's follow-up, opened if it has none (idempotent).

    The deadline counts from when the answer was given (``responded_at``), not from when it reached us:
    an answer synced or imported late may be born overdue, and says so (``FollowUp.received_late``). An
    amended response moves an open follow-up to its new category.
    """
    same_tenant(tenant, response=response)
    existing = FollowUp.objects.for_tenant(tenant).filter(response=response).first()
    if existing is not None:
        return _follow_amendment(tenant, existing, response)
    account = response.account
    followup = FollowUp(
        tenant=tenant,
        response=response,
        account=account,
        contact=response.contact,
        category=response.category,
        assignee=account.csm_owner if account.csm_owner_id else fallback_assignee(tenant=tenant),
        due_at=followup_deadline(tenant=tenant, category=response.category, since=response.responded_at),
    )
    try:
        with transaction.atomic():
            followup.save()
            followup_opened.send(sender=FollowUp, tenant=tenant, followup=followup)
    except IntegrityError:
        # Opened by a concurrent delivery of the same response.
        return FollowUp.objects.for_tenant(tenant).get(response=response)
    return followup


def _follow_amendment(tenant: Tenant, followup: FollowUp, response: SurveyResponse) -> FollowUp:
    if not followup.is_open or followup.category == response.category:
        return followup
    followup.category = response.category
    followup.due_at = followup_deadline(tenant=tenant, category=response.category, since=response.responded_at)
    fields = ["category", "due_at", "updated_at"]
    if followup.overdue_alerted_at is not None and followup.due_at > timezone.now():
        # The overdue alert's cause is gone: the amended answer's deadline is still ahead.
        alert_resolve(
            tenant=tenant,
            account=followup.account,
            key=overdue_alert_key(followup),
            why=f"the follow-up's deadline moved to {tenant_moment(tenant, followup.due_at)}",
        )
        followup.overdue_alerted_at = None
        fields.append("overdue_alerted_at")
    followup.save(update_fields=fields)
    return followup
