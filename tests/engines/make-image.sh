#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make-image.sh ROOTFS OUT.tar [NAME]: pack the directory ROOTFS (e.g. the e2e suite's busybox
# rootfs) as a one-layer image, without a registry or an image tool. The archive is an OCI image
# layout that also carries a docker-save `manifest.json`, so `ctr image import`, `docker load` and
# `podman load` all take it. NAME defaults to docker.io/library/busybox:latest.
set -euo pipefail

rootfs=${1:?usage: make-image.sh ROOTFS OUT.tar [NAME]}
out=${2:?usage: make-image.sh ROOTFS OUT.tar [NAME]}
name=${3:-docker.io/library/busybox:latest}
tag=${name##*:}
[ -d "$rootfs" ] || { echo "make-image: \`$rootfs\` is not a directory" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/brig-image.XXXXXX")
trap 'rm -rf --one-file-system "$work"' EXIT
layout=$work/layout
mkdir -p "$layout/blobs/sha256"

# put_blob FILE: move FILE into the layout under its digest; prints the digest (sha256:...).
put_blob() {
        local sum
        sum=$(sha256sum "$1" | cut -d' ' -f1)
        mv "$1" "$layout/blobs/sha256/$sum"
        echo "sha256:$sum"
}

# An uncompressed, reproducible layer: its digest is also its diff id.
tar -C "$rootfs" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$work/layer.tar" .
layer_size=$(stat -c %s "$work/layer.tar")
layer=$(put_blob "$work/layer.tar")

# Debian's architecture names are Go's (amd64, arm64) for the usual hosts.
jq -n --arg layer "$layer" --arg arch "$(dpkg --print-architecture 2>/dev/null || echo amd64)" '{
        architecture: $arch, os: "linux",
        config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"]},
        rootfs: {type: "layers", diff_ids: [$layer]}
}' >"$work/config.json"
config_size=$(stat -c %s "$work/config.json")
config=$(put_blob "$work/config.json")

jq -n --arg config "$config" --argjson csize "$config_size" --arg layer "$layer" --argjson lsize "$layer_size" '{
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $config, size: $csize},
        layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $layer, size: $lsize}]
}' >"$work/manifest.json"
manifest_size=$(stat -c %s "$work/manifest.json")
manifest=$(put_blob "$work/manifest.json")

jq -n --arg manifest "$manifest" --argjson size "$manifest_size" --arg name "$name" --arg tag "$tag" '{
        schemaVersion: 2,
        manifests: [{
                mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $manifest, size: $size,
                annotations: {"io.containerd.image.name": $name, "org.opencontainers.image.ref.name": $tag}
        }]
}' >"$layout/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
# docker load (20.10) only reads the docker-save manifest.
jq -n --arg config "blobs/sha256/${config#sha256:}" --arg layer "blobs/sha256/${layer#sha256:}" --arg name "$name" \
        '[{Config: $config, RepoTags: [$name], Layers: [$layer]}]' >"$layout/manifest.json"

tar -C "$layout" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$out" .
