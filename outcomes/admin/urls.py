"""Console pages of the outcomes app that are not a model's (included by csplatform/urls.py under admin/outcomes/)."""

from django.contrib import admin
from django.urls import path

from outcomes.admin.churn_indicators import churn_indicators_page, churn_indicators_run
from outcomes.admin.forecast_page import forecast_page, forecast_run
from outcomes.admin.outcomes_dashboard import outcomes_dashboard_page
from outcomes.admin.renewal_import import renewal_import
from outcomes.admin.renewals_ahead import renewals_ahead_page
from outcomes.admin.scorecard_backtest import draft_suggest_run, scorecard_backtest_page

app_name = "outcomes-admin"

urlpatterns = [
    path("renewals-ahead/", admin.site.admin_view(renewals_ahead_page), name="renewals-ahead"),
    path("dashboard/", admin.site.admin_view(outcomes_dashboard_page), name="dashboard"),
    path("churn-indicators/", admin.site.admin_view(churn_indicators_page), name="churn-indicators"),
    path("churn-indicators/run/", admin.site.admin_view(churn_indicators_run), name="churn-indicators-run"),
    path("backtest/", admin.site.admin_view(scorecard_backtest_page), name="backtest"),
    path("backtest/suggest/", admin.site.admin_view(draft_suggest_run), name="backtest-suggest"),
    path("forecast/", admin.site.admin_view(forecast_page), name="forecast"),
    path("forecast/run/", admin.site.admin_view(forecast_run), name="forecast-run"),
    path("renewals-import/", admin.site.admin_view(renewal_import), name="renewal-import"),
]
