"""GET /metrics: behind a bearer token, never public, and no tenant in any label."""

import pytest
from django.test import override_settings

from tests.metrics.scrape import TOKEN, samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN


def test_metrics_are_not_served_when_no_token_is_configured(client, settings):
    settings.METRICS_TOKEN = ""

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong-token-of-the-same-kind-000", f"Basic {TOKEN}", TOKEN])
def test_metrics_refuse_a_missing_or_wrong_token(client, token, header):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}

    answer = client.get("/metrics", **headers)

    assert answer.status_code == 403
    assert answer.json()["errors"][0]["code"] == "permission_denied"
    assert b"csp_" not in answer.content


def test_metrics_answer_prometheus_text_with_the_token(client, token):
    answer = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain; version=")
    assert "no-cache" in answer["Cache-Control"]
    found = samples(answer.content.decode())
    assert ("csp_recompute_backlog_accounts", frozenset()) in found
    assert any(name.startswith("django_http_requests") for name, _ in found)  # django-prometheus's own


def test_metrics_refuse_parameters_and_writes(client, token):
    answer = client.get("/metrics", {"name[]": "x"}, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["attr"] == "name[]"

    assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


@override_settings(SECURE_SSL_REDIRECT=True, METRICS_TOKEN=TOKEN)
def test_metrics_are_scraped_over_plain_http_when_https_is_enforced(client):
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
