#!/usr/bin/env bash
# System packages industwin needs beyond Python, installed from Debian only when missing:
#  - chromium (+ a font): the browser tests drive it through Playwright (browser downloads are not reachable,
#    so Playwright is pointed at this binary);
#  - postgresql: the multi-organisation database; the tests start clusters of their own in temporary folders
#    (tests/servers.py), so no system service is needed.
# Needs root or password-less sudo for apt-get.
set -euo pipefail
need=()
if [ ! -x /usr/bin/chromium ] && [ -z "${INDUSTWIN_CHROMIUM:-}" ]; then
  need+=(chromium fonts-dejavu-core)
fi
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "setup: ${need[*]} missing and apt-get needs root. Fix: run 'sudo apt-get install ${need[*]}' (or set" \
       "INDUSTWIN_CHROMIUM to a Chromium binary)" >&2
  exit 2
fi
echo "setup: installing Debian's ${need[*]} (apt-get)…"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
if [ -x /usr/bin/chromium ]; then /usr/bin/chromium --version; fi
ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null || command -v initdb
