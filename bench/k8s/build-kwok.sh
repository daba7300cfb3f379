#!/usr/bin/env bash
# Builds kwok (sigs.k8s.io/kwok, Apache-2.0) from source through the Go module proxy, once per version, into
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scs-chaos/kwok/<KWOK_VERSION>/
#     bin/kwok   the controller that plays kubelet for fake nodes and their pods
#     stage/     kwok's own Stage files from the module source (node-initialize, pod-ready, heartbeats ...)
# usage: bash bench/k8s/build-kwok.sh      (idempotent: with everything cached it only checks and prints the time)
# Needs Go >= 1.26 and the Go module proxy (GOPROXY from the environment); nothing else is downloaded.
set -euo pipefail
KWOK_VERSION=${KWOK_VERSION:-v0.8.0}
cache=${SCS_CHAOS_KWOK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scs-chaos/kwok}/$KWOK_VERSION
started=$EPOCHREALTIME
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
trap 'echo "kwok build: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
command -v go >/dev/null || PATH=$PATH:/usr/local/go/bin
command -v go >/dev/null || { echo "kwok build: needs Go >= 1.26 (go not found on PATH or in /usr/local/go/bin)" >&2; exit 1; }
if [ -x "$cache/bin/kwok" ] && [ -f "$cache/stage/node/fast/node-initialize.yaml" ]; then
  echo "kwok build: $KWOK_VERSION cached in $cache ($(elapsed "$started") s)"
  exit 0
fi
mkdir -p "$cache/bin"
echo "kwok build: building sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION (cold: ~1-3 min on 2 cores)"
CGO_ENABLED=0 GOBIN=$cache/bin go install -trimpath -ldflags='-s -w' "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
# The stages live in the module's source, which go install has just put into the module cache.
source_dir=$(go list -m -json "sigs.k8s.io/kwok@$KWOK_VERSION" 2>/dev/null | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
[ -n "$source_dir" ] || source_dir=$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION
rm -rf "$cache/stage.new" && cp -r "$source_dir/kustomize/stage" "$cache/stage.new" && chmod -R u+w "$cache/stage.new"
rm -rf "$cache/stage" && mv "$cache/stage.new" "$cache/stage"
echo "kwok build: $("$cache/bin/kwok" --version 2>/dev/null | head -1 || echo "$KWOK_VERSION") in $cache ($(elapsed "$started") s)"
