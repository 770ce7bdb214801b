"""The scorecard backtest: how well a scorecard's score, some days before each term end, told the churned
renewals from the renewed ones (AUC with its interval, churn rate per band, coverage)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from indicators.models import Scorecard
from outcomes.admin.pages import ConsoleFilters, console_page, filters_from, is_admin, render_page
from outcomes.ranking import MIN_CHURNED, MIN_RENEWED
from outcomes.selectors_learning import backtest_report
from outcomes.services.learning import LEADS, draft_suggest, scorecard_default, scorecards_compare

TITLE = "Scorecard backtest"


class BacktestFilters(ConsoleFilters):
    id_fields = ("scorecard", "draft")

    scorecard = forms.ModelChoiceField(queryset=Scorecard.unscoped.none(), required=False, empty_label=None)
    draft = forms.ModelChoiceField(
        queryset=Scorecard.unscoped.none(),
        required=False,
        empty_label="(none)",
        label="Compare with",
        help_text="Another scorecard (a draft) backtested on the same renewals.",
    )
    lead = forms.TypedChoiceField(
        label="Scored before term end", choices=[(d, f"{d} days") for d in LEADS], coerce=int, initial=LEADS[0]
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scorecard"].queryset = Scorecard.objects.for_tenant(tenant).order_by("-is_default", "name")
        self.fields["draft"].queryset = Scorecard.objects.for_tenant(tenant).order_by("-created_at", "name")
        default = scorecard_default(tenant=tenant)
        self.fields["scorecard"].initial = default.pk if default else None


@console_page
def scorecard_backtest_page(request):
    tenant = request.tenant
    filters = filters_from(request, BacktestFilters, tenant=tenant)
    scorecard, lead = filters.values.get("scorecard"), filters.values["lead"]
    draft = filters.values.get("draft")
    comparison = (
        scorecards_compare(tenant=tenant, current=scorecard, draft=draft, lead_days=lead)
        if scorecard and draft and draft != scorecard else None
    )  # fmt: skip
    context = {
        "form": filters.form,
        "lead": lead,
        "report": backtest_report(tenant=tenant, scorecard=scorecard, lead_days=lead) if scorecard else None,
        "draft": draft,
        "comparison": comparison,
        "is_admin": is_admin(request),
        "min_churned": MIN_CHURNED,
        "min_renewed": MIN_RENEWED,
        "scorecards_url": reverse("admin:indicators_scorecard_changelist"),
    }
    return render_page(request, "admin/outcomes/backtest.html", TITLE, context, status=filters.status)


@console_page
@require_POST
def draft_suggest_run(request):
    """Build a draft from the latest ranking (admins only) and show it beside the default."""
    if not is_admin(request):
        raise PermissionDenied("Only an admin creates scorecards.")
    lead = request.POST.get("lead", "")
    lead_days = int(lead) if lead in {str(d) for d in LEADS} else LEADS[0]
    draft = draft_suggest(tenant=request.tenant, changed_by=request.user, lead_days=lead_days)
    back = reverse("outcomes-admin:backtest")
    if draft is None:
        messages.warning(request, "No indicator has preceded churn in the latest ranking yet: there is no draft to "
                         "suggest.")  # fmt: skip
        return redirect(f"{back}?lead={lead_days}")
    messages.success(request, f"Created the draft “{draft.name}”: it applies to no account until you publish it.")
    return redirect(f"{back}?lead={lead_days}&draft={draft.pk}")
