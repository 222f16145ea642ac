# shellcheck shell=bash
# Shared by bench/run.sh and bench/profile.sh (sourced, bash): the private namespace they run in, their work
# dir, the shared bundle and config, and the cleanup of what they leave on the host (cgroups, one mount).
# The including script sets BENCH_DIR and REPO_DIR, and calls bench_cleanup from its EXIT trap.

CGROUP_PARENT=brig-bench
HUGETLB_MNT=/sys/fs/cgroup/hugetlb
HUGETLB_STATE=untouched # or: mounted, mounted-on-new-dir
WORK=

die() { echo "bench: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

# Installs what is missing of PACKAGE:COMMAND pairs (COMMAND an absolute path or a name on PATH).
ensure_packages() {
        local pair missing=()
        for pair in "$@"; do
                command -v "${pair#*:}" >/dev/null || missing+=("${pair%%:*}")
        done
        [ ${#missing[@]} -gt 0 ] || return 0
        note "installing ${missing[*]}"
        apt-get install -y "${missing[@]}" || { apt-get update && apt-get install -y "${missing[@]}"; }
}

# Re-exec the calling script ($0 "$@") in a private mount namespace: its mounts vanish with it.
enter_private_namespace() {
        [ "$(id -u)" -eq 0 ] || die "must run as root: it creates containers"
        [ -z "${BRIG_BENCH_PRIVATE_NS:-}" ] || return 0
        BRIG_BENCH_PRIVATE_NS=1 exec unshare --mount --propagation private "$0" "$@"
}

# WORK: a temp dir with bundles/, and state/ on a tmpfs, as /run is on most hosts (not on this VM, where it
# is ext4 and inode allocation for the runtimes' state files would dominate every profile).
make_work_dir() {
        WORK=$(mktemp -d /tmp/brig-bench.XXXXXX)
        mkdir "$WORK/bundles" "$WORK/state"
        mount -t tmpfs -o mode=0700,size=64m brig-bench-state "$WORK/state"
}

cgroup_mounts() {
        awk '{ for (i = 7; i < NF; i++) if ($i == "-") {
                       if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") print $5
                       break } }' /proc/self/mountinfo
}

# Processes still in our cgroups come from a create cut short by an interrupt; they are ours to kill.
kill_cgroup_leftovers() {
        local -a pids
        mapfile -t pids < <(find "$1" -name cgroup.procs -exec cat {} + 2>/dev/null)
        [ ${#pids[@]} -gt 0 ] || return 0
        kill -KILL "${pids[@]}" 2>/dev/null || true
        sleep 0.2
}

remove_bench_cgroups() {
        local mnt dir
        for mnt in $(cgroup_mounts); do
                dir=$mnt/$CGROUP_PARENT
                [ -d "$dir" ] || continue
                kill_cgroup_leftovers "$dir"
                find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || note "could not remove cgroup \`$dir\`"
        done
}

# crun 1.8 refuses a hybrid host while cgroup2 holds a controller. Here that is the otherwise unused hugetlb;
# binding it to a v1 hierarchy mounted in our private mount namespace frees cgroup2 for as long as we run.
# We mount even when cgroup2 holds nothing right now: the hierarchy of an earlier run lingers for a while
# after its unmount and hands hugetlb back to cgroup2 in the middle of this run when it goes.
ensure_crun_accepts_cgroups() {
        local unified=/sys/fs/cgroup/unified controllers
        mountpoint -q "$unified" || return 0 # pure v1 or pure v2 host: crun is content
        awk '$1 == "hugetlb" && $4 == 1 { found = 1 } END { exit !found }' /proc/cgroups || return 0
        if cgroup_mounts | grep -qx "$HUGETLB_MNT"; then return 0; fi
        controllers=$(cat "$unified/cgroup.controllers")
        [[ $controllers == "" || $controllers == hugetlb ]] ||
                die "cgroup2 holds \`$controllers\` on this hybrid host, crun refuses that; not changing it"
        note "mounting hugetlb as a v1 hierarchy for the benchmark's duration (crun refuses it in cgroup2)"
        if [ -d "$HUGETLB_MNT" ]; then
                HUGETLB_STATE=mounted
        else
                mkdir "$HUGETLB_MNT"
                HUGETLB_STATE=mounted-on-new-dir
        fi
        mount -t cgroup -o hugetlb cgroup "$HUGETLB_MNT"
}

# Undo what the functions above made; containers must be deleted first.
bench_cleanup() {
        remove_bench_cgroups
        if [ "$HUGETLB_STATE" != untouched ]; then
                ! mountpoint -q "$HUGETLB_MNT" || umount "$HUGETLB_MNT" || note "could not unmount \`$HUGETLB_MNT\`"
                [ "$HUGETLB_STATE" != mounted-on-new-dir ] || rmdir "$HUGETLB_MNT" 2>/dev/null || true
        fi
        [ -n "$WORK" ] || return 0
        ! mountpoint -q "$WORK/state" || umount "$WORK/state" || note "could not unmount \`$WORK/state\`"
        rm -rf --one-file-system "$WORK"
}

# One busybox rootfs and one config: brig's hardened `spec`, with SECCOMP=1 a Docker-sized seccomp allowlist
# so that every runtime loads a filter, and a placeholder cgroupsPath. Sets CONFIG[true] (runs /bin/true)
# and CONFIG[sleep] (sleeps). Arguments: the brig binary, and 1 for the seccomp profile or 0.
declare -A CONFIG
build_configs() {
        local seccomp=null base
        "$REPO_DIR/tests/lib/make-bundle.sh" "$WORK/bundle" "$1"
        [ "$2" = 0 ] || seccomp=$("$BENCH_DIR/seccomp-profile.sh" "$REPO_DIR")
        # crun 1.8 refuses ociVersion 1.2.0; 1.0.2 is one all three accept.
        base=$(jq --arg rootfs "$WORK/bundle/rootfs" --argjson seccomp "$seccomp" '
                .ociVersion = "1.0.2" | .root.path = $rootfs | .linux.cgroupsPath = "@CGROUP@"
                | if $seccomp then .linux.seccomp = $seccomp else . end' "$WORK/bundle/config.json")
        CONFIG[true]=$(jq -c '.process.args = ["/bin/true"]' <<<"$base")
        CONFIG[sleep]=$(jq -c '.process.args = ["/bin/sleep", "1000"]' <<<"$base")
}

# A new container of runtime $1 running workload $2 (true or sleep): sets ID and BUNDLE and writes the bundle's
# config.json, which differs from the shared one only in its cgroupsPath, /brig-bench/ID.
SEQ=0
new_container() {
        SEQ=$((SEQ + 1))
        ID=$1-$SEQ
        BUNDLE=$WORK/bundles/$ID
        mkdir "$BUNDLE"
        printf '%s\n' "${CONFIG[$2]//@CGROUP@//$CGROUP_PARENT/$ID}" >"$BUNDLE/config.json"
}
