#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# brig under real container engines: containerd (through ctr and its runc v2 shim), Docker and
# podman call brig the way they call runc. The engines run with their own root, state and sockets
# in a temp dir (tests/engines/engine.sh), from a busybox image built here (no registry needed).
# An engine that is not installed is skipped.

load helpers

ENGINES=$BATS_TEST_DIRNAME/../engines
IMAGE=docker.io/library/busybox:latest
CTR_NS=brig-ctr

have_containerd() { command -v containerd >/dev/null && command -v ctr >/dev/null; }
# Debian's docker client: the first `docker` on PATH may be a newer one that this dockerd refuses.
have_docker() { have_containerd && command -v dockerd >/dev/null && [ -x /usr/bin/docker ]; }
have_podman() { command -v podman >/dev/null && command -v conmon >/dev/null; }

setup_file() {
        [ "$(id -u)" = 0 ] || return 0
        # A short path: engines put unix sockets under it.
        ENGDIR=$(mktemp -d /tmp/brig-eng.XXXXXX)
        export ENGDIR
        "$ENGINES/engine.sh" setup "$ENGDIR" "$BRIG"
        build_rootfs_cache
        "$ENGINES/make-image.sh" "$(rootfs_cache)" "$ENGDIR/busybox.tar" "$IMAGE"
        # The daemons must not hold bats' fd 3, or bats would wait for them.
        if have_containerd; then
                "$ENGINES/engine.sh" start-containerd "$ENGDIR" 3>&-
                ctr -a "$ENGDIR/containerd.sock" -n "$CTR_NS" image import "$ENGDIR/busybox.tar" >/dev/null
        fi
        if have_docker; then
                "$ENGINES/engine.sh" start-dockerd "$ENGDIR" 3>&-
                /usr/bin/docker -H "unix://$ENGDIR/docker.sock" load -i "$ENGDIR/busybox.tar" >/dev/null
        fi
        if have_podman; then
                "$ENGINES/engine.sh" podman "$ENGDIR" load -i "$ENGDIR/busybox.tar" >/dev/null 2>&1 3>&-
        fi
}

teardown_file() {
        [ -n "${ENGDIR:-}" ] || return 0
        "$ENGINES/engine.sh" stop "$ENGDIR"
}

setup() {
        [ "$(id -u)" = 0 ] || skip "the engine tests need root"
        OUT=$BATS_TEST_TMPDIR
        CALLS=0
        # The engines' clients, as commands (`timeout` and `script` cannot run shell functions).
        CTR=(ctr -a "$ENGDIR/containerd.sock" -n "$CTR_NS")
        DOCKER=(/usr/bin/docker -H "unix://$ENGDIR/docker.sock")
        PODMAN=("$ENGINES/engine.sh" podman "$ENGDIR")
}

# engine CMD ARG...: run an engine's client like helpers' `brig`: sets $status, $output (stdout,
# without the terminal's carriage returns) and $stderr. Output goes through files: a detached
# container may keep a pipe open.
engine() {
        local n=$((++CALLS))
        last_cmd="$*"
        timeout -k 5 60 "$@" </dev/null >"$OUT/$n.stdout" 2>"$OUT/$n.stderr" 3>&- && status=0 || status=$?
        output=$(tr -d '\r' <"$OUT/$n.stdout")
        stderr=$(cat "$OUT/$n.stderr")
}

# in_pty CMD ARG...: run CMD with a terminal as its stdin/stdout (`-t` needs one), keeping its status.
in_pty() {
        local cmd
        cmd=$(printf '%q ' "$@")
        engine script -qec "$cmd" /dev/null
}

# ctr_run FLAG... IMAGE ID ARGS...: `ctr run` with brig as the shim's runtime binary, its state
# and fifos in ENGDIR.
ctr_run() {
        engine "${CTR[@]}" run --runc-binary "$ENGDIR/brig" --runc-root "$ENGDIR/runc" --fifo-dir "$ENGDIR/fifo" "$@"
}

# The cgroup of ctr container ID: under a parent that `engine.sh stop` removes.
ctr_cgroup() {
        echo "/brig-e2e-$(basename "$ENGDIR")/$1"
}

ctr_task_status() {
        "${CTR[@]}" task ls | awk -v id="$1" '$1 == id { print $3 }'
}

ctr_task_count() {
        [ "$("${CTR[@]}" task ps "$1" | grep -c '^[0-9]')" = "$2" ]
}

podman_run_flags() {
        echo --network none --cgroup-parent "/brig-e2e-$(basename "$ENGDIR")-podman"
}

need() {
        "have_$1" || skip "$1 is not installed"
}

# ---- containerd (ctr, runc v2 shim) -------------------------------------------------------------

@test "ctr run: the workload's output and exit status come back through the shim" {
        need containerd
        ctr_run --rm --cgroup "$(ctr_cgroup c-echo)" "$IMAGE" c-echo echo hello
        assert_status 0
        assert_equal "$output" hello
        ctr_run --rm --cgroup "$(ctr_cgroup c-exit)" "$IMAGE" c-exit sh -c 'echo out; echo err >&2; exit 3'
        assert_status 3
        assert_equal "$output" out
        assert_contains "$stderr" err
}

@test "ctr run -t: the workload gets a terminal through --console-socket" {
        need containerd
        in_pty "${CTR[@]}" run -t --rm --runc-binary "$ENGDIR/brig" --runc-root "$ENGDIR/runc" --fifo-dir "$ENGDIR/fifo" \
                --cgroup "$(ctr_cgroup c-tty)" "$IMAGE" c-tty sh -c 'tty; exit 5'
        assert_status 5
        assert_contains "$output" /dev/pts/0
}

@test "ctr task exec, ps, pause, resume, kill, delete on a running container" {
        need containerd
        local id=c-task
        ctr_run -d --cgroup "$(ctr_cgroup $id)" "$IMAGE" $id sleep 1000
        assert_status 0
        engine "${CTR[@]}" task exec --exec-id e1 $id sh -c 'echo from-exec; exit 4'
        assert_status 4
        assert_equal "$output" from-exec
        in_pty "${CTR[@]}" task exec -t --fifo-dir "$ENGDIR/fifo" --exec-id e2 $id tty
        assert_status 0
        assert_contains "$output" /dev/pts/

        # `ps --format json` lists the init and a detached exec.
        "${CTR[@]}" task exec --exec-id e3 $id sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
        poll 10 ctr_task_count $id 2 || fail "ctr task ps: not 2 processes: $("${CTR[@]}" task ps $id)"
        engine "${CTR[@]}" task ps $id
        assert_contains "$output" "$("${CTR[@]}" task ls | awk -v id=$id '$1 == id { print $2 }')"

        engine "${CTR[@]}" task pause $id
        assert_status 0
        assert_equal "$(ctr_task_status $id)" PAUSED
        engine "${CTR[@]}" task resume $id
        assert_status 0
        assert_equal "$(ctr_task_status $id)" RUNNING

        engine "${CTR[@]}" task kill -s SIGKILL $id
        assert_status 0
        poll 10 eval '[ "$(ctr_task_status $id)" = STOPPED ]' || fail "the task did not stop: $("${CTR[@]}" task ls)"
        wait
        engine "${CTR[@]}" task delete $id
        assert_status 0
        engine "${CTR[@]}" container rm $id
        assert_status 0
        [ ! -e "$ENGDIR/runc/$CTR_NS/$id" ] || fail "brig state left"
}

@test "ctr task delete --force removes a running container" {
        need containerd
        local id=c-force
        ctr_run -d --cgroup "$(ctr_cgroup $id)" "$IMAGE" $id sleep 1000
        assert_status 0
        engine "${CTR[@]}" task delete --force $id
        assert_status 0
        engine "${CTR[@]}" container rm $id
        assert_status 0
        [ ! -e "$ENGDIR/runc/$CTR_NS/$id" ] || fail "brig state left"
}

@test "ctr run --privileged: the user sees brig's policy refusal" {
        need containerd
        ctr_run --rm --privileged --cgroup "$(ctr_cgroup c-priv)" "$IMAGE" c-priv true
        assert_failure
        assert_contains "$stderr" "refused by policy"
        engine "${CTR[@]}" container rm c-priv
}

# ---- Docker -------------------------------------------------------------------------------------

@test "docker run --runtime brig: output and exit status" {
        need docker
        engine "${DOCKER[@]}" run --runtime brig --rm busybox echo hello
        assert_status 0
        assert_equal "$output" hello
        engine "${DOCKER[@]}" run --runtime brig --rm busybox sh -c 'exit 3'
        assert_status 3
}

@test "docker run --privileged is refused with brig's policy message" {
        need docker
        engine "${DOCKER[@]}" run --runtime brig --rm --privileged busybox true
        assert_failure
        assert_contains "$stderr" "refused by policy"
}

@test "docker run -t: the workload gets a terminal" {
        need docker
        in_pty "${DOCKER[@]}" run --runtime brig --rm -t busybox sh -c 'tty; exit 7'
        assert_status 7
        assert_contains "$output" /dev/pts/0
}

@test "docker exec, top, pause, unpause, update, stop on a brig container" {
        need docker
        local name=d-life
        # With a network of its own (even `none`), dockerd adds its libnetwork-setkey prestart hook,
        # /proc/<dockerd pid>/exe: the policy must let it run.
        engine "${DOCKER[@]}" run --runtime brig -d --network none --name $name busybox sleep 1000
        assert_status 0
        local bundle
        bundle=$ENGDIR/containerd/state/io.containerd.runtime.v2.task/brig-e2e/$output
        [[ $(jq -r '.hooks.prestart[0].path' "$bundle/config.json") == /proc/*/exe ]] ||
                fail "no dockerd prestart hook in $bundle/config.json"
        engine "${DOCKER[@]}" exec $name ip -o link show lo
        assert_contains "$output" "UP"

        engine "${DOCKER[@]}" exec $name sh -c 'echo in-exec; exit 6'
        assert_status 6
        assert_equal "$output" in-exec
        engine "${DOCKER[@]}" exec -u 65534 $name id -u
        assert_equal "$output" 65534
        in_pty "${DOCKER[@]}" exec -t $name tty
        assert_status 0
        assert_contains "$output" /dev/pts/

        engine "${DOCKER[@]}" top $name
        assert_status 0
        assert_contains "$output" "sleep 1000"

        engine "${DOCKER[@]}" pause $name
        assert_status 0
        assert_equal "$("${DOCKER[@]}" inspect -f '{{.State.Status}}' $name)" paused
        engine "${DOCKER[@]}" unpause $name
        assert_status 0
        assert_equal "$("${DOCKER[@]}" inspect -f '{{.State.Status}}' $name)" running

        # `update --resources -`: the new limits reach the container's cgroups.
        engine "${DOCKER[@]}" update --memory 64m --memory-swap 128m --pids-limit 50 $name
        assert_status 0
        engine "${DOCKER[@]}" exec $name cat /sys/fs/cgroup/pids/pids.max
        assert_equal "$output" 50

        engine "${DOCKER[@]}" stop -t 1 $name
        assert_status 0
        engine "${DOCKER[@]}" rm $name
        assert_status 0
}

@test "docker kill and rm -f of a running brig container" {
        need docker
        engine "${DOCKER[@]}" run --runtime brig -d --name d-kill busybox sleep 1000
        assert_status 0
        engine "${DOCKER[@]}" kill d-kill
        assert_status 0
        engine "${DOCKER[@]}" rm d-kill
        assert_status 0
        engine "${DOCKER[@]}" run --runtime brig -d --name d-rmf busybox sleep 1000
        assert_status 0
        engine "${DOCKER[@]}" rm -f d-rmf
        assert_status 0
        [ -z "$(ls "$ENGDIR/docker/exec/runtime-brig/brig-e2e" 2>/dev/null)" ] || fail "brig state left"
}

# ---- podman (conmon) ----------------------------------------------------------------------------

@test "podman run --runtime brig: output and exit status" {
        need podman
        engine "${PODMAN[@]}" run --rm $(podman_run_flags) busybox echo hello
        assert_status 0
        assert_equal "$output" hello
        engine "${PODMAN[@]}" run --rm $(podman_run_flags) busybox sh -c 'exit 3'
        assert_status 3
}

@test "podman run -t, exec, top, rm -f" {
        need podman
        in_pty "${PODMAN[@]}" run --rm -t $(podman_run_flags) busybox sh -c 'tty; exit 7'
        assert_status 7
        assert_contains "$output" /dev/pts/0
        engine "${PODMAN[@]}" run -d --name p-life $(podman_run_flags) busybox sleep 1000
        assert_status 0
        engine "${PODMAN[@]}" exec p-life sh -c 'echo in-exec; exit 6'
        assert_status 6
        assert_equal "$output" in-exec
        in_pty "${PODMAN[@]}" exec -t p-life tty
        assert_status 0
        assert_contains "$output" /dev/pts/
        engine "${PODMAN[@]}" top p-life
        assert_status 0
        assert_contains "$output" "sleep 1000"
        engine "${PODMAN[@]}" rm -f -t 0 p-life
        assert_status 0
}

@test "podman run --device: a device passed through with its file type bits" {
        need podman
        engine "${PODMAN[@]}" run --rm $(podman_run_flags) --device /dev/null:/dev/xnull busybox sh -c 'test -c /dev/xnull'
        assert_status 0
}

@test "podman run --privileged is refused with brig's policy message" {
        need podman
        engine "${PODMAN[@]}" run --rm $(podman_run_flags) --privileged busybox true
        assert_failure
        assert_contains "$stderr" "refused by policy"
}

# ---- the host afterwards ------------------------------------------------------------------------

@test "the engines leave nothing on the host" {
        local base dirs procs
        base=$(basename "$ENGDIR")
        dirs=$(cat "$ENGDIR/host-dirs")
        # The shim runs `delete --force` after every delete and failed create: brig must not fail it.
        # (The shim may report exit status 255 for a delete that succeeded, as with runc: its
        # reaper races with the wait. Only a delete that printed an error is brig's failure.)
        local failed
        failed=$(grep -s "failed to remove runc container.*brig: " "$ENGDIR/containerd.log" || true)
        [ -z "$failed" ] || fail "brig failed a shim's delete: $failed"
        "$ENGINES/engine.sh" stop "$ENGDIR"
        [ ! -e "$ENGDIR" ] || fail "$ENGDIR left"
        # A pattern that does not match itself: grep's own command line holds it.
        procs=$(grep -l "${ENGDIR//./[.]}" /proc/[0-9]*/cmdline 2>/dev/null || true)
        [ -z "$procs" ] || fail "processes left: $procs"
        ! grep -qF "$ENGDIR" /proc/self/mountinfo || fail "mounts left: $(grep -F "$ENGDIR" /proc/self/mountinfo)"
        ! compgen -G "/sys/fs/cgroup/*/brig-e2e-$base*" >/dev/null || fail "cgroups left"
        ! compgen -G "/sys/fs/cgroup/brig-e2e-$base*" >/dev/null || fail "cgroups left"
        local d
        for d in $dirs; do
                [ ! -e "$d" ] || fail "$d left: $(find "$d")"
        done
}
