# shellcheck shell=bash
# oci_layout_tar: writes an OCI image layout tarball (oci-layout, index.json, blobs/sha256/: one layer, its config,
# its manifest) from a rootfs tar, with no daemon and no registry; `ctr images import` reads it as it is.
# Sourced by ci/image/build.sh (the scs-chaos image) and lab/kubernetes/images.sh (the lab's pause and busybox).
# Reproducible: the same layer and config give the same bytes (fixed mtimes, sorted entries, gzip without name or
# time stamp). Needs bash, GNU tar, sha256sum, stat, gzip.

# oci_digest FILE: the file's sha256, hex only.
oci_digest() { sha256sum "$1" | cut -d' ' -f1; }

# oci_layout_tar OUT REF LAYER_TAR CONFIG [gzip]
#   OUT        the tarball to write (replaced at once: written beside it first)
#   REF        the full image name (registry/name:tag) ctr registers it under
#   LAYER_TAR  the root filesystem as an uncompressed tar; moved into the layout (gone afterwards)
#   CONFIG     the image config's "config" object as JSON (Entrypoint, Cmd, Env, User, WorkingDir ...)
#   gzip       store the layer gzip-compressed (mediaType ...tar+gzip); without it the layer stays a plain tar
oci_layout_tar() {
  local out=$1 ref=$2 layer_tar=$3 config=$4 compression=${5:-} work diff_id layer media config_digest manifest manifest_size
  work=$(mktemp -d "$(dirname "$out")/.oci.XXXXXX")
  mkdir -p "$work/blobs/sha256"
  # diff_id names the uncompressed layer, the manifest's digest the blob as stored
  diff_id=$(oci_digest "$layer_tar")
  media=application/vnd.oci.image.layer.v1.tar
  if [ "$compression" = gzip ]; then
    gzip -n -c "$layer_tar" >"$work/layer"; rm -f "$layer_tar"
    media=$media+gzip
  else
    mv "$layer_tar" "$work/layer"
  fi
  chmod 644 "$work/layer"   # the blob's mode is in the tarball: not the caller's (mktemp makes 0600)
  layer=$(oci_digest "$work/layer"); mv "$work/layer" "$work/blobs/sha256/$layer"
  printf '{"architecture":"amd64","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$config" "$diff_id" >"$work/config.json"
  config_digest=$(oci_digest "$work/config.json"); mv "$work/config.json" "$work/blobs/sha256/$config_digest"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"%s","digest":"sha256:%s","size":%s}]}' \
    "$config_digest" "$(stat -c%s "$work/blobs/sha256/$config_digest")" "$media" "$layer" "$(stat -c%s "$work/blobs/sha256/$layer")" >"$work/manifest.json"
  manifest=$(oci_digest "$work/manifest.json"); manifest_size=$(stat -c%s "$work/manifest.json")
  mv "$work/manifest.json" "$work/blobs/sha256/$manifest"
  # io.containerd.image.name: the full name ctr registers the image under
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"amd64","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "$manifest" "$manifest_size" "$ref" "${ref##*:}" >"$work/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$work/oci-layout"
  tar --sort=name --mtime=@0 --owner=0 --group=0 -C "$work" -cf "$out.new" oci-layout index.json blobs
  mv "$out.new" "$out"
  rm -rf "$work"
}
