"""Which indicators preceded churn: the latest stored run for a lead time, drawn as AUC points with their
95% intervals around 0.5 (what noise gives), coloured by verdict; admins can run it again now."""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from outcomes.admin.pages import ConsoleFilters, admin_queue, console_page, filters_from, is_admin, render_page
from outcomes.charts import IntervalRow, interval_chart_svg
from outcomes.ranking import MIN_CHURNED, MIN_RENEWED, NOISE, PRECEDED_CHURN, TOO_FEW
from outcomes.selectors_learning import indicator_run_latest
from outcomes.services.learning import LEADS
from outcomes.tasks import analyse_indicators

TITLE = "Indicators before churn"
VERDICT_COLORS = {PRECEDED_CHURN: "#198754", NOISE: "#6c757d", TOO_FEW: "#c69500"}
VERDICT_CLASSES = {PRECEDED_CHURN: "verdict-preceded", NOISE: "verdict-noise", TOO_FEW: "verdict-few"}


class LeadFilters(ConsoleFilters):
    lead = forms.TypedChoiceField(
        label="Read before term end", choices=[(d, f"{d} days") for d in LEADS], coerce=int, initial=LEADS[0]
    )


def _chart(run) -> str:
    rows = [
        IntervalRow(i.label, i.auc, i.auc_low, i.auc_high, VERDICT_COLORS[i.verdict], note=i.verdict)
        for i in run.indicators
        if i.auc is not None
    ]
    return interval_chart_svg(
        rows,
        title=f"AUC with 95% interval, indicators read {run.lead_days} days before term end",
        empty_text="No indicator had enough outcomes to be tested",
    )


@console_page
def churn_indicators_page(request):
    filters = filters_from(request, LeadFilters)
    lead = filters.values["lead"]
    run = indicator_run_latest(tenant=request.tenant, lead_days=lead)
    context = {
        "form": filters.form,
        "lead": lead,
        "run": run,
        "chart": _chart(run) if run is not None else None,
        "rows": [{"i": i, "css": VERDICT_CLASSES[i.verdict]} for i in run.indicators] if run else [],
        "counts": [(v, len(run.with_verdict(v)), VERDICT_CLASSES[v]) for v in VERDICT_COLORS] if run else [],
        "verdicts": {"preceded": PRECEDED_CHURN, "noise": NOISE, "few": TOO_FEW},
        "min_churned": MIN_CHURNED,
        "min_renewed": MIN_RENEWED,
        "may_run": is_admin(request),
        "run_url": reverse("outcomes-admin:churn-indicators-run"),
    }
    return render_page(request, "admin/outcomes/churn_indicators.html", TITLE, context, status=filters.status)


@console_page
@require_POST
def churn_indicators_run(request):
    """Queue a fresh run of both lead times for the tenant (admins only), after this request commits."""
    admin_queue(request, analyse_indicators, refused="Only an admin runs the analysis.",
                queued="The analysis is queued; its results appear here when it has run.")  # fmt: skip
    lead = request.POST.get("lead", "")
    back = reverse("outcomes-admin:churn-indicators")
    return redirect(f"{back}?lead={lead}" if lead in {str(d) for d in LEADS} else back)
