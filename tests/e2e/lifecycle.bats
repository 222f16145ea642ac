#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Container lifecycle: run, create/start/kill/delete, state, list, and the informational subcommands.

load helpers

setup_file() { e2e_suite_setup; }
setup() { e2e_setup; }
teardown() { e2e_teardown; }

@test "run prints the workload's output and exits with its status" {
        run_container sh -c 'echo hi; echo oops >&2; exit 3'
        assert_status 3
        assert_equal "$output" "hi"
        assert_contains "$stderr" "oops"
}

@test "run removes the container once the workload has exited" {
        run_container true
        assert_status 0
        brig state "$ID"
        assert_error "does not exist"
        assert_host_clean "$ID"
}

@test "run exits with 128+signal when the workload is killed by a signal" {
        set_args sleep 1000
        brig_bg run --bundle "$BUNDLE" "$ID"
        wait_for_status "$ID" running
        track_pid "$(container_pid "$ID")"
        brig kill "$ID" KILL
        assert_status 0
        wait_bg
        assert_equal "$bg_status" 137
        assert_host_clean "$ID"
}

@test "create, start, kill, delete: the workload runs only after start" {
        local shared
        shared=$(share_dir)
        set_args sh -c 'touch /shared/started; exec sleep 1000'
        create_container "$ID"
        assert_equal "$(container_status "$ID")" created
        pid_alive "$pid" || fail "the created container's pid $pid is not running"
        [ ! -e "$shared/started" ] || fail "the workload ran before start"

        brig start "$ID"
        assert_status 0
        wait_for_file "$shared/started"
        assert_equal "$(container_status "$ID")" running
        assert_equal "$(container_pid "$ID")" "$pid"

        brig kill "$ID" KILL
        assert_status 0
        wait_for_status "$ID" stopped
        wait_pid_gone "$pid"

        brig delete "$ID"
        assert_status 0
        brig state "$ID"
        assert_error "does not exist"
        assert_host_clean "$ID"
}

@test "create returns while the workload stays blocked until start (exec fifo)" {
        set_args sh -c 'echo started'
        create_container "$ID"
        local create_out=$OUT/$BRIG_CALLS.stdout
        sleep 0.3
        pid_alive "$pid" || fail "the created container's init exited before start"
        [[ $(readlink "/proc/$pid/exe") != */busybox ]] || fail "the workload was exec'd before start"
        [ ! -s "$create_out" ] || fail "the workload wrote output before start: $(cat "$create_out")"

        brig start "$ID"
        assert_status 0
        wait_for_status "$ID" stopped
        # The workload inherits create's stdio, not start's.
        assert_equal "$(cat "$create_out")" started
        brig delete "$ID"
        assert_status 0
        assert_host_clean "$ID"
}

@test "create without --bundle uses the current directory" {
        pushd "$BUNDLE" >/dev/null
        brig create "$ID"
        popd >/dev/null
        assert_status 0
        track_pid "$(container_pid "$ID")"
        brig state "$ID"
        assert_equal "$(jq -r .bundle <<<"$output")" "$BUNDLE"
}

@test "create refuses a duplicate id and leaves the first container intact" {
        create_container "$ID"
        brig create --bundle "$BUNDLE" "$ID"
        assert_error "already exists"
        assert_equal "$(container_status "$ID")" created
        assert_equal "$(container_pid "$ID")" "$pid"
        pid_alive "$pid" || fail "the first container's init died"
}

@test "start of a running or stopped container fails" {
        set_args sleep 1000
        create_container "$ID"
        brig start "$ID"
        assert_status 0
        wait_for_status "$ID" running
        brig start "$ID"
        assert_error "cannot start"
        assert_equal "$(container_status "$ID")" running

        brig kill "$ID" KILL
        wait_for_status "$ID" stopped
        brig start "$ID"
        assert_error "cannot start"
}

@test "delete of a running container needs --force" {
        set_args sleep 1000
        create_container "$ID"
        brig start "$ID"
        wait_for_status "$ID" running
        brig delete "$ID"
        assert_error "is running"
        assert_equal "$(container_status "$ID")" running
        pid_alive "$pid" || fail "delete without --force killed the workload"

        brig delete --force "$ID"
        assert_status 0
        wait_pid_gone "$pid"
        assert_host_clean "$ID"
}

@test "delete of a created container that never started" {
        create_container "$ID"
        brig delete "$ID"
        assert_status 0
        wait_pid_gone "$pid"
        assert_host_clean "$ID"
}

@test "kill accepts SIGKILL, KILL and 9" {
        set_args sleep 1000
        local sig id
        for sig in SIGKILL KILL 9; do
                id=$(new_id "$sig")
                use_cgroup "$id"
                create_container "$id"
                brig start "$id"
                wait_for_status "$id" running
                brig kill "$id" "$sig"
                assert_status 0
                wait_for_status "$id" stopped
                wait_pid_gone "$pid"
                brig delete "$id"
                assert_status 0
                assert_host_clean "$id"
        done
}

@test "kill sends SIGTERM by default" {
        local shared
        shared=$(share_dir)
        # As pid 1 the shell only sees signals it has a handler for.
        set_args sh -c 'trap "touch /shared/got-term; exit 0" TERM; touch /shared/ready; sleep 1000 & wait'
        create_container "$ID"
        brig start "$ID"
        wait_for_file "$shared/ready"
        brig kill "$ID"
        assert_status 0
        wait_for_file "$shared/got-term"
        wait_for_status "$ID" stopped
}

@test "kill --all signals every process of the container" {
        local shared
        shared=$(share_dir)
        # pid 1 ignores SIGTERM (no handler); its two children do not, and it exits once they are gone.
        set_args sh -c 'sleep 1000 & sleep 1000 & touch /shared/ready; wait'
        create_container "$ID"
        brig start "$ID"
        wait_for_file "$shared/ready"
        local children child
        children=$(cat "/proc/$pid/task/$pid/children")
        [ "$(wc -w <<<"$children")" = 2 ] || fail "expected 2 children of $pid, got: $children"
        for child in $children; do track_pid "$child"; done

        brig kill "$ID" TERM
        assert_status 0
        sleep 0.2
        assert_equal "$(container_status "$ID")" running

        brig kill --all "$ID" TERM
        assert_status 0
        for child in $children; do wait_pid_gone "$child"; done
        wait_for_status "$ID" stopped
}

@test "exec runs a process inside a running container and returns its status" {
        set_args sleep 1000
        create_container "$ID"
        brig start "$ID"
        wait_for_status "$ID" running

        brig exec --env BRIG_E2E=exec --cwd /srv "$ID" sh -c 'hostname; pwd; echo "$BRIG_E2E"; readlink /proc/self/ns/pid; exit 7'
        assert_status 7
        assert_equal "${lines[0]}" brig-e2e
        assert_equal "${lines[1]}" /srv
        assert_equal "${lines[2]}" exec
        assert_equal "${lines[3]}" "$(readlink "/proc/$pid/ns/pid")"
        assert_equal "$(container_status "$ID")" running
}

@test "exec --process runs the process described by a process.json" {
        set_args sleep 1000
        create_container "$ID"
        brig start "$ID"
        wait_for_status "$ID" running
        jq '.process | .args = ["sh", "-c", "id -u; echo $$"] | .user = {uid: 1000, gid: 1000}' \
                "$BUNDLE/config.json" >"$TESTDIR/process.json"
        brig exec --process "$TESTDIR/process.json" "$ID"
        assert_status 0
        assert_equal "${lines[0]}" 1000
        [ "${lines[1]}" != 1 ] || fail "the exec'd process is pid 1"
}

@test "exec into a stopped container fails" {
        create_container "$ID"
        brig start "$ID"
        wait_for_status "$ID" stopped
        brig exec "$ID" true
        assert_error "$ID"
}

@test "list shows the containers as a table, as JSON and as bare ids" {
        local id2 pid1
        id2=$(new_id b)
        create_container "$ID"
        pid1=$pid
        use_cgroup "$id2"
        create_container "$id2"

        brig list
        assert_status 0
        assert_contains "${lines[0]}" ID
        assert_contains "${lines[0]}" STATUS
        assert_contains "$output" "$ID"
        assert_contains "$output" "$id2"
        assert_contains "$(grep -w -- "$ID" <<<"$output")" created

        brig list --format json
        assert_status 0
        assert_equal "$(jq -r 'map(.id) | sort | join(" ")' <<<"$output")" "$(printf '%s\n' "$ID" "$id2" | sort | xargs)"
        assert_equal "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | "\(.status) \(.pid)"' <<<"$output")" "created $pid1"

        brig list -q
        assert_status 0
        assert_equal "$(sort <<<"$output" | xargs)" "$(printf '%s\n' "$ID" "$id2" | sort | xargs)"
}

@test "state reports every field" {
        edit_config '.annotations = {"org.brig.e2e": "yes"}'
        create_container "$ID"
        brig state "$ID"
        assert_status 0
        jq -e --arg id "$ID" --arg bundle "$BUNDLE" --argjson pid "$pid" '
                (.ociVersion | type == "string" and length > 0)
                and .id == $id and .status == "created" and .pid == $pid
                and .bundle == $bundle and .rootfs == ($bundle + "/rootfs")
                and .annotations["org.brig.e2e"] == "yes"
                and (.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)$"))
        ' <<<"$output" >/dev/null || fail "state lacks a field or has a wrong one: $output"
}

@test "create --pid-file writes the container's host pid" {
        create_container "$ID" --pid-file "$TESTDIR/pidfile"
        assert_equal "$(cat "$TESTDIR/pidfile")" "$pid"
        # Seen from the host it is a host pid that is 1 in its own namespace.
        assert_equal "$(awk '/^NSpid:/ { print $2, $NF }' "/proc/$pid/status")" "$pid 1"
}

@test "run --detach returns once the workload runs" {
        local shared
        shared=$(share_dir)
        set_args sh -c 'touch /shared/ran; exec sleep 1000'
        brig run --detach --bundle "$BUNDLE" "$ID"
        assert_status 0
        track_pid "$(container_pid "$ID")"
        wait_for_file "$shared/ran"
        assert_equal "$(container_status "$ID")" running
        brig delete --force "$ID"
        assert_status 0
        assert_host_clean "$ID"
}

@test "version and --version print the version" {
        brig --version
        assert_status 0
        [[ $output =~ [0-9]+\.[0-9]+\.[0-9]+ ]] || fail "no version number in: $output"
        brig_only
        assert_contains "$output" brig
        local first=$output
        brig version
        assert_status 0
        assert_equal "$output" "$first"
}

@test "features prints JSON listing namespaces and mount options" {
        brig features
        assert_status 0
        jq -e '
                (.ociVersionMin | type == "string") and (.ociVersionMax | type == "string")
                and (.linux.namespaces | index("pid") and index("network") and index("mount")
                                         and index("ipc") and index("uts"))
                and (.mountOptions | index("ro") and index("nosuid") and index("bind"))
        ' <<<"$output" >/dev/null || fail "features output lacks namespaces or mount options: $output"
}

@test "spec writes a config.json that runs as is and refuses to overwrite it" {
        local dir=$TESTDIR/spec-bundle sum
        mkdir "$dir"
        brig spec --bundle "$dir"
        assert_status 0
        jq -e '.ociVersion and (.process.args | length > 0) and .root.path == "rootfs"' \
                "$dir/config.json" >/dev/null || fail "spec output is not a usable config: $(cat "$dir/config.json")"
        sum=$(md5sum <"$dir/config.json")

        brig spec --bundle "$dir"
        assert_error ""
        assert_equal "$(md5sum <"$dir/config.json")" "$sum"

        # The default must pass brig's own checks: run it with only the workload and cgroup changed
        # (terminal off: the test has no console socket to offer).
        cp -a "$(rootfs_cache)" "$dir/rootfs"
        BUNDLE=$dir edit_config '.process.args = ["true"] | .process.terminal = false | .linux.cgroupsPath = $cg' \
                --arg cg "/$ID"
        brig run --bundle "$dir" "$ID"
        assert_status 0
}

@test "--log-format json records the error as the log file's last line" {
        local log=$TESTDIR/brig.log
        brig --log "$log" --log-format json state "$ID"
        assert_error "does not exist"
        tail -n 1 "$log" | jq -e '.level == "error" and (.msg | type == "string") and (.time | type == "string")' \
                >/dev/null || fail "last log line is not a JSON error: $(tail -n 1 "$log")"
        is_brig || return 0
        assert_contains "$(tail -n 1 "$log" | jq -r .msg)" "does not exist"
}

# A console-socket receiver: takes the pty master and copies what the process writes to a file.
start_console_receiver() {
        local sock=$1 log=$2
        python3 -c '
import array, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept()
_, anc, _, _ = c.recvmsg(1024, socket.CMSG_SPACE(4))
fds = array.array("i"); fds.frombytes(anc[0][2][:4])
with open(sys.argv[2], "wb") as f:
    while True:
        try:
            b = os.read(fds[0], 4096)
        except OSError:
            break
        if not b:
            break
        f.write(b); f.flush()
' "$sock" "$log" &
        track_pid $!
        wait_for_file "$sock"
}

@test "exec --tty gets its own terminal and leaves the container's /dev/console alone" {
        command -v python3 >/dev/null || skip "python3 is needed for the console socket receiver"
        set_args sleep 1000
        create_container "$ID"
        brig start "$ID"
        wait_for_status "$ID" running

        start_console_receiver "$TESTDIR/console.sock" "$TESTDIR/console.log"
        brig exec --detach --tty --console-socket "$TESTDIR/console.sock" "$ID" tty
        assert_status 0
        poll 5 grep -q /dev/pts/ "$TESTDIR/console.log" || fail "no tty output: $(cat "$TESTDIR/console.log")"
        # The init has no terminal: an exec's pty must not be mounted onto the container's /dev/console.
        brig exec "$ID" grep -c ' /dev/console ' /proc/1/mountinfo
        assert_equal "$output" 0
}

@test "exec whose --pid-file cannot be written fails and leaves no process behind" {
        set_args sleep 1000
        create_container "$ID"
        brig start "$ID"
        wait_for_status "$ID" running

        brig exec --detach --pid-file "$TESTDIR/missing/exec.pid" "$ID" sleep 999
        assert_failure
        brig exec "$ID" ps -o args
        assert_status 0
        [[ $output != *"sleep 999"* ]] || fail "the exec'd process outlived the failed exec: $output"
}

@test "a foreground run with process.terminal and no --console-socket keeps the terminal itself" {
        edit_config '.process.terminal = true'
        run_container sh -c 'tty; echo on-the-pty; exit 6'
        assert_status 6
        assert_contains "$output" /dev/pts/
        assert_contains "$output" on-the-pty
        assert_host_clean "$ID"
}

@test "a foreground exec --tty without --console-socket keeps the terminal itself" {
        set_args sleep 1000
        create_container "$ID"
        brig start "$ID"
        wait_for_status "$ID" running
        brig exec --tty "$ID" sh -c 'tty; exit 4'
        assert_status 4
        assert_contains "$output" /dev/pts/
        brig exec --tty --detach "$ID" true
        assert_error "--console-socket"
}

@test "state during a create in progress reports creating instead of waiting for it" {
        brig_only
        edit_config '.hooks.createRuntime = [{path: "/usr/bin/sleep", args: ["sleep", "3"]}]'
        set_args true
        brig_bg create --bundle "$BUNDLE" "$ID"
        poll 5 test -d "$ROOT/$ID" || fail "the create did not start"
        local t0=$SECONDS
        brig state "$ID"
        assert_status 0
        [ $((SECONDS - t0)) -le 1 ] || fail "state waited for the create"
        assert_equal "$(jq -r .status <<<"$output")" creating
        wait "$bg_pid" || fail "the create failed: $(cat "$bg_out.stderr")"
        assert_equal "$(container_field "$ID" status)" created
}
