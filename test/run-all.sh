#!/usr/bin/env bash
# `npm test`: unit tests, then the lab integration tests (root). Both must pass.
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/run-unit.sh
bash test/run-lab.sh
