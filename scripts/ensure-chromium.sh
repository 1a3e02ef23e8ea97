#!/usr/bin/env bash
# Makes sure a Chromium is there for the browser tests (playwright-core drives Debian's chromium;
# it downloads no browser). Installs the Debian package when missing; the package index is
# refreshed only when apt cannot find the package yet (a fresh image has an empty one).
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] || command -v chromium >/dev/null 2>&1; then exit 0; fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "chromium is missing and this user cannot install it: run 'apt-get install chromium' as root, or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi
echo "installing Debian's chromium for the browser tests" >&2
if ! apt-cache show chromium >/dev/null 2>&1; then $SUDO apt-get update; fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
