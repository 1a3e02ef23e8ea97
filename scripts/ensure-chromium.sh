#!/usr/bin/env bash
# Makes sure a Chromium is there for the browser tests (playwright-core drives Debian's chromium;
# it downloads no browser), with a font that has Chinese glyphs (the console's text is Chinese:
# without one its screenshots show boxes). Installs the Debian packages that are missing; the
# package index is refreshed only when apt cannot find them yet (a fresh image has an empty one).
set -euo pipefail
missing=()
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then missing+=(chromium); fi
if ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1 && ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  missing+=(fonts-wqy-microhei)
fi
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "${missing[*]} missing and this user cannot install it: run 'apt-get install ${missing[*]}' as root, or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi
echo "installing ${missing[*]} for the browser tests" >&2
if ! apt-cache show "${missing[@]}" >/dev/null 2>&1; then $SUDO apt-get update; fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
