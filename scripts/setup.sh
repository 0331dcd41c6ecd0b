#!/usr/bin/env bash
# One-time (and idempotent) set-up for a fresh Debian/Ubuntu machine: the system packages the
# local services need, unless MONGODB_URI / REDIS_URL point elsewhere, then the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
have() { command -v "$1" >/dev/null 2>&1; }
if [ -z "${REDIS_URL:-}" ]; then have redis-server || missing+=(redis-server); fi
if [ -z "${MONGODB_URI:-}" ]; then
  # The local MongoDB-compatible server runs on the JVM; Maven fetches its jars.
  have javac || missing+=(default-jdk-headless)
  have mvn || missing+=(maven)
fi
# CI validates docker-compose.yml without a Docker engine.
if [ "${CI:-}" = "true" ]; then have docker-compose || missing+=(docker-compose); fi
# The browser tests drive Debian's Chromium (no browser downloads); receipts are rendered to PNG
# with pdftoppm; Hindi and Bengali pages need fonts with those scripts.
have chromium || missing+=(chromium)
have pdftoppm || missing+=(poppler-utils)
if ! dpkg -s fonts-lohit-deva fonts-lohit-beng-bengali >/dev/null 2>&1; then
  have apt-get && missing+=(fonts-lohit-deva fonts-lohit-beng-bengali)
fi
# Receipt PDFs embed DejaVu Sans: it has the rupee sign (hub/receipts/receipt-font.ts).
if ! dpkg -s fonts-dejavu-core >/dev/null 2>&1; then
  have apt-get && missing+=(fonts-dejavu-core)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if ! have apt-get; then
    echo "setup: please install ${missing[*]} (or set MONGODB_URI / REDIS_URL), then run again" >&2
    exit 1
  fi
  sudo=()
  if [ "$(id -u)" != "0" ]; then sudo=(sudo); fi
  echo "setup: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Install exactly the committed lock file (every platform's optional binaries are in it), so a
# set-up never rewrites package-lock.json; only when node_modules is missing or older than the lock.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# Schemathesis fuzzes the hub's OpenAPI document in the test suite (PyPI).
if ! have st && have python3; then
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore 'schemathesis>=4,<5' || {
    echo "setup: could not install schemathesis (PyPI); the OpenAPI fuzz test needs it" >&2
    exit 1
  }
fi
