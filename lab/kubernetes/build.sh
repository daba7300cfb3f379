#!/usr/bin/env bash
# Builds the lab's Kubernetes from source through the Go module proxy, once per version, into the user's cache:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/scs-chaos/kubernetes/<KUBERNETES_VERSION>/
#     bin/     kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl etcd pause
#     images/  pause.tar busybox.tar (OCI layout tarballs, imported into each node's containerd by `lab up`)
#     crds/cluster-api-<CLUSTER_API_VERSION>/  the Cluster API CRDs the lab installs (from the module's config/crd/bases)
#     src/     the wrapper Go modules the binaries are built from
# usage: bash lab/kubernetes/build.sh      (idempotent: with everything cached it only checks and prints the time)
# Needs Go >= 1.26 (etcd 3.6.17), the Go module proxy, and busybox-static (Debian) for the busybox image.
# Versions: lab/kubernetes/versions.env. Prints each step and its time; exits non-zero naming what failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
cache=${SCS_CHAOS_KUBERNETES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scs-chaos/kubernetes}/$KUBERNETES_VERSION
bin=$cache/bin src=$cache/src images=$cache/images
started=$EPOCHREALTIME
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
say() { echo "kubernetes build: $*"; }
trap 'echo "kubernetes build: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

command -v go >/dev/null || PATH=$PATH:/usr/local/go/bin
command -v go >/dev/null || { echo "kubernetes build: needs Go >= 1.26 (go not found on PATH or in /usr/local/go/bin)" >&2; exit 1; }
mkdir -p "$bin" "$src" "$images"
export CGO_ENABLED=0 GOFLAGS=-mod=mod   # static binaries; -mod=mod lets go fill the wrapper modules' go.sum

# 1. Kubernetes. k8s.io/kubernetes is not meant to be imported: its go.mod requires ~31 staging modules at v0.0.0
#    and replaces them with ./staging/src/...; the wrapper module replaces each with its published v0.MINOR.PATCH.
k8s=$src/kubernetes
if [ ! -f "$k8s/go.mod" ]; then
  mkdir -p "$k8s"
  upstream=$(cd "$k8s" && go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  staging=${KUBERNETES_VERSION/v1./v0.}   # v1.34.4 -> v0.34.4
  { echo "module scschaoskubernetes"; echo; grep '^go ' "$upstream"; echo
    echo "require k8s.io/kubernetes $KUBERNETES_VERSION"; echo; echo "replace ("
    awk -v v="$staging" '$2 == "=>" && $3 ~ /^\.\/staging\// { print "\t" $1 " => " $1 " " v }' "$upstream"
    echo ")"; } >"$k8s/go.mod.new"
  mv "$k8s/go.mod.new" "$k8s/go.mod"
  say "wrapper module with $(grep -c ' => ' "$k8s/go.mod") staging replaces"
fi
commands=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
missing=()
for command in "${commands[@]}"; do [ -x "$bin/$command" ] || missing+=("k8s.io/kubernetes/cmd/$command"); done
if [ "${#missing[@]}" -gt 0 ]; then
  step=$EPOCHREALTIME
  say "building ${missing[*]##*/} $KUBERNETES_VERSION (cold: ~5 min and ~2 GiB on 2 cores)"
  minor=$(echo "$KUBERNETES_VERSION" | cut -d. -f2)
  # without the version stamps the binaries say v0.0.0 and kubelets fail the API server's version checks
  stamps="-X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION -X k8s.io/client-go/pkg/version.gitVersion=$KUBERNETES_VERSION"
  stamps+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
  stamps+=" -X k8s.io/component-base/version.gitTreeState=clean"
  (cd "$k8s" && go build -trimpath -ldflags="-s -w $stamps" -o "$bin/" "${missing[@]}")
  say "kubernetes binaries in $(elapsed "$step") s"
fi

# 2. etcd: the main package is go.etcd.io/etcd/server/v3 itself (server/main.go).
etcd=$src/etcd-$ETCD_VERSION
if [ ! -x "$bin/etcd" ] || ! "$bin/etcd" --version 2>/dev/null | grep -q "etcd Version: ${ETCD_VERSION#v}"; then
  step=$EPOCHREALTIME
  mkdir -p "$etcd"
  printf 'module scschaosetcd\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >"$etcd/go.mod"
  (cd "$etcd" && go build -trimpath -ldflags="-s -w" -o "$bin/etcd" go.etcd.io/etcd/server/v3)
  say "etcd $ETCD_VERSION in $(elapsed "$step") s"
fi

# 3. pause: every pod's sandbox process; it waits for SIGTERM/SIGINT and reaps orphans (shared PID namespace).
if [ ! -x "$bin/pause" ]; then
  mkdir -p "$src/pause"
  printf 'module scschaospause\n\ngo 1.24\n' >"$src/pause/go.mod"
  cp "$here/pause.go" "$src/pause/main.go"
  (cd "$src/pause" && go build -trimpath -ldflags="-s -w" -o "$bin/pause" .)
  say "pause built"
fi

# 4. images: OCI layout tarballs, no registry (lab/kubernetes/images.sh).
bash "$here/images.sh" "$bin" "$images"

# 5. Cluster API CRDs: YAML files of the published module (no build), for the Kubernetes kind's Machine awareness.
crds=$cache/crds/cluster-api-$CLUSTER_API_VERSION
if [ ! -f "$crds/cluster.x-k8s.io_machinehealthchecks.yaml" ]; then
  module=$(cd "$src" && go mod download -json "sigs.k8s.io/cluster-api@$CLUSTER_API_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  mkdir -p "$crds"
  for kind in clusters machines machinesets machinedeployments machinehealthchecks; do
    cp "$module/config/crd/bases/cluster.x-k8s.io_$kind.yaml" "$crds/"
  done
  say "Cluster API $CLUSTER_API_VERSION CRDs in $crds"
fi

say "$(du -sh "$bin" | cut -f1) of binaries in $bin; done in $(elapsed "$started") s"
