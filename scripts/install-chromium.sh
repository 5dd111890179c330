#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver (packages chromium, chromium-driver)
# for the review site's browser tests (tests/test_review_browser.py), unless
# /usr/bin/chromium is already there. The tests drive this system browser with
# Playwright (executable_path): nothing downloads a browser of its own.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends chromium chromium-driver
[ -x /usr/bin/chromium ] || { echo "chromium not found after install" >&2; exit 1; }
