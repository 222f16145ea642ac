#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# boot.sh - run a command in a throwaway VM: Debian's own kernel under QEMU with software
# emulation (TCG, no KVM needed), a busybox initramfs, and a pure cgroup v2 hierarchy at
# /sys/fs/cgroup. The host's cgroups are never touched; the kernel package is downloaded and
# unpacked (dpkg -x) into the work directory, never installed.
# (Adapted from the team's qemu-vm/boot-test.sh.)
#
# Usage: boot.sh [-e DIR] [-t SEC] [-m MB] [-s N] [-w DIR] [-K PKG] [--] COMMAND...
#   -e DIR   copied to /extra in the guest, where COMMAND runs; the shared libraries of every
#            ELF file in DIR are added (as ldd resolves them on the host)
#   -t SEC   timeout for the whole run (default 240)
#   -m MB    guest memory (default 1024)     -s N  vCPUs (default 2)
#   -w DIR   work and cache directory (default /tmp/brig-vm)
#   -K PKG   kernel package (default: what linux-image-amd64 depends on)
# COMMAND runs under the guest's /bin/sh -c, as root. Exit status: COMMAND's; 124 on timeout;
# 125 when the guest reported nothing (boot failure, panic: see the serial log).
set -euo pipefail

WORK=/tmp/brig-vm EXTRA="" MEM=1024 SMP=2 TIMEOUT=240 KPKG=""
while getopts "e:t:m:s:w:K:h" o; do
        case $o in
        e) EXTRA=$(realpath "$OPTARG") ;;
        t) TIMEOUT=$OPTARG ;;
        m) MEM=$OPTARG ;;
        s) SMP=$OPTARG ;;
        w) WORK=$OPTARG ;;
        K) KPKG=$OPTARG ;;
        *) sed -n '3,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2 ;;
        esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "boot.sh: no command given" >&2; exit 2; }
CMD=$*
log() { echo "[vm] $*" >&2; }

# ---- host packages --------------------------------------------------------------------------------
missing=()
for p in qemu-system-x86 busybox-static cpio; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
        log "installing ${missing[*]}"
        apt-get update -qq || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
BUSYBOX=/bin/busybox
! LC_ALL=C ldd "$BUSYBOX" >/dev/null 2>&1 || { echo "$BUSYBOX is not static (install busybox-static)" >&2; exit 2; }

# ---- kernel ---------------------------------------------------------------------------------------
mkdir -p "$WORK/kernel"
[ -n "$KPKG" ] || KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$KPKG" ] || { echo "cannot resolve linux-image-amd64 (apt-get update?)" >&2; exit 2; }
KROOT=$WORK/kernel/$KPKG
if [ ! -e "$KROOT/.unpacked" ]; then
        log "fetching $KPKG"
        rm -f "$WORK/kernel/${KPKG}"_*.deb
        (cd "$WORK/kernel" && apt-get download "$KPKG" 2>&1 | { grep -v '^W: Download is performed unsandboxed' || true; } >&2)
        rm -rf "$KROOT"
        dpkg -x "$WORK/kernel/${KPKG}"_*.deb "$KROOT"
        rm -f "$WORK/kernel/${KPKG}"_*.deb
        touch "$KROOT/.unpacked"
fi
KERNEL=$(ls "$KROOT"/boot/vmlinuz-* | head -1)
log "kernel $KERNEL"

# ---- initramfs ------------------------------------------------------------------------------------
R=$(mktemp -d "$WORK/root.XXXXXX")
INITRD=$WORK/initrd-$$.gz
LOG=$WORK/serial-$$.log
trap 'rm -rf "$R" "$INITRD"' EXIT
chmod 755 "$R"
mkdir -p "$R"/{usr/bin,usr/sbin,usr/lib,usr/lib64,proc,sys,dev,tmp,run,etc,root,extra,newroot}
for d in bin sbin lib lib64; do # the host's merged-/usr layout, so library paths match
        if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$R/$d"; else mkdir -p "$R/$d"; fi
done
cp "$BUSYBOX" "$R/usr/bin/busybox"
for a in $("$BUSYBOX" --list-full); do
        [ -e "$R/$a" ] || [ -L "$R/$a" ] || ln -s /usr/bin/busybox "$R/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\n' >"$R/etc/group"
mknod -m 600 "$R/dev/console" c 5 1

copy_host_file() { # $1 (symlinks resolved) to the same path in the initramfs
        [ -e "$R$1" ] && return 0
        mkdir -p "$R$(dirname "$1")"
        cp -L "$1" "$R$1"
}
add_libs() {
        local l
        for l in $(LC_ALL=C ldd "$1" 2>/dev/null | awk '/=> \// { print $3 } /^[ \t]*\// { print $1 }'); do
                copy_host_file "$l"
        done
}
is_elf() { [ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; }

if [ -n "$EXTRA" ]; then
        cp -a "$EXTRA"/. "$R/extra/"
        while IFS= read -r -d '' f; do
                if is_elf "$f"; then add_libs "$f"; fi
        done < <(find "$EXTRA" -type f -print0)
fi
printf '%s\n' "$CMD" >"$R/etc/guest-cmd"

# The initramfs root cannot be pivot_root()ed away, as a container runtime does: the init first
# copies itself into a tmpfs and switch_root()s there.
cat >"$R/init" <<'EOF'
#!/bin/sh
export PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
if [ ! -e /.on-tmpfs ]; then
        mount -t tmpfs -o mode=755 tmpfs /newroot
        for f in /*; do [ "$f" = /newroot ] || cp -a "$f" /newroot/; done
        mkdir -p /newroot/newroot
        touch /newroot/.on-tmpfs
        exec switch_root /newroot /init
fi
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t mqueue mqueue /dev/mqueue
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
hostname guest
echo "@@BOOTED uptime=$(cut -d' ' -f1 /proc/uptime)s kernel=$(uname -r)"
cd /extra
echo "@@CMD_BEGIN"
sh /etc/guest-cmd </dev/null 2>&1
rc=$?
echo "@@CMD_END rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)s"
sync
poweroff -f
EOF
chmod 755 "$R/init"
(cd "$R" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$INITRD"
log "initramfs $(du -h "$INITRD" | cut -f1)"

# ---- boot -----------------------------------------------------------------------------------------
log "booting (TCG): -m $MEM -smp $SMP, timeout ${TIMEOUT}s, serial log $LOG"
t0=$SECONDS
set +e
timeout -k 10 "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -m "$MEM" -smp "$SMP" \
        -nodefaults -no-user-config -display none -no-reboot -serial stdio \
        -kernel "$KERNEL" -initrd "$INITRD" -append "console=ttyS0 quiet loglevel=1 panic=-1" \
        </dev/null >"$LOG" 2>&1
qrc=$?
set -e
tr -d '\r' <"$LOG" >"$LOG.txt" && mv "$LOG.txt" "$LOG"
sed -n '/^@@CMD_BEGIN/,/^@@CMD_END/{/^@@CMD_/d;p}' "$LOG"
rc=$(sed -n 's/^@@CMD_END rc=\([0-9]*\).*/\1/p' "$LOG" | head -1)
log "$(grep -m1 '^@@BOOTED' "$LOG" | sed 's/^@@//' || true); qemu exit $qrc after $((SECONDS - t0))s"
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
        log "TIMEOUT; serial log: $LOG"
        tail -20 "$LOG" >&2
        exit 124
fi
if [ -z "$rc" ]; then
        log "no result from the guest; serial log: $LOG"
        tail -40 "$LOG" >&2
        exit 125
fi
rm -f "$LOG"
exit "$rc"
