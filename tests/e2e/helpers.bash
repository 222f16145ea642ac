# SPDX-License-Identifier: Apache-2.0
# Shared helpers for brig's end-to-end suite (bats, run as root).
#
# Environment:
#   BRIG           the runtime under test (default: build/brig of this tree)
#   E2E_REFERENCE  set to 1 when BRIG is a reference runtime (runc, crun) to check the suite's own
#                  logic: assertions on brig's exact messages and brig-only behaviour are skipped.
#   E2E_TIMEOUT    seconds one runtime command may take (default 15)
#
# Every test gets its own directory ($TESTDIR), its own --root ($ROOT) and unique container ids;
# teardown removes whatever the test created even when the test failed, and never looks at the
# host's /run/brig.

BRIG=${BRIG:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/build/brig}
E2E_TIMEOUT=${E2E_TIMEOUT:-15}
NAMESPACES_DEFAULT='[{"type":"pid"},{"type":"network"},{"type":"ipc"},{"type":"uts"},{"type":"mount"}]'

# ---- suite set-up -------------------------------------------------------------------------------

# A busybox rootfs, built once per bats run and copied into each test's bundle.
rootfs_cache() {
        echo "$BATS_RUN_TMPDIR/rootfs-cache"
}

build_rootfs_cache() {
        local cache
        cache=$(rootfs_cache)
        [ -x "$cache/bin/busybox" ] && return 0
        local bb
        bb=$(command -v busybox) || { echo "busybox-static is not installed" >&2; return 1; }
        # The rootfs has no shared libraries: a dynamically linked busybox would not start in it.
        ldd "$bb" >/dev/null 2>&1 && { echo "$bb is dynamically linked: install busybox-static" >&2; return 1; }
        local tmp="$cache.tmp.$$" applet
        mkdir -p "$tmp"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,srv,shared}
        cp "$bb" "$tmp/bin/busybox"
        # `busybox --install` resolves /proc/self/exe, i.e. the host path; link the applets by hand.
        for applet in $("$bb" --list-full); do
                [ -e "$tmp/$applet" ] || ln -s /bin/busybox "$tmp/$applet"
        done
        printf 'root:x:0:0:root:/root:/bin/sh\n' >"$tmp/etc/passwd"
        printf 'root:x:0:\n' >"$tmp/etc/group"
        mv "$tmp" "$cache"
}

e2e_suite_setup() {
        [ "$(id -u)" = 0 ] || return 0 # each test skips itself
        [ -x "$BRIG" ] || { echo "BRIG=$BRIG is not an executable (run \`make\` first)" >&2; return 1; }
        command -v jq >/dev/null || { echo "jq is not installed" >&2; return 1; }
        build_rootfs_cache
}

# ---- per-test set-up and teardown ---------------------------------------------------------------

e2e_setup() {
        [ "$(id -u)" = 0 ] || skip "the end-to-end suite needs root"
        TESTDIR=$BATS_TEST_TMPDIR
        ROOT=$TESTDIR/state
        BUNDLE=$TESTDIR/bundle
        OUT=$TESTDIR/out
        # Global flags of every runtime call. brig gets a policy of its own: the built-in baseline
        # with the audit log in the test's directory, so that neither the host's
        # /etc/brig/policy.json nor its /var/log/brig are involved.
        GLOBAL=(--root "$ROOT")
        if is_brig; then
                GLOBAL+=(--policy "$TESTDIR/policy.json")
                jq -n --arg log "$TESTDIR/audit.jsonl" '{preset: "baseline", auditLog: $log}' >"$TESTDIR/policy.json"
        fi
        mkdir -p "$OUT"
        : >"$TESTDIR/ids"
        : >"$TESTDIR/pids"
        ID=$(new_id)
        make_bundle "$BUNDLE" "$ID"
}

e2e_teardown() {
        local id pid start mp
        # Nothing to do when setup stopped early; never act on an empty or foreign path.
        [ -n "${ROOT:-}" ] && [[ $ROOT == "$BATS_TEST_TMPDIR"/* ]] || return 0
        # Runtime processes of this test that are still around (a hung command, or a container init
        # that never exec'd): their command line names this test's private --root.
        for pid in $(pids_mentioning "$ROOT"); do
                echo "teardown: killing leftover $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" >&2
                kill -KILL "$pid" 2>/dev/null || true
        done
        # Every container this test asked for, and anything else under its private --root.
        for id in $(cat "$TESTDIR/ids" 2>/dev/null) $(ls "$ROOT" 2>/dev/null); do
                timeout -k 2 10 "$BRIG" "${GLOBAL[@]}" delete --force "$id" </dev/null >/dev/null 2>&1 || true
        done
        # Pids this test started or was told about, only while they are still the same processes.
        while read -r pid start; do
                pid_alive "$pid" "$start" && kill -KILL "$pid" 2>/dev/null
        done <"$TESTDIR/pids"
        # A cgroup cannot be removed before its last process has died.
        while read -r pid start; do
                poll 5 pid_gone "$pid" "$start" || true
        done <"$TESTDIR/pids"
        # Mounts the runtime may have leaked into the host namespace under this test's directory.
        for mp in $(test_mounts | sort -r); do
                echo "teardown: unmounting leaked $mp" >&2
                umount -l "$mp" || true
        done
        # Cgroups named after this test's ids, deepest first, only when empty of processes.
        for id in $(cat "$TESTDIR/ids" 2>/dev/null); do
                for mp in $(cgroups_of "$id" | sort -r); do
                        echo "teardown: removing leaked cgroup $mp" >&2
                        rmdir "$mp" 2>/dev/null || true
                done
        done
        rm -rf --one-file-system "${TESTDIR:?}"/* 2>/dev/null || true
}

# Pids whose command line contains STRING. The string is read from a file so that grep's own
# command line does not match.
pids_mentioning() {
        [ -n "$1" ] || return 1
        printf '%s\n' "$1" >"$TESTDIR/pattern"
        grep -laF -f "$TESTDIR/pattern" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3
}

# Print a fresh container id and remember it for teardown. Ids carry "brig" so the session's own
# leak check notices any cgroup or mount left with them.
new_id() {
        local id="brig-e2e-${BATS_SUITE_TEST_NUMBER:-0}-$$-$RANDOM${1:+-$1}"
        echo "$id" >>"$TESTDIR/ids"
        echo "$id"
}

# ---- bundles ------------------------------------------------------------------------------------

# make_bundle DIR [ID]: a bundle with a copy of the busybox rootfs and a minimal, unprivileged
# config.json (read-only root, pid/network/ipc/uts/mount namespaces, three capabilities,
# noNewPrivileges). With ID, linux.cgroupsPath is the absolute "/ID" (never a relative path, which
# would nest the container under the caller's own cgroup).
make_bundle() {
        local dir=$1 id=${2:-}
        mkdir -p "$dir"
        cp -a "$(rootfs_cache)" "$dir/rootfs"
        jq -n --arg cg "${id:+/$id}" --argjson ns "$NAMESPACES_DEFAULT" '{
          ociVersion: "1.0.2",
          process: {
            terminal: false,
            user: {uid: 0, gid: 0},
            args: ["true"],
            env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            cwd: "/",
            capabilities: {
              bounding: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
              effective: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
              permitted: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
            },
            rlimits: [{type: "RLIMIT_NOFILE", hard: 1024, soft: 1024}],
            noNewPrivileges: true
          },
          root: {path: "rootfs", readonly: true},
          hostname: "brig-e2e",
          mounts: [
            {destination: "/proc", type: "proc", source: "proc"},
            {destination: "/dev", type: "tmpfs", source: "tmpfs",
             options: ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {destination: "/dev/pts", type: "devpts", source: "devpts",
             options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
            {destination: "/dev/shm", type: "tmpfs", source: "shm",
             options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
            {destination: "/dev/mqueue", type: "mqueue", source: "mqueue",
             options: ["nosuid", "noexec", "nodev"]},
            {destination: "/sys", type: "sysfs", source: "sysfs",
             options: ["nosuid", "noexec", "nodev", "ro"]},
            {destination: "/tmp", type: "tmpfs", source: "tmpfs",
             options: ["nosuid", "nodev", "mode=1777", "size=16m"]}
          ],
          linux: {
            namespaces: $ns,
            resources: {devices: [{allow: false, access: "rwm"}]},
            maskedPaths: ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                          "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                          "/proc/sched_debug", "/proc/scsi", "/sys/firmware"],
            readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
          }
        } | if $cg != "" then .linux.cgroupsPath = $cg else . end' >"$dir/config.json"
}

# edit_config JQ_FILTER [--arg NAME VALUE | --argjson NAME JSON]...: rewrite $BUNDLE/config.json.
edit_config() {
        local filter=$1
        shift
        jq "$@" "$filter" "$BUNDLE/config.json" >"$BUNDLE/config.json.new"
        mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# set_args ARG...: the container's process.args. Each word goes through --arg so that words such as
# "-c" never reach jq's own option parser.
set_args() {
        local arg json
        json=$(for arg in "$@"; do jq -n --arg a "$arg" '$a'; done | jq -cs .)
        edit_config '.process.args = $args' --argjson args "$json"
}

# share_dir: bind-mount a fresh host directory at /shared (read-write) and print its host path.
share_dir() {
        local host=$TESTDIR/shared
        mkdir -p "$host"
        edit_config '.mounts += [{destination: "/shared", type: "bind", source: $src,
                                  options: ["rbind", "rw", "nosuid", "nodev"]}]' --arg src "$host"
        echo "$host"
}

# use_cgroup ID: give the next container created from $BUNDLE its own cgroup, "/ID".
use_cgroup() {
        edit_config '.linux.cgroupsPath = $cg' --arg cg "/$1"
}

# ---- running the runtime ------------------------------------------------------------------------

# brig ARG...: run "$BRIG <global flags> ARG..." like bats' `run --separate-stderr`, setting $status,
# $output (stdout), $stderr and $lines. Output goes through files, not pipes: a created container
# keeps the stdio it was given open, so a pipe would not reach end-of-file until the container died.
# Each call's files stay in $OUT/N.{stdout,stderr}.
brig() {
        local n=$((++BRIG_CALLS))
        last_cmd="$BRIG ${GLOBAL[*]} $*"
        timeout -k 5 "$E2E_TIMEOUT" "$BRIG" "${GLOBAL[@]}" "$@" \
                </dev/null >"$OUT/$n.stdout" 2>"$OUT/$n.stderr" 3>&- && status=0 || status=$?
        output=$(cat "$OUT/$n.stdout")
        stderr=$(cat "$OUT/$n.stderr")
        mapfile -t lines <<<"$output"
}
BRIG_CALLS=0

# brig_bg ARG...: start "$BRIG <global flags> ARG..." in the background (a foreground `run` that the
# test kills or waits for). Sets $bg_pid, and $bg_out: its output is in $bg_out.stdout/.stderr.
brig_bg() {
        bg_out=$OUT/bg-$((++BRIG_CALLS))
        bg_args="$*"
        "$BRIG" "${GLOBAL[@]}" "$@" </dev/null >"$bg_out.stdout" 2>"$bg_out.stderr" 3>&- &
        bg_pid=$!
        track_pid "$bg_pid"
}

# container_field ID FIELD: one field of the runtime's state of container ID ("" on error).
container_field() {
        timeout -k 2 "$E2E_TIMEOUT" "$BRIG" "${GLOBAL[@]}" state "$1" 2>/dev/null </dev/null 3>&- |
                jq -r ".$2 // empty" 2>/dev/null || true
}

container_pid() {
        container_field "$1" pid
}

container_status() {
        container_field "$1" status
}

# create_container ID [FLAG...]: create from $BUNDLE, fail the test on error, track the pid, and set
# $pid.
create_container() {
        local id=$1
        shift
        brig create --bundle "$BUNDLE" "$@" "$id"
        assert_status 0
        pid=$(container_pid "$id")
        [[ $pid =~ ^[0-9]+$ ]] && [ "$pid" -gt 0 ] || fail "state of $id has no pid"
        track_pid "$pid"
}

# run_container ARG...: set process.args, run the container in the foreground; the container's
# stdout/stderr are in $output/$stderr.
run_container() {
        set_args "$@"
        brig run --bundle "$BUNDLE" "$ID"
}

# ---- processes ----------------------------------------------------------------------------------

proc_start_time() {
        # Field 22 of /proc/PID/stat, counted after the parenthesised command name.
        sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}'
}

track_pid() {
        echo "$1 $(proc_start_time "$1")" >>"$TESTDIR/pids"
}

# pid_alive PID [START]: PID runs (not a zombie) and, given START, is still the process we tracked.
pid_alive() {
        local pid=$1 start=${2:-} st
        st=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $1}') || return 1
        [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ] || return 1
        [ -z "$start" ] || [ "$(proc_start_time "$pid")" = "$start" ]
}

# ---- polling (bounded in time) ------------------------------------------------------------------

# poll SECONDS COMMAND...: retry COMMAND every 50 ms until it succeeds or SECONDS have passed.
poll() {
        local deadline=$((SECONDS + $1))
        shift
        until "$@"; do
                ((SECONDS < deadline)) || return 1
                sleep 0.05
        done
}

status_is() {
        [ "$(container_status "$1")" = "$2" ]
}

pid_gone() {
        ! pid_alive "$@"
}

wait_for_status() {
        poll 5 status_is "$1" "$2" || fail "container $1 did not reach status $2 (now: $(container_status "$1"))"
}

wait_for_file() {
        poll 5 test -e "$1" || fail "$1 did not appear"
}

wait_pid_gone() {
        poll 5 pid_gone "$1" || fail "pid $1 is still alive"
}

# wait_bg: wait for the background runtime started by brig_bg and set $bg_status to its exit status.
wait_bg() {
        poll "$E2E_TIMEOUT" pid_gone "$bg_pid" || fail "the background \`$BRIG ${bg_args:-}\` did not exit"
        bg_status=0
        wait "$bg_pid" || bg_status=$?
}

# ---- host cleanliness ---------------------------------------------------------------------------

# Mount points under this test's directory, as the host sees them.
test_mounts() {
        awk -v dir="$TESTDIR/" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo
}

# Cgroup directories named after ID, in every v1 hierarchy and the v2 one (unified/).
cgroups_of() {
        # Ids made with a suffix (ID-b) must not match ID, hence no trailing wildcard.
        find /sys/fs/cgroup/*/ -maxdepth 5 -type d \( -name "*$1" -o -name "*$1.scope" \) 2>/dev/null | sort -u
}

# assert_host_clean ID: nothing of container ID is left: state dir, cgroups, mounts, processes.
assert_host_clean() {
        local id=$1 left="" pid start
        [ ! -e "$ROOT/$id" ] || left+="state dir $ROOT/$id; "
        local cg
        cg=$(cgroups_of "$id")
        [ -z "$cg" ] || left+="cgroups: $(echo $cg); "
        local mnt
        mnt=$(test_mounts)
        [ -z "$mnt" ] || left+="mounts: $(echo $mnt); "
        while read -r pid start; do
                pid_alive "$pid" "$start" && left+="process $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)); "
        done <"$TESTDIR/pids"
        [ -z "$left" ] || fail "container $id left behind: $left"
}

# ---- assertions ---------------------------------------------------------------------------------

fail() {
        {
                echo "FAIL: $*"
                echo "  last command: ${last_cmd:-}"
                echo "  last status: ${status:-}"
                echo "  last stdout: ${output:-}"
                echo "  last stderr: ${stderr:-}"
        } >&2
        return 1
}

assert_status() {
        [ "$status" = "$1" ] || fail "expected exit status $1, got $status"
}

assert_failure() {
        [ "$status" != 0 ] || fail "expected a non-zero exit status"
}

assert_contains() {
        [[ $1 == *"$2"* ]] || fail "expected \`$2\` in \`$1\`"
}

assert_equal() {
        [ "$1" = "$2" ] || fail "expected \`$2\`, got \`$1\`"
}

# True when the runtime under test is brig itself, not a reference runtime.
is_brig() {
        [ "${E2E_REFERENCE:-0}" != 1 ]
}

# Skip a brig-only check when checking the suite against a reference runtime.
brig_only() {
        is_brig || skip "brig-only behaviour (E2E_REFERENCE=1)"
}

# assert_error SUBSTRING: the last call failed with status 1 and one stderr line "brig: ...SUBSTRING...".
# Against a reference runtime only the failure itself is checked.
assert_error() {
        assert_failure
        is_brig || return 0
        assert_status 1
        local n
        n=$(grep -c '' <<<"$stderr")
        [ "$n" = 1 ] || fail "expected exactly one line on stderr, got $n"
        [[ $stderr == "brig: "* ]] || fail "stderr does not start with \`brig: \`"
        assert_contains "$stderr" "$1"
}

# refused_config SUBSTRING: create from $BUNDLE fails naming SUBSTRING and leaves the host clean.
refused_config() {
        brig create --bundle "$BUNDLE" --pid-file "$TESTDIR/pidfile" "$ID"
        assert_error "$1"
        [ ! -e "$TESTDIR/pidfile" ] || fail "a refused create wrote its pid file"
        assert_host_clean "$ID"
}
