#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# What the workload sees: namespaces, root filesystem, masked paths, devices, credentials.

load helpers

setup_file() { e2e_suite_setup; }
setup() { e2e_setup; }
teardown() { e2e_teardown; }

@test "the workload is pid 1 and sees only its own processes" {
        # `; true` keeps sh from exec'ing ps in its place.
        run_container sh -c 'echo $$; ps -o pid,comm; true'
        assert_status 0
        assert_equal "${lines[0]}" 1
        # Header, sh (pid 1) and ps itself: nothing of the host.
        assert_equal "${#lines[@]}" 4
        assert_equal "$(echo ${lines[2]})" "1 sh"
}

@test "the workload inherits only stdio, not the caller's other descriptors" {
        # bats itself holds descriptors beyond 2 open; open one more for good measure.
        exec 7<"$BUNDLE/config.json"
        run_container ls /proc/self/fd
        exec 7<&-
        assert_status 0
        # 3 is the directory ls itself is reading.
        assert_equal "$(echo $output)" "0 1 2 3"
}

@test "--preserve-fds N hands fds 3..N+2 to the workload, and only those" {
        echo preserved-secret >"$TESTDIR/fd3"
        set_args sh -c 'cat <&3; ls /proc/self/fd'
        # Called directly: the brig helper closes fd 3 for every other test.
        local out
        out=$(timeout -k 5 "$E2E_TIMEOUT" "$BRIG" "${GLOBAL[@]}" run --preserve-fds 1 --bundle "$BUNDLE" "$ID" \
                3<"$TESTDIR/fd3" 7<"$BUNDLE/config.json" </dev/null 2>&1) || fail "run failed: $out"
        [[ $out == preserved-secret* ]] || fail "fd 3 did not reach the workload: $out"
        # 0-2, the preserved 3, and 4 for ls's own directory: never the caller's fd 7.
        assert_equal "$(echo $(tail -n +2 <<<"$out"))" "0 1 2 3 4"
        assert_host_clean "$ID"
}

@test "the hostname comes from the config and the host's is untouched" {
        local before
        before=$(hostname)
        edit_config '.hostname = "brig-e2e-host"'
        run_container hostname
        assert_status 0
        assert_equal "$output" brig-e2e-host
        assert_equal "$(hostname)" "$before"
}

@test "the network namespace has only lo, and lo is up" {
        run_container sh -c 'ls /sys/class/net; cat /sys/class/net/lo/flags; grep -c : /proc/net/dev'
        assert_status 0
        assert_equal "${lines[0]}" lo
        (( ${lines[1]} & 1 )) || fail "lo is down (flags ${lines[1]})"
        assert_equal "${lines[2]}" 1
}

@test "the workload's namespaces are new except those it did not ask for" {
        run_container sh -c 'for n in pid net ipc uts mnt user; do echo "$n $(readlink /proc/self/ns/$n)"; done'
        assert_status 0
        local n inside
        for n in pid net ipc uts mnt; do
                inside=$(awk -v n="$n" '$1 == n { print $2 }' <<<"$output")
                [ -n "$inside" ] || fail "no $n namespace reported"
                [ "$inside" != "$(readlink "/proc/self/ns/$n")" ] || fail "$n namespace is the host's"
        done
        assert_equal "$(awk '$1 == "user" { print $2 }' <<<"$output")" "$(readlink /proc/self/ns/user)"
}

@test "mounts made for the container are not visible on the host" {
        local shared
        shared=$(share_dir)
        set_args sh -c 'cat /proc/self/mountinfo >/shared/mountinfo; exec sleep 1000'
        create_container "$ID"
        brig start "$ID"
        wait_for_file "$shared/mountinfo"
        wait_for_status "$ID" running
        grep -q ' /tmp ' "$shared/mountinfo" || fail "the container has no /tmp mount: $(cat "$shared/mountinfo")"
        grep -q ' /proc ' "$shared/mountinfo" || fail "the container has no /proc mount"
        [ -z "$(test_mounts)" ] || fail "container mounts leaked to the host: $(test_mounts)"
        [ "$(readlink "/proc/$pid/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] ||
                fail "the container shares the host's mount namespace"
}

@test "a container joins another container's network namespace by path" {
        local id2 netns
        id2=$(new_id b)
        set_args sleep 1000
        create_container "$ID"
        brig start "$ID"
        wait_for_status "$ID" running
        netns=$(readlink "/proc/$pid/ns/net")

        use_cgroup "$id2"
        edit_config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
                --arg p "/proc/$pid/ns/net"
        set_args sh -c 'readlink /proc/self/ns/net; readlink /proc/self/ns/uts'
        brig run --bundle "$BUNDLE" "$id2"
        assert_status 0
        assert_equal "${lines[0]}" "$netns"
        [ "${lines[1]}" != "$(readlink "/proc/$pid/ns/uts")" ] || fail "uts namespace was shared too"
}

@test "the read-only root refuses writes; the /tmp tmpfs accepts them" {
        run_container sh -c 'touch /newfile; echo "root=$?"; touch /tmp/newfile; echo "tmp=$?"'
        assert_contains "$output" "root=1"
        assert_contains "$output" "tmp=0"
        assert_contains "$stderr" "Read-only file system"
        [ ! -e "$BUNDLE/rootfs/newfile" ] || fail "the write reached the bundle's rootfs"
}

@test "masked paths read empty and read-only paths refuse writes" {
        # Paths from the config's lists that this kernel has, and that are not empty on the host.
        [ "$(wc -c </proc/timer_list)" -gt 0 ] && [ "$(ls -A /sys/firmware | wc -l)" -gt 0 ] ||
                skip "this kernel has no /proc/timer_list or an empty /sys/firmware"
        run_container sh -c '
                echo "timer_list=$(wc -c </proc/timer_list)"
                echo "firmware=$(ls -A /sys/firmware | wc -l)"
                echo x >/proc/sys/kernel/domainname; echo "sysctl=$?"
                echo 1 >/proc/irq/default_smp_affinity; echo "irq=$?"
                grep " /proc/sys " /proc/self/mountinfo'
        assert_contains "$output" "timer_list=0"
        assert_contains "$output" "firmware=0"
        assert_contains "$output" "sysctl=1"
        assert_contains "$output" "irq=1"
        local sysmnt
        sysmnt=$(grep ' /proc/sys ' <<<"$output")
        [[ $(awk '{print $6}' <<<"$sysmnt") =~ (^|,)ro(,|$) ]] || fail "/proc/sys is not mounted read-only: $sysmnt"
}

@test "the default devices exist and work" {
        run_container sh -c '
                for d in null zero full random urandom tty; do [ -c /dev/$d ] || echo "missing /dev/$d"; done
                for l in fd stdin stdout stderr ptmx; do [ -e /dev/$l ] || echo "missing /dev/$l"; done
                echo x >/dev/null && echo null-ok
                echo "zero=$(head -c 4 /dev/zero | wc -c)"
                echo "urandom=$(head -c 4 /dev/urandom | wc -c)"
                echo x >/dev/full || echo full-refused'
        assert_status 0
        [[ $output != *missing* ]] || fail "$(grep missing <<<"$output")"
        assert_contains "$output" null-ok
        assert_contains "$output" "zero=4"
        assert_contains "$output" "urandom=4"
        assert_contains "$output" full-refused
}

@test "cwd, env, uid, gid and additional gids come from the config" {
        edit_config '.process.cwd = "/srv" | .process.env += ["BRIG_E2E=hello"]
                     | .process.user = {uid: 1000, gid: 1000, additionalGids: [10, 20]}'
        run_container sh -c 'pwd; echo "$BRIG_E2E"; id'
        assert_status 0
        assert_equal "${lines[0]}" /srv
        assert_equal "${lines[1]}" hello
        assert_equal "${lines[2]}" "uid=1000 gid=1000 groups=10,20"
}

@test "capabilities, no_new_privs and rlimits come from the config" {
        run_container sh -c 'grep -E "^(CapBnd|CapEff|CapPrm|CapInh|NoNewPrivs):" /proc/self/status; ulimit -n'
        assert_status 0
        # CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29).
        local want=0000000020000420
        assert_equal "$(awk '$1 == "CapBnd:" { print $2 }' <<<"$output")" "$want"
        assert_equal "$(awk '$1 == "CapEff:" { print $2 }' <<<"$output")" "$want"
        assert_equal "$(awk '$1 == "CapPrm:" { print $2 }' <<<"$output")" "$want"
        assert_equal "$(awk '$1 == "CapInh:" { print $2 }' <<<"$output")" 0000000000000000
        assert_equal "$(awk '$1 == "NoNewPrivs:" { print $2 }' <<<"$output")" 1
        assert_equal "${lines[-1]}" 1024
}
