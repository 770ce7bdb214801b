"""The Today page: a CSM's own day; a leader opens any member's with ``?member=<membership id>``.

A CSM sees only their own Today (another member's answers 403); a member id that is not one of the
tenant's is a 404, whoever asks; any other parameter is a 400 naming it (``filters_from``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from indicators.admin.account_health import signed
from indicators.admin.dashboard import BAND_LABELS
from outcomes.admin.pages import ConsoleFilters, CsmField, console_page, filters_from
from workspace.admin.console import is_leader, render_page
from workspace.selectors.today import ALERT, FOLLOW_UP, TASK, today_of

TITLE = "Today"
ITEM_URLS = {ALERT: "admin:alerts_alert_change", FOLLOW_UP: "admin:followups_followup_change",
             TASK: "admin:alerts_task_change"}  # fmt: skip


class TodayFilters(ConsoleFilters):
    id_fields = ("member",)

    member = CsmField(queryset=Membership.unscoped.none(), required=False, label="Member", empty_label="Me")

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Membership.objects.for_tenant(tenant).select_related("user")


def _account_url(account_id: int) -> str:
    return reverse("admin:accounts_account_change", args=[account_id])


@console_page
def today_page(request):
    tenant = request.tenant
    filters = filters_from(request, TodayFilters, tenant=tenant)
    member = filters.values.get("member") or request.membership
    if member is None:  # an operator acting in a tenant has no day of their own
        return redirect("workspace-admin:team")
    if member != request.membership and not is_leader(request):
        raise PermissionDenied("CSMs see their own Today only.")
    today = today_of(tenant=tenant, member=member, now=timezone.now())
    work = [
        {
            "item": item,
            "url": reverse(ITEM_URLS[item.kind], args=[item.item_id]),
            "account_url": _account_url(item.account_id),
        }
        for item in today.work
    ]
    form = filters.form if is_leader(request) else None  # a CSM has no one else's day to pick
    context = {
        "form": form,
        "today": today,
        "own": member == request.membership,
        "member_name": str(member.user),
        "overdue": [w for w in work if w["item"].overdue],
        "due_today": [w for w in work if not w["item"].overdue],
        "renewals": [{"row": r, "account_url": _account_url(r.account_id),
                      "renewal_url": reverse("admin:outcomes_renewal_change", args=[r.renewal_id])}
                     for r in today.renewals.rows],
        "fallers": [{"score": s, "change": signed(s.change_7d), "account_url": _account_url(s.account_id)}
                    for s in today.fallers],
        "at_risk": [{"row": a, "account_url": _account_url(a.account_id)} for a in today.book.accounts],
        "detractors": [{"row": d, "account_url": _account_url(d.account_id),
                        "followup_url": reverse("admin:followups_followup_change", args=[d.followup_id])
                        if d.followup_id else None}
                       for d in today.detractors],
        "book_rows": [(key, BAND_LABELS[key], count, arr) for key, count, arr in today.book.mix.rows()],
        "errors": filters.form.non_field_errors() if form else [e for es in filters.form.errors.values() for e in es],
        "currency": tenant.currency,
        "zone": tenant.time_zone,
    }  # fmt: skip
    return render_page(request, "workspace/today.html", TITLE, context, status=filters.status)
