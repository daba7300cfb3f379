#!/usr/bin/env bash
# Unit tests: pure logic, no root, no lab. They live next to the code they test (src/**/x.test.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
export TS_NODE_TRANSPILE_ONLY=true
mapfile -t files < <(find src steps lab test/kinds test/cli test/fuzz -name '*.test.ts' | sort)
exec node --require ts-node/register --test --test-reporter=spec "${files[@]}"
