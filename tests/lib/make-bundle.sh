#!/bin/sh
# Build an OCI bundle with a busybox rootfs from Debian's busybox-static.
#   make-bundle.sh DIR [BRIG]   -> DIR/rootfs, DIR/config.json (from `BRIG spec`, when BRIG is given)
# Used by `make demo`, the benchmarks and the end-to-end tests.
set -eu
dir=$1
brig=${2:-}
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "make-bundle: $busybox missing (apt-get install busybox-static)" >&2; exit 1; }
mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc" "$dir/rootfs/sys" "$dir/rootfs/dev" "$dir/rootfs/etc" \
         "$dir/rootfs/tmp" "$dir/rootfs/root" "$dir/rootfs/run" "$dir/rootfs/var/tmp"
cp "$busybox" "$dir/rootfs/bin/busybox"
for applet in $("$busybox" --list); do
    [ -e "$dir/rootfs/bin/$applet" ] || ln -s busybox "$dir/rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$dir/rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/rootfs/etc/group"
if [ -n "$brig" ] && [ ! -e "$dir/config.json" ]; then
    "$brig" spec --bundle "$dir"
fi
