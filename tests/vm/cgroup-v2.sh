#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# cgroup-v2.sh BRIG: run brig's cgroup v2 scenario (guest-cgroup-v2.sh) in a VM booted from
# Debian's kernel with a pure cgroup2 hierarchy; fails unless every check passes.
# Used by `make test-cgroup-v2`. Needs root (apt, mknod) but nothing of the host's cgroups.
set -euo pipefail

BRIG=$(realpath "${1:?usage: cgroup-v2.sh BRIG}")
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${BRIG_VM_WORK:-/tmp/brig-vm}
command -v jq >/dev/null || { echo "jq is not installed" >&2; exit 2; }
mkdir -p "$WORK"
EXTRA=$(mktemp -d "$WORK/extra.XXXXXX")
trap 'rm -rf --one-file-system "$EXTRA"' EXIT

cp "$BRIG" "$EXTRA/brig"
cp "$HERE/guest-cgroup-v2.sh" "$EXTRA/"
"$HERE/../lib/make-bundle.sh" "$EXTRA/bundle" "$BRIG" >/dev/null
# The workload records what the device filter let it open, then counts (the freezer check) and
# allocates 128M, above its limit, whenever /tmp/hog appears (the OOM check).
jq '.process.args = ["sh", "-c", "(echo x >/dev/null && echo null-ok) >/tmp/devices.n 2>/dev/null;
      if (: </dev/kmsg) 2>/dev/null; then echo kmsg-opened; else echo kmsg-denied; fi >>/tmp/devices.n;
      mv /tmp/devices.n /tmp/devices;
      i=0; while :; do i=$((i+1)); echo $i >/tmp/count.n; mv /tmp/count.n /tmp/count; sleep 0.1;
        if [ -e /tmp/hog ]; then rm /tmp/hog; dd if=/dev/zero of=/dev/null bs=128M count=1 2>/dev/null; fi; done"]
    | .linux.cgroupsPath = "/brig-vm/c1"
    | .linux.devices = [{path: "/dev/kmsg", type: "c", major: 1, minor: 11}]
    | .linux.resources = {devices: [{allow: false, access: "rwm"},
                                    {allow: true, type: "c", major: 1, minor: 11, access: "m"}],
                          memory: {limit: 33554432, swap: 67108864},
                          pids: {limit: 20},
                          cpu: {shares: 512, quota: 50000, period: 100000}}' \
        "$EXTRA/bundle/config.json" >"$EXTRA/config.json"
mv "$EXTRA/config.json" "$EXTRA/bundle/config.json"
# /dev/kmsg must exist in the container for the filter to have something to deny: the config may
# mknod it ("m") but not open it.
"$BRIG" policy show | jq '.rules["devices.host"].allowed += ["c 1:11"] | .auditLog = "/tmp/brig-audit.jsonl"' \
        >"$EXTRA/policy.json"

set +e
"$HERE/boot.sh" -w "$WORK" -e "$EXTRA" -t "${BRIG_VM_TIMEOUT:-240}" -- sh /extra/guest-cgroup-v2.sh | tee "$EXTRA/out"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" != 0 ] || grep -q '^FAIL' "$EXTRA/out" || ! grep -q '^RESULT: PASS' "$EXTRA/out"; then
        echo "test-cgroup-v2: FAILED (guest exit status $rc)" >&2
        exit 1
fi
echo "test-cgroup-v2: all checks passed"
