#!/usr/bin/env bash
# `make demo`: production settings on loopback, SQLite under var/, demo seeded once, gunicorn + worker.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
if [ ! -s var/secret_key ]; then
  .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(64))" > var/secret_key
  chmod 600 var/secret_key
fi
export CARNET_SECRET_KEY="$(cat var/secret_key)"
export DJANGO_SETTINGS_MODULE=config.settings.prod
export CARNET_HTTPS=0
export CARNET_SITE_URL="${CARNET_SITE_URL:-http://127.0.0.1:8000}"
carnet=.venv/bin/carnet
$carnet migrate --noinput -v0
# Collecting and compressing static files takes ~40 s on a small machine: only when they changed.
manifest="${CARNET_VAR_DIR:-var}/static/staticfiles.json"
if [ ! -f "$manifest" ] || [ -n "$(find carnet -path '*/static/*' -newer "$manifest" -print -quit)" ] \
   || [ pyproject.toml -nt "$manifest" ]; then
  echo "Preparing static files (compressed once)…"
  $carnet collectstatic --noinput -v0
fi
$carnet seed-demo --once
$carnet worker &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo
echo "Carnet is serving on http://127.0.0.1:8000 (Ctrl-C to stop)."
.venv/bin/gunicorn config.wsgi:application --bind 127.0.0.1:8000 --workers 2 --threads 4 \
  --access-logfile - --error-logfile - --log-level warning
