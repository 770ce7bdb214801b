"""The renewal forecast: which model made the forecasts, how it did on later renewals, and how the model and
the CSMs' calls compared with what happened; the pending renewals where they disagree."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from outcomes.admin.pages import ConsoleFilters, admin_queue, console_page, filters_from, is_admin, render_page
from outcomes.forecasting import FEATURES, LABELS, LEADS
from outcomes.models import AnalysisKind, OutcomeAnalysis
from outcomes.services.forecast import forecast_accuracy, forecast_disagreements
from outcomes.tasks import forecast_renewals

TITLE = "Renewal forecast"


@console_page
def forecast_page(request):
    tenant = request.tenant
    filters = filters_from(request, ConsoleFilters)
    run = OutcomeAnalysis.objects.for_tenant(tenant).filter(kind=AnalysisKind.FORECAST).first()
    model = run.result if run else {}
    validation = [{"lead": lead, **model["validation"][str(lead)]} for lead in LEADS
                  if str(lead) in model.get("validation", {})]  # fmt: skip
    context = {
        "run": run,
        "model": model,
        "features": [LABELS[key] for key in model.get("features", [])],
        "all_features": [LABELS[key] for key in FEATURES],
        "validation": validation,
        "accuracy": forecast_accuracy(tenant=tenant),
        "disagreements": forecast_disagreements(tenant=tenant),
        "is_admin": is_admin(request),
    }
    return render_page(request, "admin/outcomes/forecast.html", TITLE, context, status=filters.status)


@console_page
@require_POST
def forecast_run(request):
    """Refit and forecast now (admins only), after this request commits."""
    admin_queue(request, forecast_renewals, refused="Only an admin refits the forecast.",
                queued="The forecast is queued; this page shows it when it has run.")  # fmt: skip
    return redirect(reverse("outcomes-admin:forecast"))
