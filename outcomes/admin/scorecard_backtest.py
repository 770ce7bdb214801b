"""The scorecard backtest: how well a scorecard's score, some days before each term end, told the churned
renewals from the renewed ones (AUC with its interval, churn rate per band, coverage)."""

from __future__ import annotations

from django import forms
from django.urls import reverse

from indicators.models import Scorecard
from outcomes.admin.pages import ConsoleFilters, console_page, filters_from, render_page
from outcomes.ranking import MIN_CHURNED, MIN_RENEWED
from outcomes.selectors_learning import backtest_report, scorecard_default
from outcomes.services.learning import LEADS

TITLE = "Scorecard backtest"


class BacktestFilters(ConsoleFilters):
    id_fields = ("scorecard",)

    scorecard = forms.ModelChoiceField(queryset=Scorecard.unscoped.none(), required=False, empty_label=None)
    lead = forms.TypedChoiceField(
        label="Scored before term end", choices=[(d, f"{d} days") for d in LEADS], coerce=int, initial=LEADS[0]
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scorecard"].queryset = Scorecard.objects.for_tenant(tenant).order_by("-is_default", "name")
        default = scorecard_default(tenant=tenant)
        self.fields["scorecard"].initial = default.pk if default else None


@console_page
def scorecard_backtest_page(request):
    tenant = request.tenant
    filters = filters_from(request, BacktestFilters, tenant=tenant)
    scorecard, lead = filters.values.get("scorecard"), filters.values["lead"]
    context = {
        "form": filters.form,
        "lead": lead,
        "report": backtest_report(tenant=tenant, scorecard=scorecard, lead_days=lead) if scorecard else None,
        "min_churned": MIN_CHURNED,
        "min_renewed": MIN_RENEWED,
        "scorecards_url": reverse("admin:indicators_scorecard_changelist"),
    }
    return render_page(request, "admin/outcomes/backtest.html", TITLE, context, status=filters.status)
