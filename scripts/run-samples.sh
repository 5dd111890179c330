#!/usr/bin/env bash
# Installs govreport and extracts every bundled sample report into out/samples/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/govreport extract samples/ -o out/samples "$@"
