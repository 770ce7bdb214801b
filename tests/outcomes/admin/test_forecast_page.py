"""The renewal forecast page: the stored model and its validation, accuracy, disagreements; admins refit."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from outcomes.models import AnalysisKind, OutcomeAnalysis, RenewalForecast
from tests.conftest import session_client
from tests.outcomes.admin.console_data import closed, pending

pytestmark = pytest.mark.django_db
URL, RUN_URL = "/admin/outcomes/forecast/", "/admin/outcomes/forecast/run/"
MODEL = {
    "method": "logistic", "reason": "Logistic regression on 2 feature(s), one per 10 churned renewals.",
    "features": ["score", "score_change_30d"], "fit_window": ["2023-01-01", "2025-03-31"],
    "test_window": ["2025-04-01", "2026-02-28"], "base_churn_rate": 0.12,
    "validation": {"90": {"renewals": 61, "churned": 9, "brier": 0.081, "reference_brier": 0.094,
                          "brier_skill": 0.138, "auc": 0.77, "auc_low": 0.62, "auc_high": 0.89}},
    "calibration": [{"renewals": 31, "forecast": 0.71, "renewed": 0.74, "renewed_low": 0.57, "renewed_high": 0.86},
                    {"renewals": 30, "forecast": 0.93, "renewed": 0.97, "renewed_low": 0.83, "renewed_high": 0.99}],
}  # fmt: skip


def forecast(tenant, renewal, run, probability):
    return RenewalForecast.objects.create(
        tenant=tenant, renewal=renewal, run=run, model_version=f"logistic #{run.pk}", method="logistic",
        made_on=date(2026, 1, 5), made_at=timezone.now(), probability=probability,
        expected_arr=renewal.arr_due * Decimal(probability),
    )  # fmt: skip


@pytest.fixture
def stored(world_a, world_b):
    run = OutcomeAnalysis.objects.create(tenant=world_a.tenant, kind=AnalysisKind.FORECAST, ran_at=timezone.now(),
                                         churned=30, renewed=200, result=MODEL)  # fmt: skip
    doubt = pending(world_a.tenant, "Doubtful Ltd", 40, "50000", call="commit", call_on=date(2026, 1, 2))
    forecast(world_a.tenant, doubt, run, 0.31)  # a commit call against a 31% forecast: listed
    sure = pending(world_a.tenant, "Steady plc", 50, "20000", call="likely", call_on=date(2026, 1, 2))
    forecast(world_a.tenant, sure, run, 0.88)  # they agree: not listed
    # A renewal closed (renewed) in 2026 Q1 with a 0.8 forecast made before: the model and the call were right.
    done = closed(world_a.tenant, sure.account, date(2026, 2, 1), "renewed", "20000", "20000", csm_call="commit",
                  csm_call_on=date(2026, 1, 10))  # fmt: skip
    forecast(world_a.tenant, done, run, 0.8)
    other_run = OutcomeAnalysis.objects.create(
        tenant=world_b.tenant, kind=AnalysisKind.FORECAST, ran_at=timezone.now(), result={**MODEL, "reason": "B's own"}
    )
    other = pending(world_b.tenant, "Beta Secret Co", 30, "9000", call="commit", call_on=date(2026, 1, 2))
    forecast(world_b.tenant, other, other_run, 0.2)
    return run


@pytest.mark.parametrize("role", ["admin", "csm", "viewer"])
def test_every_member_reads_the_model_its_validation_and_the_disagreements(client, world_a, stored, role):
    response = session_client(client, getattr(world_a, role)).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tenant model" in html and f"Version logistic #{stored.pk}" in html
    assert "Health score, Score change over 30 days" in html
    validation = html.split('id="forecast-validation"')[1].split("</table>")[0]
    assert (
        "90 days" in validation and "0.081" in validation and "0.14" in validation and "0.77 (0.62–0.89)" in validation
    )
    calibration = html.split('id="forecast-calibration"')[1].split("</table>")[0]
    assert "71%" in calibration and "74%" in calibration and "57–86%" in calibration
    accuracy = html.split('id="forecast-accuracy"')[1].split("</table>")[0]
    assert "2026 Q1" in accuracy and "100%" in accuracy and "1 of 1" in accuracy
    disagreements = html.split('id="forecast-disagreements"')[1].split("</table>")[0]
    assert "Doubtful Ltd" in disagreements and "31%" in disagreements and "Steady plc" not in disagreements
    assert "Beta Secret Co" not in html and "B&#x27;s own" not in html and "B's own" not in html
    assert ("Refit and forecast now" in html) == (role == "admin")


def test_another_tenant_without_a_forecast_is_told_so(client, world_b, stored):
    OutcomeAnalysis.objects.for_tenant(world_b.tenant).delete()
    html = session_client(client, world_b.viewer).get(URL).content.decode()
    assert 'id="no-forecast"' in html and "Doubtful Ltd" not in html
    assert session_client(client, world_b.viewer).get(URL, {"lead": 90}).status_code == 400  # no parameters


def test_an_admin_refits_for_their_tenant_only(world_a, world_b, django_capture_on_commit_callbacks):
    admin = session_client(Client(enforce_csrf_checks=True), world_a.admin)
    assert admin.post(RUN_URL).status_code == 403  # no CSRF token
    token = admin.get(URL).content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin.post(RUN_URL, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == URL and len(callbacks) == 1
    assert OutcomeAnalysis.objects.for_tenant(world_a.tenant).get().result["method"] == "none"
    assert not OutcomeAnalysis.objects.for_tenant(world_b.tenant).exists()


@pytest.mark.parametrize("role", ["csm", "viewer"])
def test_csms_and_viewers_cannot_refit(client, world_a, role, django_capture_on_commit_callbacks):
    member = session_client(client, getattr(world_a, role))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert member.post(RUN_URL).status_code == 403
    assert callbacks == [] and not OutcomeAnalysis.objects.for_tenant(world_a.tenant).exists()
    assert member.get(RUN_URL).status_code == 405
