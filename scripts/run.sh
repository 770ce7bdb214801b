#!/usr/bin/env bash
# Migrate, seed the demo tenant, then serve on 127.0.0.1:8000 (plus a Celery worker with REDIS_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-true}"
py=.venv/bin/python

$py manage.py migrate --noinput
$py manage.py seed_demo

children=()
cleanup() { for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

mkdir -p var
if [ -n "${REDIS_URL:-}" ]; then
  echo "REDIS_URL is set: starting a Celery worker."
  .venv/bin/celery -A csplatform worker --beat --loglevel=info --concurrency=2 --schedule=var/celerybeat-schedule &
  children+=($!)
else
  echo "No REDIS_URL: background tasks run in-process after each commit."
fi

echo
echo "  Admin:    http://127.0.0.1:8000/admin/"
echo "  API docs: http://127.0.0.1:8000/api/docs/"
echo
$py manage.py runserver 127.0.0.1:8000 --noreload
