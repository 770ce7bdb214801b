"""The "Renewals" section of the account page: the account's renewals with outcome, ARR, the CSM's call and
the forecast, and what drives the forecast of the next one."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Account
from indicators.admin.account_sections import account_section_add
from outcomes.selectors_renewals import account_next_forecast, account_renewals


def renewals_section(account: Account) -> str:
    tenant = account.tenant
    renewals = account_renewals(tenant=tenant, account=account)
    return render_to_string(
        "admin/outcomes/account_renewals.html",
        {
            "renewals": [
                {"r": r, "url": reverse("admin:outcomes_renewal_change", args=[r.renewal_id])} for r in renewals
            ],
            "next": account_next_forecast(tenant=tenant, account=account),
            "currency": tenant.currency,
            "all_url": f"{reverse('admin:outcomes_renewal_changelist')}?account__id__exact={account.pk}",
            "ahead_url": reverse("outcomes-admin:renewals-ahead"),
        },
    )


account_section_add(key="renewals", title="Renewals", render=renewals_section)
