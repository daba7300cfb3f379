#!/usr/bin/env bash
# Builds the lab's two container images as OCI layout tarballs (no registry, no docker):
#   pause.tar    the static pause binary (the CRI sandbox image)
#   busybox.tar  Debian's static busybox with its applet links and /www (the web Deployment's httpd)
# usage: bash lab/kubernetes/images.sh BIN_DIR IMAGES_DIR   (called by build.sh; keeps tarballs that exist)
# Image names come from versions.env. `lab up` imports the tarballs with `ctr -n k8s.io images import`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
bin=${1:?usage: images.sh BIN_DIR IMAGES_DIR} images=${2:?usage: images.sh BIN_DIR IMAGES_DIR}
mkdir -p "$images"

# shellcheck source=../../ci/image/oci-layout.sh
. "$here/../../ci/image/oci-layout.sh"
# oci_tar NAME REF ROOTFS CONFIG: the directory ROOTFS as one uncompressed layer (oci_layout_tar); reproducible.
oci_tar() {
  local name=$1 ref=$2 root=$3 config=$4 layer
  layer=$(mktemp "$images/.layer.XXXXXX")
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$root" -cf "$layer" .
  oci_layout_tar "$images/$name.tar" "$ref" "$layer" "$config"
  echo "kubernetes build: image $ref -> $images/$name.tar ($(du -h "$images/$name.tar" | cut -f1))"
}

roots=$(mktemp -d "$images/.roots.XXXXXX")
trap 'rm -rf "$roots"' EXIT
if [ ! -f "$images/pause.tar" ]; then
  mkdir -p "$roots/pause"; cp "$bin/pause" "$roots/pause/pause"
  oci_tar pause "$PAUSE_IMAGE" "$roots/pause" '{"Entrypoint":["/pause"]}'
fi
if [ ! -f "$images/busybox.tar" ]; then
  busybox=/bin/busybox
  # the image has no libc: only Debian's static build runs in it
  if [ "$(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null)" != "install ok installed" ] || [ ! -x "$busybox" ]; then
    echo "kubernetes build: the busybox image needs Debian's busybox-static; install it with: bash lab/install-packages.sh --with-kubernetes" >&2
    exit 1
  fi
  b=$roots/busybox
  mkdir -p "$b/bin" "$b/etc" "$b/www" "$b/tmp" "$b/root"; chmod 1777 "$b/tmp"
  cp "$busybox" "$b/bin/busybox"
  for applet in $("$busybox" --list); do [ "$applet" = busybox ] || ln -sf busybox "$b/bin/$applet"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$b/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$b/etc/group"
  echo "scs-chaos lab busybox" >"$b/www/index.html"
  oci_tar busybox "$BUSYBOX_IMAGE" "$b" '{"Env":["PATH=/bin"],"Cmd":["sh"]}'
fi
