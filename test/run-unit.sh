#!/usr/bin/env bash
# Unit tests: pure logic, no root, no lab. They live next to the code they test (src/**/x.test.ts); test/kinds/
# holds the test-only kind, test/lint/ the test of the dependency rules (its fixtures are trees to check, not tests).
set -euo pipefail
cd "$(dirname "$0")/.."
export TS_NODE_TRANSPILE_ONLY=true
mapfile -t files < <(find src steps lab test/kinds test/lint test/executors test/cli test/fuzz test/bench test/ci -path test/lint/fixtures -prune -o -name '*.test.ts' -print | sort)
exec node --require ts-node/register --test --test-reporter=spec "${files[@]}"
