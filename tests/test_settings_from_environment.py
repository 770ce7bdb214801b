"""Settings come from the environment; production-like values pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "csplatform.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_like_values():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x7!" + "k" * 60 + "Zq9#pL2@vR",
        ALLOWED_HOSTS="cs.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_secret_key_in_production_is_a_clear_error():
    result = manage("check", DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_disabling_webhooks_after_zero_days_is_a_clear_error():
    result = manage("check", DEBUG="true", WEBHOOKS_DISABLE_AFTER_DAYS="0")
    assert result.returncode != 0
    assert "WEBHOOKS_DISABLE_AFTER_DAYS must be a whole number of days, 1 or more." in result.stderr


def test_a_short_metrics_token_is_a_clear_error():
    result = manage("check", DEBUG="true", METRICS_TOKEN="short")
    assert result.returncode != 0
    assert "METRICS_TOKEN must be at least 24 characters" in result.stderr
