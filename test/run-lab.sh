#!/usr/bin/env bash
# Lab integration tests: real namespaces, nftables, haproxy and supervisor. Needs root and the lab's
# Debian packages (lab/install-packages.sh). The tests run one after another: they share the one lab.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "test:lab needs root (it creates network namespaces and nftables tables)" >&2
  exit 2
fi
bash lab/install-packages.sh
export TS_NODE_TRANSPILE_ONLY=true
mapfile -t files < <(find test/lab -name '*.test.ts' | sort)
exec node --require ts-node/register --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
