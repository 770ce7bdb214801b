"""The NPS dashboard: the trend with its margins over whole calendar months, beside the tenant's health bands
and its retention over the same range.

Retention is a rate over the range (the accounts that were customers at its start and still are at its end,
and their ARR: ``surveys/admin/retention.py``), never the share of accounts not churned today, which rises
whenever an account is created.
"""

from datetime import date, timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts.models import Membership
from accounts.replica import replica_page
from accounts.roles import Role, role_at_least
from indicators.admin.dashboard import BAND_LABELS
from indicators.charts import line_chart_svg
from indicators.selectors import health_overview
from surveys.admin.retention import retention_panel
from surveys.eligibility_rules import local_date
from surveys.models import Survey
from surveys.services.reports import Scope, nps_compare, nps_summary, nps_trend


class DashboardFilters(forms.Form):
    months = forms.TypedChoiceField(
        choices=[(3, "3 months"), (6, "6 months"), (12, "12 months"), (24, "24 months")], coerce=int, initial=12
    )
    interval = forms.ChoiceField(choices=[("month", "Monthly"), ("week", "Weekly")], initial="month")
    survey = forms.ModelChoiceField(queryset=Survey.unscoped.none(), required=False)
    segment = forms.CharField(required=False, max_length=60)
    csm = forms.ModelChoiceField(queryset=Membership.unscoped.none(), required=False, label="CSM")

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = Survey.objects.for_tenant(tenant)
        self.fields["csm"].queryset = Membership.objects.for_tenant(tenant).select_related("user")


def period_start(today: date, *, months: int, interval: str) -> date:
    """Where a period of ``months`` calendar months ending ``today`` starts: the first day of the month
    ``months - 1`` before today's (today's month counts, to date), so no month in the series is cut short.
    A weekly series starts on that day's Monday, so its first week is whole too."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    start = date(index // 12, index % 12 + 1, 1)
    return start - timedelta(days=start.weekday()) if interval == "week" else start


@replica_page
def nps_dashboard(request):
    tenant = request.tenant
    if tenant is None or not role_at_least(request.role, Role.VIEWER):
        raise PermissionDenied("Choose a tenant first.")
    form = DashboardFilters(request.GET or None, tenant=tenant)
    values = form.cleaned_data if form.is_bound and form.is_valid() else {}
    months, interval = values.get("months") or 12, values.get("interval") or "month"
    today = local_date(timezone.now(), tenant.time_zone)
    start = period_start(today, months=months, interval=interval)
    common = {
        "survey_id": values["survey"].pk if values.get("survey") else None,
        "segment": values.get("segment") or "",
        "csm_id": values["csm"].pk if values.get("csm") else None,
    }
    scope = Scope(start=start, end=today, **common)
    trend = nps_trend(tenant=tenant, scope=scope, interval=interval)
    recent = Scope(start=today - timedelta(days=89), end=today, **common)
    previous = Scope(start=today - timedelta(days=179), end=today - timedelta(days=90), **common)
    chart = line_chart_svg(
        [(p.period_start, p.summary.nps) for p in trend],
        bands=None,
        y_range=(-100.0, 100.0),
        title=f"NPS, {interval}ly",
        empty_text="No responses in this period",
    )
    # Every panel follows the segment and CSM filters (the survey filter has no bearing on health).
    health = health_overview(tenant=tenant, segment=common["segment"], csm_id=common["csm_id"])
    context = {
        **admin.site.each_context(request),
        "title": "NPS",
        "form": form,
        "summary": nps_summary(tenant=tenant, scope=scope),
        "trend": trend,
        "chart": chart,
        "comparison": nps_compare(tenant=tenant, before=previous, after=recent),
        "health": health,
        # The survey filter has no bearing on retention: segment and CSM narrow it like the rest.
        "retention": retention_panel(
            tenant=tenant, start=start, end=today, segment=common["segment"], csm=values.get("csm")
        ),
        "bands": [(BAND_LABELS[key], count, arr) for key, count, arr in health.rows()],
        "currency": tenant.currency,
        # The last period runs to today: the table says so rather than show it as a whole one.
        "current_period": (
            today - timedelta(days=today.weekday()) if interval == "week" else today.replace(day=1)
        ).isoformat(),
        "start": start,
        "end": today,
    }
    return TemplateResponse(request, "admin/surveys/nps_dashboard.html", context)
