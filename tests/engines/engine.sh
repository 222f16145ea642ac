#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# engine.sh: run container engines against brig in a private directory, leaving the host alone.
#
#   engine.sh setup DIR BRIG        DIR/brig: a wrapper that runs BRIG with a policy in DIR (so the
#                                   host's /etc/brig and /var/log/brig stay out of it); DIR/brig-podman
#                                   also gives it a --root in DIR
#   engine.sh start-containerd DIR  containerd with root, state and sockets under DIR
#   engine.sh start-dockerd DIR     dockerd on that containerd, `brig` registered as a runtime
#   engine.sh podman DIR ARGS...    podman with its storage under DIR and brig as its runtime
#   engine.sh stop DIR              stop what start-* started (by the PIDs it recorded), unmount
#                                   everything under DIR, remove the cgroups the engines created
#                                   and DIR itself
#
# Sockets: DIR/containerd.sock, DIR/docker.sock. Logs: DIR/containerd.log, DIR/dockerd.log.
# The daemons run in a mount namespace of their own, so the mounts they and their containers make
# do not reach the host's. Engines cannot take every path from their configuration: containerd
# 1.6 puts its shims' sockets in /run/containerd/s, dockerd its plugin sockets in
# /run/docker/plugins (`stop` removes those directories when `setup` found them absent).
# Containers go to cgroup parents named after DIR.
set -euo pipefail

die() {
        echo "engine.sh: $*" >&2
        exit 1
}

# The cgroup parent of every container started here: unique per DIR, so `stop` removes only ours.
cgroup_parent() {
        echo "brig-e2e-$(basename "$1")"
}

# wait_for_socket SOCKET PID LOG: wait until the engine listens, or fail when it died or hung.
wait_for_socket() {
        local sock=$1 pid=$2 log=$3 i
        for i in $(seq 100); do
                [ -S "$sock" ] && return 0
                kill -0 "$pid" 2>/dev/null || { tail -20 "$log" >&2; die "engine (pid $pid) exited early"; }
                sleep 0.1
        done
        tail -20 "$log" >&2
        die "engine (pid $pid) does not listen on $sock after 10s"
}

cmd_setup() {
        local dir=$1 brig=$2
        [ -x "$brig" ] || die "\`$brig\` is not executable"
        mkdir -p "$dir"
        jq -n --arg log "$dir/audit.jsonl" '{preset: "baseline", auditLog: $log}' >"$dir/policy.json"
        printf '#!/bin/sh\nexec %q --policy %q "$@"\n' "$brig" "$dir/policy.json" >"$dir/brig"
        # podman (as root) gives the runtime no --root: without one brig would use the host's /run/brig.
        printf '#!/bin/sh\nexec %q --root %q "$@"\n' "$dir/brig" "$dir/podman/brig" >"$dir/brig-podman"
        chmod 755 "$dir/brig" "$dir/brig-podman"
        # Paths the engines create whatever their configuration says; `stop` removes them (when
        # empty) only if they are not there now.
        local p
        : >"$dir/host-dirs"
        for p in /run/containerd /run/docker; do
                [ -e "$p" ] || echo "$p" >>"$dir/host-dirs"
        done
}

cmd_start_containerd() {
        local dir=$1
        command -v containerd >/dev/null || die "containerd is not installed"
        mkdir -p "$dir/containerd"
        # Only what ctr and dockerd need: no CRI (it would set up CNI), no snapshotters that probe
        # the host's block devices.
        cat >"$dir/containerd/config.toml" <<EOF
version = 2
root = "$dir/containerd/root"
state = "$dir/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$dir/containerd.sock"
[ttrpc]
  address = "$dir/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/containerd/opt"
EOF
        unshare -m --propagation private containerd --config "$dir/containerd/config.toml" --log-level debug >"$dir/containerd.log" 2>&1 &
        echo $! >"$dir/containerd.pid"
        wait_for_socket "$dir/containerd.sock" "$(cat "$dir/containerd.pid")" "$dir/containerd.log"
}

cmd_start_dockerd() {
        local dir=$1 dockerd
        dockerd=$(command -v dockerd) || die "dockerd is not installed"
        [ -S "$dir/containerd.sock" ] || die "start-containerd first"
        mkdir -p "$dir/docker"
        # The trust key would go to /etc/docker/key.json.
        jq -n --arg brig "$dir/brig" --arg key "$dir/docker/key.json" \
                '{runtimes: {brig: {path: $brig}}, "deprecated-key-path": $key}' >"$dir/docker/daemon.json"
        # No bridge, no iptables, no userland proxy: the host's network is not touched.
        # In containerd's mount namespace: containers bind-mount what dockerd mounts (e.g. /dev/shm).
        nsenter -t "$(cat "$dir/containerd.pid")" -m "$dockerd" --config-file "$dir/docker/daemon.json" \
                --data-root "$dir/docker/data" --exec-root "$dir/docker/exec" \
                --pidfile "$dir/docker/dockerd.pid" -H "unix://$dir/docker.sock" \
                --containerd "$dir/containerd.sock" --containerd-namespace brig-e2e \
                --containerd-plugins-namespace brig-e2e-plugins \
                --bridge=none --iptables=false --ip6tables=false --ip-masq=false --userland-proxy=false \
                --storage-driver vfs --exec-opt native.cgroupdriver=cgroupfs \
                --cgroup-parent "/$(cgroup_parent "$dir")-docker" \
                >"$dir/dockerd.log" 2>&1 &
        echo $! >"$dir/dockerd.pid"
        wait_for_socket "$dir/docker.sock" "$(cat "$dir/dockerd.pid")" "$dir/dockerd.log"
}

cmd_podman() {
        local dir=$1 nproc
        shift
        mkdir -p "$dir/podman"
        # podman's own default for nproc, unless the host's hard limit is lower.
        nproc=$(ulimit -Hu)
        [ "$nproc" != unlimited ] && [ "$nproc" -lt 32768 ] || nproc=32768
        [ -e "$dir/podman/containers.conf" ] || cat >"$dir/podman/containers.conf" <<EOF
[containers]
cgroupns = "private"
# conmon stays out of cgroups: it would create its cgroup in every hierarchy /proc/self/cgroup
# names, even one not mounted under /sys/fs/cgroup (plain directories in the tmpfs, then).
cgroups = "no-conmon"
# podman asks for RLIMIT_NOFILE/NPROC 1048576 as root, above this host's hard limits: raising a
# hard limit needs CAP_SYS_RESOURCE, which root may not have (any runtime fails then).
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=$nproc:$nproc"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$dir/podman/events.log"
tmp_dir = "$dir/podman/tmp"
volume_path = "$dir/podman/volumes"
EOF
        [ -e "$dir/podman/storage.conf" ] || cat >"$dir/podman/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$dir/podman/root"
runroot = "$dir/podman/run"
EOF
        CONTAINERS_CONF=$dir/podman/containers.conf CONTAINERS_STORAGE_CONF=$dir/podman/storage.conf \
                podman --root "$dir/podman/root" --runroot "$dir/podman/run" --tmpdir "$dir/podman/tmp" \
                --storage-driver vfs --runtime "$dir/brig-podman" --cgroup-manager cgroupfs "$@"
}

# stop_pid FILE: SIGTERM the process whose PID FILE holds, SIGKILL after 10s; wait until it is gone.
stop_pid() {
        local file=$1 pid i
        [ -s "$file" ] || return 0
        pid=$(cat "$file")
        kill -TERM "$pid" 2>/dev/null || { rm -f "$file"; return 0; }
        for i in $(seq 100); do
                kill -0 "$pid" 2>/dev/null || { rm -f "$file"; return 0; }
                sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
        rm -f "$file"
}

# Unmount everything under DIR, deepest first (containerd and dockerd leave no mounts when they
# stop cleanly, but a failed test may leave a container rootfs or a shm mount behind).
unmount_under() {
        local dir=$1 mp
        awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r mp; do
                umount -l "$mp" || true
        done
}

# The cgroups of DIR's containers: every v1 hierarchy and cgroup2, deepest first; rmdir only
# removes empty ones, so a process still running there keeps its cgroup (and `stop` says so).
remove_cgroups() {
        local dir=$1 parent base cg
        parent=$(cgroup_parent "$dir")
        for base in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
                for cg in "$base$parent" "$base$parent-docker" "$base$parent-podman"; do
                        [ -d "$cg" ] || continue
                        find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
                        [ -d "$cg" ] && echo "engine.sh: cannot remove $cg (processes left?)" >&2
                done
        done
        return 0
}

# Containers a failed test left behind: every brig state directory under DIR (runtime roots are
# ROOT/ID/state.json), removed with brig itself.
force_delete_containers() {
        local dir=$1 state
        [ -x "$dir/brig" ] || return 0
        find "$dir" -mindepth 3 -maxdepth 9 -name state.json 2>/dev/null | while read -r state; do
                "$dir/brig" --root "$(dirname "$(dirname "$state")")" delete --force "$(basename "$(dirname "$state")")" ||
                        true
        done
}

# containerd's shims outlive containerd; ours are the ones whose -address is DIR's socket.
stop_shims() {
        local dir=$1 cmdline pid
        for cmdline in /proc/[0-9]*/cmdline; do
                pid=${cmdline#/proc/}
                pid=${pid%/cmdline}
                if tr '\0' '\n' 2>/dev/null <"$cmdline" | grep -qxF "$dir/containerd.sock"; then
                        echo "$pid" >"$dir/shim.pid"
                        stop_pid "$dir/shim.pid"
                fi
        done
}

cmd_stop() {
        local dir=$1
        [ -d "$dir" ] || return 0
        stop_pid "$dir/dockerd.pid"
        force_delete_containers "$dir"
        stop_shims "$dir"
        stop_pid "$dir/containerd.pid"
        unmount_under "$dir"
        remove_cgroups "$dir"
        local p
        while read -r p; do
                [ ! -d "$p" ] || find "$p" -depth -type d -exec rmdir {} + 2>/dev/null || true
        done < <(cat "$dir/host-dirs" 2>/dev/null)
        rm -rf --one-file-system "$dir"
}

action=${1:-}
[ $# -ge 2 ] || die "usage: engine.sh setup|start-containerd|start-dockerd|podman|stop DIR ..."
shift
case $action in
setup) cmd_setup "$@" ;;
start-containerd) cmd_start_containerd "$@" ;;
start-dockerd) cmd_start_dockerd "$@" ;;
podman) cmd_podman "$@" ;;
stop) cmd_stop "$@" ;;
*) die "unknown action \`$action\`" ;;
esac
