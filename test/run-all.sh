#!/usr/bin/env bash
# `npm test`: unit tests, then the lab integration tests (root). Both must pass.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "npm test needs root: the lab tests create network namespaces, and the packages they need are installed first" >&2
  exit 2
fi
# The lab's packages and the ones only the tests use (Pushgateway, xmllint, PyYAML, chromium).
bash lab/install-packages.sh --for-tests
started=$SECONDS
bash test/run-unit.sh
echo "unit tests: $((SECONDS - started)) s"
started=$SECONDS
bash test/run-lab.sh
echo "lab tests: $((SECONDS - started)) s"
