#!/usr/bin/env bash
# Migrate, seed the demo tenant, then serve on 127.0.0.1:$PORT (8000 unless set). With REDIS_URL a Celery
# worker (beat embedded) runs the background work; without it runserver runs beat's schedule in-process.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-true}"
PORT="${PORT:-8000}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"  # the links the demo prints and its emails carry
export DJANGO_RUNSERVER_HIDE_WARNING=true              # this script says what runs; no banner about it
py=.venv/bin/python
step() { printf '\n==> %s\n' "$*"; }

step "Migrating the database"
SECONDS=0
$py manage.py migrate --noinput --verbosity 0
echo "    done in ${SECONDS} s"

step "Seeding the demo tenant (a minute or so the first time; a later run only adds the days since)"
SECONDS=0
$py manage.py seed_demo
echo "    done in ${SECONDS} s"

children=()
cleanup() { for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

mkdir -p var
if [ -n "${REDIS_URL:-}" ]; then
  step "REDIS_URL is set: starting a Celery worker with beat"
  .venv/bin/celery -A csplatform worker --beat --loglevel=info --concurrency=2 --schedule=var/celerybeat-schedule &
  children+=($!)
else
  step "No REDIS_URL: background tasks run in-process after each commit, beat's schedule in the server"
fi

step "Serving"
echo "    Admin:    $SITE_URL/admin/"
echo "    API docs: $SITE_URL/api/docs/"
echo
$py manage.py runserver "127.0.0.1:$PORT" --noreload
