#!/usr/bin/env bash
# Unit tests: pure logic, no root, no lab. They live next to the code they test (src/**/x.test.ts); the checks
# of the repository itself (the dependency rules of `npm run lint`) live in test/lint/.
set -euo pipefail
cd "$(dirname "$0")/.."
export TS_NODE_TRANSPILE_ONLY=true
mapfile -t files < <(find src steps lab test/lint -name '*.test.ts' | sort)
exec node --require ts-node/register --test --test-reporter=spec "${files[@]}"
