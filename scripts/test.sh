#!/usr/bin/env bash
# Installs govreport with its test extras and runs the test suite, then the
# accuracy gate on the labelled samples.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
status=0
.venv/bin/python -m pytest "$@" || status=$?
# pytest exits 5 when it collected no test: that is a failure here too.
exit $status
