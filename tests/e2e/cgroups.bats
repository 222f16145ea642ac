#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# cgroups on this host (v1 controllers, or pure v2): limits after create and update, pids.max,
# OOM kills seen by `events`, pause/resume, ps, and delete leaving no cgroup in any hierarchy.
#
# Every test puts its containers under its own absolute parent, /brig-e2e-cg-<pid>-<random>, so
# that nothing here can touch a cgroup the test did not make; teardown removes that parent in
# every hierarchy (only when empty, deepest first) even when the test failed.

load helpers

setup_file() { e2e_suite_setup; }

setup() {
        e2e_setup
        CG_PARENT=/brig-e2e-cg-$$-$RANDOM
        echo "$CG_PARENT" >>"$TESTDIR/cg-parents"
        cg_use "$ID"
}

teardown() {
        e2e_teardown_cgroups
}

# ---- helpers of this file -------------------------------------------------------------------------

# Containers first (e2e_teardown deletes them), then whatever is left of this test's parents.
e2e_teardown_cgroups() {
        local parents dir
        parents=$(cat "$TESTDIR/cg-parents" 2>/dev/null || true)
        e2e_teardown
        for dir in $parents; do
                cg_dirs_of "$dir" | sort -r | while read -r d; do
                        echo "teardown: removing leaked cgroup $d" >&2
                        rmdir "$d" 2>/dev/null || true
                done
        done
}

# The cgroup hierarchies mounted here: every v1 controller mount and the v2 one.
cg_mounts() {
        awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo | sort -u
}

# Directories at or below the absolute cgroup path $1, in every hierarchy.
cg_dirs_of() {
        local mp
        for mp in $(cg_mounts); do
                [ -d "$mp$1" ] && find "$mp$1" -depth -type d
        done
        return 0
}

cg_is_v2() {
        [ -e /sys/fs/cgroup/cgroup.controllers ]
}

# cg_use ID: the next container from $BUNDLE gets the cgroup $CG_PARENT/ID.
cg_use() {
        edit_config '.linux.cgroupsPath = $cg' --arg cg "$CG_PARENT/$1"
}

# cg_file ID FILE: the path of a controller file of container ID's cgroup ("memory.max", ...).
cg_file() {
        local controller=${2%%.*}
        if cg_is_v2; then
                echo "/sys/fs/cgroup$CG_PARENT/$1/$2"
        else
                echo "/sys/fs/cgroup/$controller$CG_PARENT/$1/$2"
        fi
}

cg_read() {
        cat "$(cg_file "$1" "$2")"
}

# assert_cg ID FILE EXPECTED: the file reads EXPECTED.
assert_cg() {
        local got
        got=$(cg_read "$1" "$2") || fail "cannot read $(cg_file "$1" "$2")"
        [ "$got" = "$3" ] || fail "$2 of $1: expected \`$3\`, got \`$got\`"
}

# The memory limit file on each version.
mem_limit_file() { cg_is_v2 && echo memory.max || echo memory.limit_in_bytes; }

# assert_cpu ID QUOTA PERIOD: cpu.max on v2, cpu.cfs_{quota,period}_us on v1.
assert_cpu() {
        if cg_is_v2; then
                assert_cg "$1" cpu.max "$2 $3"
        else
                assert_cg "$1" cpu.cfs_quota_us "$2"
                assert_cg "$1" cpu.cfs_period_us "$3"
        fi
}

set_resources() {
        edit_config '.linux.resources += $r' --argjson r "$1"
}

# The workload writes an increasing counter to /shared/count every 0.1 s.
counter_workload() {
        set_args sh -c 'i=0; while :; do i=$((i+1)); echo $i >/shared/count.tmp; mv /shared/count.tmp /shared/count; sleep 0.1; done'
}

counter_is_above() {
        [ "$(cat "$1/count" 2>/dev/null || echo 0)" -gt "$2" ]
}

assert_no_cgroup_left() {
        local left
        left=$(cg_dirs_of "$CG_PARENT")
        [ -z "$left" ] || fail "cgroups left behind: $(echo $left)"
}

# ---- limits -----------------------------------------------------------------------------------------

@test "cgroups: limits read back after create and after update" {
        set_resources '{"memory": {"limit": 33554432}, "pids": {"limit": 20},
                        "cpu": {"shares": 512, "quota": 50000, "period": 100000}}'
        set_args sleep 1000
        create_container "$ID"
        assert_cg "$ID" "$(mem_limit_file)" 33554432
        assert_cg "$ID" pids.max 20
        assert_cpu "$ID" 50000 100000

        brig update --memory 64m --pids-limit 50 --cpu-quota 20000 --cpu-period 50000 "$ID"
        assert_status 0
        assert_cg "$ID" "$(mem_limit_file)" 67108864
        assert_cg "$ID" pids.max 50
        assert_cpu "$ID" 20000 50000

        # What Docker's shim sends: JSON on stdin; 0 means "not set" for quota and period.
        local json=$BATS_TEST_DIRNAME/../fixtures/engine-configs/docker-update.resources.json
        timeout 10 "$BRIG" --root "$ROOT" update --resources - "$ID" <"$json" || fail "update --resources - failed"
        assert_cg "$ID" "$(mem_limit_file)" 67108864
        assert_cg "$ID" pids.max 99
        if cg_is_v2; then
                assert_cg "$ID" memory.swap.max 67108864
                assert_cg "$ID" cpu.weight 20
        else
                assert_cg "$ID" memory.memsw.limit_in_bytes 134217728
                assert_cg "$ID" cpu.shares 512
        fi

        brig update --resources "$json" --pids-limit 7 "$ID"
        assert_status 0
        assert_cg "$ID" pids.max 7
}

@test "cgroups: update refuses bad values and a stopped container" {
        set_args sleep 1000
        create_container "$ID"
        brig update --memory -5 "$ID"
        assert_error "--memory: \`-5\` is not a size in bytes"
        brig update --pids-limit -3 "$ID"
        assert_error "--pids-limit: \`-3\`"
        brig update --cpu-quota abc "$ID"
        assert_error "--cpu-quota: \`abc\`"
        echo '{"memory": {"limit": -7}}' >"$TESTDIR/bad.json"
        brig update --resources "$TESTDIR/bad.json" "$ID"
        assert_error "memory.limit"
        brig update "$ID"
        assert_error "nothing to change"

        brig kill "$ID" KILL
        wait_for_status "$ID" stopped
        brig update --pids-limit 5 "$ID"
        assert_error "it is stopped"
}

@test "cgroups: a fork loop stops at pids.max" {
        set_resources '{"pids": {"limit": 10}}'
        # The inner shell may give up when a fork fails; the container's init stays.
        set_args sh -c 'sh -c "i=0; while [ \$i -lt 40 ]; do sleep 1000 & i=\$((i+1)); done" 2>/dev/null
                        exec sleep 1000'
        create_container "$ID"
        brig start "$ID"
        assert_status 0
        sleep 1
        local current refused
        current=$(cg_read "$ID" pids.current)
        [ "$current" -le 10 ] || fail "pids.current is $current, above pids.max 10"
        [ "$current" -ge 5 ] || fail "pids.current is only $current: the loop did not run"
        refused=$(awk '$1 == "max" { print $2 }' "$(cg_file "$ID" pids.events)")
        [ "${refused:-0}" -gt 0 ] || fail "pids.events counts no refused fork"
}

@test "cgroups: a memory hog is OOM-killed and events reports it" {
        local shared
        shared=$(share_dir)
        set_resources '{"memory": {"limit": 16777216}}'
        set_args sh -c 'while [ ! -e /shared/go ]; do sleep 0.1; done
                        dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo $? >/shared/rc
                        exec sleep 1000'
        create_container "$ID"
        brig start "$ID"
        assert_status 0

        brig events --stats "$ID"
        assert_status 0
        assert_equal "$(jq -r .type <<<"$output")" stats
        assert_equal "$(jq -r .id <<<"$output")" "$ID"
        assert_equal "$(jq -r .data.memory.usage.limit <<<"$output")" 16777216
        [ "$(jq -r .data.pids.current <<<"$output")" -ge 1 ] || fail "no pids in the stats"
        jq -e '.data.cpu.usage.total > 0' <<<"$output" >/dev/null || fail "no cpu usage in the stats"

        brig_bg events --interval 200ms "$ID"
        sleep 0.5
        touch "$shared/go"
        wait_for_file "$shared/rc"
        assert_equal "$(cat "$shared/rc")" 137
        poll 5 grep -q '"type":"oom"' "$bg_out.stdout" || fail "no oom event: $(cat "$bg_out.stdout" "$bg_out.stderr")"
        grep -q '"type":"stats"' "$bg_out.stdout" || fail "no stats event in the stream"

        # The stream ends by itself when the container stops.
        brig kill "$ID" KILL
        wait_bg
        assert_equal "$bg_status" 0
}

# ---- pause, resume, ps ------------------------------------------------------------------------------

@test "cgroups: pause freezes the workload, resume continues it" {
        local shared n
        shared=$(share_dir)
        counter_workload
        create_container "$ID"
        brig pause "$ID"
        assert_error "it is created"
        brig start "$ID"
        assert_status 0
        poll 5 counter_is_above "$shared" 2 || fail "the counter does not run"

        brig pause "$ID"
        assert_status 0
        assert_equal "$(container_status "$ID")" paused
        n=$(cat "$shared/count")
        sleep 1
        assert_equal "$(cat "$shared/count")" "$n"
        brig pause "$ID"
        assert_error "it is paused"

        brig resume "$ID"
        assert_status 0
        assert_equal "$(container_status "$ID")" running
        poll 5 counter_is_above "$shared" "$n" || fail "the counter did not continue after resume"
        brig resume "$ID"
        assert_error "it is running"
}

@test "cgroups: ps lists the workload" {
        set_args sh -c 'sleep 1001 & exec sleep 1002'
        create_container "$ID"
        brig start "$ID"
        assert_status 0
        poll 5 pgrep -f "sleep 1001" >/dev/null

        brig ps --format json "$ID"
        assert_status 0
        jq -e --argjson p "$pid" 'index($p) != null' <<<"$output" >/dev/null || fail "pid $pid not in $output"
        assert_equal "$(jq length <<<"$output")" 2

        brig ps "$ID"
        assert_status 0
        assert_contains "${lines[0]}" PID
        assert_contains "$output" "sleep 1001"
        assert_contains "$output" "sleep 1002"
        assert_equal "${#lines[@]}" 3
}

# ---- delete, bad values -----------------------------------------------------------------------------

@test "cgroups: delete removes the cgroups brig created, in every hierarchy, and nothing else" {
        set_args sleep 1000
        CG_PARENT=$CG_PARENT/a/b
        cg_use "$ID"
        create_container "$ID"
        [ -n "$(cg_dirs_of "$CG_PARENT/$ID")" ] || fail "no cgroup was made"
        if ! cg_is_v2; then
                [ -d "/sys/fs/cgroup/unified$CG_PARENT/$ID" ] || fail "no cgroup in the unified hierarchy"
        fi
        brig delete --force "$ID"
        assert_status 0
        CG_PARENT=${CG_PARENT%/a/b}
        assert_no_cgroup_left
        assert_host_clean "$ID"

        # A parent that existed before the container stays.
        local mp id2 f
        for mp in $(cg_mounts); do mkdir -p "$mp$CG_PARENT/keep"; done
        # What a tool making that parent does on v1: give it cpus and mems, or no task could join.
        if [ -e "/sys/fs/cgroup/cpuset$CG_PARENT" ]; then
                for f in cpuset.cpus cpuset.mems; do
                        cat "/sys/fs/cgroup/cpuset/$f" >"/sys/fs/cgroup/cpuset$CG_PARENT/$f"
                        cat "/sys/fs/cgroup/cpuset/$f" >"/sys/fs/cgroup/cpuset$CG_PARENT/keep/$f"
                done
        fi
        id2=$(new_id b)
        edit_config '.linux.cgroupsPath = $cg' --arg cg "$CG_PARENT/keep/$id2"
        create_container "$id2"
        brig delete --force "$id2"
        assert_status 0
        for mp in $(cg_mounts); do
                [ -d "$mp$CG_PARENT/keep" ] || fail "delete removed $mp$CG_PARENT/keep, which brig did not create"
                [ ! -e "$mp$CG_PARENT/keep/$id2" ] || fail "delete left $mp$CG_PARENT/keep/$id2"
        done
}

@test "cgroups: a create refused in a later hierarchy takes back what it made in the others" {
        brig_only
        set_args true
        # The hierarchy brig comes to last (mountinfo order) already has the container's cgroup.
        local last mp
        last=$(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo | tail -1)
        mkdir -p "$last$CG_PARENT/$ID"
        brig create --bundle "$BUNDLE" "$ID"
        assert_error "already exists"
        for mp in $(cg_mounts); do
                [ "$mp" = "$last" ] || [ ! -e "$mp$CG_PARENT" ] || fail "create left $mp$CG_PARENT behind"
        done
        [ -d "$last$CG_PARENT/$ID" ] || fail "create removed $last$CG_PARENT/$ID, which brig did not make"
        rmdir "$last$CG_PARENT/$ID" "$last$CG_PARENT"
        assert_host_clean "$ID"
}

@test "cgroups: bad values get a clear error and leave nothing behind" {
        set_args true
        set_resources '{"memory": {"limit": -5}}'
        brig create --bundle "$BUNDLE" "$ID"
        assert_error "linux.resources.memory.limit"
        assert_no_cgroup_left
        assert_host_clean "$ID"

        set_resources '{"memory": {"limit": 33554432}, "pids": {"limit": 10}}'
        edit_config '.linux.cgroupsPath = $cg' --arg cg "$CG_PARENT/../escape"
        brig create --bundle "$BUNDLE" "$ID"
        assert_error "\`..\` is not allowed"
        assert_no_cgroup_left
        assert_host_clean "$ID"

        # A value the kernel refuses, found only when writing: the cgroup is taken back.
        cg_use "$ID"
        set_resources '{"cpu": {"cpus": "9999"}}'
        brig create --bundle "$BUNDLE" "$ID"
        assert_error "linux.resources.cpu.cpus"
        assert_no_cgroup_left
        assert_host_clean "$ID"
}
