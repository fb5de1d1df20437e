#!/usr/bin/env bash
# Install Debian's Chromium for the report's headless-browser test (tests/test_report.py).
# Idempotent; prints one line saying what it did. Needs root (or sudo) and apt.
# Without chromium the browser test skips, except in CI (CI=true), where it fails.
set -uo pipefail

if command -v chromium >/dev/null 2>&1; then
    echo "chromium: found at $(command -v chromium)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
        echo "chromium: missing, and not root nor sudo to apt-get it; the browser test will skip (fail in CI)" >&2
        exit 1
    fi
fi

LOG="${TMPDIR:-/tmp}/install_chromium.log"
export DEBIAN_FRONTEND=noninteractive
if $SUDO apt-get update -qq >"$LOG" 2>&1 &&
   $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >>"$LOG" 2>&1; then
    echo "chromium: installed with apt-get at $(command -v chromium)"
else
    echo "chromium: apt-get install failed (see $LOG); the browser test will skip (fail in CI)" >&2
    exit 1
fi
