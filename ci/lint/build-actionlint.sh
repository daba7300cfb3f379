#!/usr/bin/env bash
# Builds actionlint (github.com/rhysd/actionlint, MIT), the linter for GitHub Actions workflows, from source through
# the Go module proxy, once per version, into ${XDG_CACHE_HOME:-$HOME/.cache}/scs-chaos/actionlint/<version>/actionlint.
# usage: bash ci/lint/build-actionlint.sh    (idempotent: prints the binary's path, builds only when it is missing)
# Needs Go >= 1.22 and the Go module proxy (GOPROXY from the environment); nothing else is downloaded.
set -euo pipefail
ACTIONLINT_VERSION=${ACTIONLINT_VERSION:-v1.7.12}
dir=${SCS_CHAOS_ACTIONLINT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scs-chaos/actionlint}/$ACTIONLINT_VERSION
command -v go >/dev/null || PATH=$PATH:/usr/local/go/bin
if [ ! -x "$dir/actionlint" ]; then
  command -v go >/dev/null || { echo "actionlint build: needs Go (not found on PATH or in /usr/local/go/bin)" >&2; exit 1; }
  started=$SECONDS
  echo "actionlint build: github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >&2
  mkdir -p "$dir"
  CGO_ENABLED=0 GOBIN=$dir go install -trimpath -ldflags="-s -w -X github.com/rhysd/actionlint.version=$ACTIONLINT_VERSION" "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  echo "actionlint build: $((SECONDS - started)) s" >&2
fi
echo "$dir/actionlint"
