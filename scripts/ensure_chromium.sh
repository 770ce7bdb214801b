#!/usr/bin/env bash
# The browser tests drive Debian's headless Chromium. Install it when missing and we may (root);
# otherwise say so: those tests skip on a laptop and fail under CI=true.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
else
  echo "chromium is not installed (apt-get install chromium chromium-driver): browser tests will skip." >&2
fi
