"""The load balancer's probes: up, ready (database and Redis), and nothing else on them."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_session_or_tenant(client):
    answer = client.get("/healthz")

    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    assert "no-cache" in answer["Cache-Control"]


def test_readyz_checks_the_database(client, settings):
    settings.REDIS_URL = ""

    answer = client.get("/readyz")

    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database"}
    assert body["checks"]["database"]["ok"] is True


def test_readyz_is_unavailable_when_redis_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    answer = client.get("/readyz")

    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_refuse_parameters_and_writes(client, path):
    answer = client.get(path, {"verbose": "1"})
    assert answer.status_code == 400
    assert answer.json()["errors"][0] == {
        "code": "unknown_parameter", "detail": "Unknown query parameter.", "attr": "verbose"
    }  # fmt: skip

    assert client.post(path).status_code == 405


@override_settings(SECURE_SSL_REDIRECT=True)
def test_probes_answer_over_plain_http_when_https_is_enforced(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/admin/login/").status_code == 301
