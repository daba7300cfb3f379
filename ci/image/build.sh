#!/usr/bin/env bash
# Builds the container image of scs-chaos without a daemon (docs/decisions/0150): Debian trixie (minbase, by
# mmdebstrap) with Debian's Node.js, the tools the executors call, and the project at a git ref under /opt/scs-chaos
# (its files by `git archive`, so nothing uncommitted leaks in, and its production dependencies by `npm ci`).
# Output: an OCI layout tarball with one gzip layer (ci/image/oci-layout.sh), image name
# localhost/scs-chaos:<package version>-<key>, cached by key at
#   ${SCS_CHAOS_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scs-chaos/image}/<key>/scs-chaos.tar
# where <key> (12 hex) hashes the inputs: the ref's tree (every tracked file, package-lock.json included) and this
# script and oci-layout.sh as they run; the newest 3 images are kept. Reproducible: the same inputs and mirror
# content give the same bytes.
# usage: bash ci/image/build.sh [--ref REF] [--rebuild] [--cached-only]
#   --ref REF      build from REF (default HEAD)
#   --rebuild      build even when the cache has the image
#   --cached-only  never build: report the cached image, or exit 1 with a note when it is not cached (`lab up`)
# Needs root (mmdebstrap's root mode; lab/install-packages.sh --with-image installs mmdebstrap), git, npm, and the
# Debian mirror and the npm registry (no other network). Prints its size and build time; the LAST stdout line is
# one JSON object: {"image", "tarball", "bytes", "seconds", "cached"}.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=oci-layout.sh
. "$here/oci-layout.sh"
repo=$(cd "$here/../.." && pwd)
started=$EPOCHREALTIME
# elapsed: seconds since the start, two decimals.
elapsed() { awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }
say() { echo "image build: $*"; }
fail() { echo "image build: $*" >&2; exit 1; }

ref=HEAD rebuild=false cached_only=false
while [ $# -gt 0 ]; do
  case "$1" in
    --ref) ref=${2:?--ref needs a git ref}; shift 2 ;;
    --rebuild) rebuild=true; shift ;;
    --cached-only) cached_only=true; shift ;;
    *) echo "usage: bash ci/image/build.sh [--ref REF] [--rebuild] [--cached-only] (unknown argument $1)" >&2; exit 2 ;;
  esac
done

# Debian trixie: the first Debian release whose nodejs (20.19) meets package.json's "node": ">=20".
SUITE=trixie
MIRROR=http://deb.debian.org/debian
# nodejs runs the project; the rest is what the executors call on the runner's side (src/executors): ip (netns
# executor), nsenter (util-linux), ssh (ssh executor, openssh-client), sh, timeout, kill (coreutils, essential);
# and what the hosts kind's faults and probes run through a local executor: nft (nftables), tc (iproute2), pgrep
# and pkill (procps), ping (iputils-ping), curl and ca-certificates for people poking at a cloud from inside;
# fonts-dejavu-core: the font of the reports' PNG plots (src/report/plots), drawn in the pod that ran the scenario.
PACKAGES=nodejs,iproute2,nftables,procps,util-linux,openssh-client,iputils-ping,curl,ca-certificates,fonts-dejavu-core
# Not in the image: manuals, documentation (copyright files stay) and translations.
DPKG_EXCLUDES=(path-exclude=/usr/share/man/* path-exclude=/usr/share/doc/* path-include=/usr/share/doc/*/copyright
  path-exclude=/usr/share/info/* path-exclude=/usr/share/locale/* path-exclude=/usr/share/lintian/*)
USER_ID=10001

git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || fail "needs the project's git checkout (builds from a git ref); $repo is none"
tree=$(git -C "$repo" rev-parse --verify --quiet "$ref^{tree}") || fail "no git ref $ref in $repo"
key=$( { echo "tree $tree"; cat "$here/build.sh" "$here/oci-layout.sh"; } | sha256sum | cut -c1-12)
version=$(git -C "$repo" show "$ref:package.json" | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).version)')
image=localhost/scs-chaos:$version-$key
cache=${SCS_CHAOS_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scs-chaos/image}/$key
tarball=$cache/scs-chaos.tar

# report CACHED: the human lines, then the JSON line last (CACHED: true or false).
report() {
  local bytes seconds size
  bytes=$(stat -c%s "$tarball") seconds=$(elapsed)
  size="$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MiB"
  if [ -n "${unpacked:-}" ]; then size+=", $unpacked MiB unpacked"; fi
  say "$image -> $tarball ($size)"
  if [ "$1" = true ]; then say "cached: $seconds s"; else say "built in $seconds s"; fi
  printf '{"image":"%s","tarball":"%s","bytes":%s,"seconds":%s,"cached":%s}\n' "$image" "$tarball" "$bytes" "$seconds" "$1"
}

if [ "$rebuild" = false ] && [ -f "$tarball" ]; then report true; exit 0; fi
if [ "$cached_only" = true ]; then
  echo "image build: $image is not cached ($tarball); build it with: bash ci/image/build.sh" >&2
  exit 1
fi
[ "$(id -u)" = 0 ] || fail "needs root (mmdebstrap in root mode); try: sudo bash ci/image/build.sh"
command -v mmdebstrap >/dev/null || fail "needs mmdebstrap; install it with: bash lab/install-packages.sh --with-image"

mkdir -p "$cache"
work=$(mktemp -d "$cache/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Every time stamp in the image is at most the ref's commit time.
SOURCE_DATE_EPOCH=$(git -C "$repo" log -1 --format=%ct "$ref")
export SOURCE_DATE_EPOCH

# 1. The project: the ref's tracked files and its production dependencies (ts-node, swc and typescript are among
#    them: bin/scs-chaos.js runs the TypeScript sources). --ignore-scripts: no package's install script runs.
say "project at $ref (tree ${tree:0:12}) with npm ci --omit=dev"
mkdir -p "$work/opt/scs-chaos"
git -C "$repo" -c tar.umask=0022 archive --format=tar "$ref" | tar -x -C "$work/opt/scs-chaos"
(cd "$work/opt/scs-chaos" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error) >&2
# Source maps and type declarations are for editors and `npm run typecheck` (done in the checkout, not here): the
# image runs transpile-only, so they go (~56 MiB of ~210).
find "$work/opt/scs-chaos/node_modules" -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.cts' -o -name '*.d.mts' \) -delete
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --clamp-mtime --owner=0 --group=0 --numeric-owner \
  -C "$work/opt" -cf "$work/project.tar" scs-chaos
rm -rf "$work/opt"
say "project ready after $(elapsed) s"

# 2. The root filesystem as one tar (mmdebstrap sorts it, clamps mtimes to SOURCE_DATE_EPOCH and removes what
#    would differ between runs). The user 10001 owns only its home (swc's binding cache lands in ~/.cache) and the
#    project's reports/ (the working directory is the project's, where cucumber.js and the default environment are);
#    everything else stays root's.
say "debian $SUITE minbase with $PACKAGES (mmdebstrap)"
dpkgopts=()
for option in "${DPKG_EXCLUDES[@]}"; do dpkgopts+=(--dpkgopt="$option"); done
mmdebstrap --variant=minbase --mode=root --include="$PACKAGES" "${dpkgopts[@]}" \
  --customize-hook="tar-in $work/project.tar /opt" \
  --customize-hook="rm -f \"\$1/etc/resolv.conf\" \"\$1/etc/hostname\"" \
  --customize-hook="echo 'scs-chaos:x:$USER_ID:$USER_ID:scs-chaos:/home/scs-chaos:/bin/sh' >>\"\$1/etc/passwd\"" \
  --customize-hook="echo 'scs-chaos:x:$USER_ID:' >>\"\$1/etc/group\"" \
  --customize-hook="mkdir -p \"\$1/home/scs-chaos\" && chown $USER_ID:$USER_ID \"\$1/home/scs-chaos\" \"\$1/opt/scs-chaos/reports\"" \
  "$SUITE" "$work/rootfs.tar" "deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" \
  "deb http://deb.debian.org/debian-security $SUITE-security main" >&2
unpacked=$(awk -v b="$(stat -c%s "$work/rootfs.tar")" 'BEGIN { printf "%.1f", b / 1048576 }')
say "root filesystem ready after $(elapsed) s"

# 3. The OCI layout: non-root by default; a fault that needs privileges asks for them where it runs (securityContext).
revision=$(git -C "$repo" rev-parse "$ref^{commit}")
config=$(printf '{"User":"%s:%s","Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","HOME=/home/scs-chaos"],"Entrypoint":["/usr/bin/node","/opt/scs-chaos/bin/scs-chaos.js"],"WorkingDir":"/opt/scs-chaos","Labels":{"org.opencontainers.image.version":"%s","org.opencontainers.image.revision":"%s"}}' \
  "$USER_ID" "$USER_ID" "$version" "$revision")
say "OCI layout with one gzip layer"
oci_layout_tar "$tarball" "$image" "$work/rootfs.tar" "$config" gzip
# Every commit makes a new key: only the newest KEEP images stay in the cache (~110 MiB each).
KEEP=3
find "$(dirname "$cache")" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended -regex '.*/[0-9a-f]{12}' -printf '%T@ %p\n' | sort -rn |
  tail -n +$((KEEP + 1)) | cut -d' ' -f2- | xargs -r rm -rf
report false
