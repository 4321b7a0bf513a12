#!/usr/bin/env bash
# Installs Debian's Chromium for the web chat's browser test (test/node/local-stack-browser.test.ts) when it
# is missing. Playwright drives it through playwright-core; no browser is downloaded from anywhere else.
# Call from .ci/run before `npm test`. Needs root (CI runs as root) or passwordless sudo.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium: already installed ($(/usr/bin/chromium --version 2>/dev/null || echo unknown version))"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y chromium fonts-dejavu-core fonts-noto-color-emoji
/usr/bin/chromium --version
