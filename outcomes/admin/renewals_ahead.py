"""Renewals ahead: the pending renewals by term end, overdue ones first, with ARR due per window."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from accounts.models import Membership
from accounts.replica import replica_page
from accounts.roles import Role
from outcomes.admin.pages import (
    ConsoleFilters,
    CsmField,
    console_page,
    csm_choices,
    filters_from,
    is_admin,
    render_page,
    segment_choices,
)
from outcomes.selectors_renewals import HORIZONS, renewals_ahead
from outcomes.services.ledger import tenant_today

TITLE = "Renewals ahead"


class RenewalsAheadFilters(ConsoleFilters):
    id_fields = ("csm",)

    horizon = forms.TypedChoiceField(
        label="Term ends within", choices=[(d, f"{d} days") for d in HORIZONS], coerce=int, initial=HORIZONS[2]
    )
    segment = forms.ChoiceField(required=False)
    csm = CsmField(queryset=Membership.unscoped.none(), required=False, label="CSM", empty_label="All CSMs")
    mine = forms.BooleanField(required=False, label="My accounts only")

    def __init__(self, *args, tenant, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = segment_choices(tenant)
        self.fields["csm"].queryset = csm_choices(tenant)
        if membership is None:  # an operator acting in a tenant owns none of its accounts
            del self.fields["mine"]


@console_page
@replica_page
def renewals_ahead_page(request):
    tenant = request.tenant
    filters = filters_from(request, RenewalsAheadFilters, tenant=tenant, membership=request.membership)
    values = filters.values
    ahead = renewals_ahead(
        tenant=tenant, today=tenant_today(tenant), horizon=values["horizon"], segment=values.get("segment") or None,
        csm=request.membership if values.get("mine") else values.get("csm"),
    )  # fmt: skip
    own = request.membership.pk if request.role == Role.CSM and request.membership else None
    rows = [
        {
            "row": row,
            "account_url": reverse("admin:accounts_account_change", args=[row.account_id]),
            "renewal_url": reverse("admin:outcomes_renewal_change", args=[row.renewal_id]),
            # As the renewal admin decides (Renewal.csm_may_change): a CSM changes their accounts' renewals.
            "may_change": is_admin(request) or (own is not None and row.csm_id == own),
        }
        for row in ahead.rows
    ]
    context = {
        "form": filters.form,
        "ahead": ahead,
        "rows": rows,
        "currency": tenant.currency,
        "renewals_url": reverse("admin:outcomes_renewal_changelist"),
    }
    return render_page(request, "admin/outcomes/renewals_ahead.html", TITLE, context, status=filters.status)
