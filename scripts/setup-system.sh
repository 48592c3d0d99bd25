#!/usr/bin/env bash
# System packages industwin needs beyond Python: Debian's Chromium, which the browser tests drive through
# Playwright (browser downloads are not reachable here, so Playwright is pointed at this binary).
# Installs only what is missing; needs root or password-less sudo for apt-get.
set -euo pipefail
if [ -x /usr/bin/chromium ] || [ -n "${INDUSTWIN_CHROMIUM:-}" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "setup: Chromium is missing and apt-get needs root. Fix: run 'sudo apt-get install chromium', or set" \
       "INDUSTWIN_CHROMIUM to a Chromium binary" >&2
  exit 2
fi
echo "setup: installing Debian's chromium for the browser tests (apt-get)…"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
