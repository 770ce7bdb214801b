"""The NPS dashboard: the trend with its margins, beside the tenant's health bands and retention figures."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts.models import Account, LifecycleStage, Membership
from accounts.roles import Role, role_at_least
from indicators.charts import line_chart_svg
from indicators.models import HealthScore
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


def retention_and_bands(tenant) -> dict:
    """The figures NPS is read beside: accounts by health band and how many accounts churned."""
    bands = dict(HealthScore.objects.for_tenant(tenant).values("band").annotate(n=Count("pk")).values_list("band", "n"))
    arr = dict(
        HealthScore.objects.for_tenant(tenant)
        .values("band")
        .annotate(arr=Sum("account__arr"))
        .values_list("band", "arr")
    )
    stages = dict(
        Account.objects.for_tenant(tenant)
        .values("lifecycle_stage")
        .annotate(n=Count("pk"))
        .values_list("lifecycle_stage", "n")
    )
    total = sum(stages.values())
    churned = stages.get(LifecycleStage.CHURNED, 0)
    return {
        "bands": [(band, bands.get(band, 0), arr.get(band) or 0) for band in ("green", "yellow", "red")],
        "accounts": total,
        "churned": churned,
        "logo_retention": round(100 * (total - churned) / total, 1) if total else None,
    }


def nps_dashboard(request):
    tenant = request.tenant
    if tenant is None or not role_at_least(request.role, Role.VIEWER):
        raise PermissionDenied("Choose a tenant first.")
    form = DashboardFilters(request.GET or None, tenant=tenant)
    values = form.cleaned_data if form.is_bound and form.is_valid() else {}
    months, interval = values.get("months") or 12, values.get("interval") or "month"
    today = local_date(timezone.now(), tenant.time_zone)
    start = today - timedelta(days=30 * months)
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
    context = {
        **admin.site.each_context(request),
        "title": "NPS",
        "form": form,
        "summary": nps_summary(tenant=tenant, scope=scope),
        "trend": trend,
        "chart": chart,
        "comparison": nps_compare(tenant=tenant, before=previous, after=recent),
        "beside": retention_and_bands(tenant),
        "start": start,
        "end": today,
    }
    return TemplateResponse(request, "admin/surveys/nps_dashboard.html", context)
