#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs inside the VM (busybox sh, pure cgroup v2 at /sys/fs/cgroup): brig's cgroup scenario.
# /extra holds brig, a bundle whose config asks for memory/pids/cpu limits, a device filter and
# /dev/kmsg (made by brig, denied by the filter), and a policy that lets that device be created.
# Prints one PASS/FAIL line per check; the exit status is the number of failures.

BRIG="/extra/brig --root /run/brig --policy /extra/policy.json"
CG=/sys/fs/cgroup
C=$CG/brig-vm/c1
fails=0
checks=0

pass() { checks=$((checks + 1)); echo "PASS: $*"; }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }
# check WHAT COMMAND...: PASS when COMMAND succeeds.
check() {
        what=$1
        shift
        if "$@"; then pass "$what"; else fail "$what"; fi
}
# reads FILE EXPECTED: FILE's content is EXPECTED.
reads() {
        got=$(cat "$1" 2>&1)
        [ "$got" = "$2" ] || { echo "      $1: got \`$got\`, expected \`$2\`"; return 1; }
}
status_is() {
        $BRIG state c1 2>/dev/null | grep -q "\"status\":[[:space:]]*\"$1\""
}
counter() {
        cat "/proc/$pid/root/tmp/count" 2>/dev/null || echo 0
}
# wait_for SECONDS COMMAND...: poll every 0.1 s.
wait_for() {
        n=$(($1 * 10))
        shift
        while ! "$@"; do
                n=$((n - 1))
                [ $n -gt 0 ] || return 1
                sleep 0.1
        done
}
counter_above() { [ "$(counter)" -gt "$1" ]; }

echo "kernel $(uname -r); cgroup2 controllers: $(cat $CG/cgroup.controllers)"

$BRIG create --bundle /extra/bundle c1 </dev/null >/tmp/c1.out 2>&1
check "create a container with limits on a pure cgroup v2 host" [ $? = 0 ]
cat /tmp/c1.out
$BRIG start c1 || fail "start"
pid=$($BRIG state c1 | sed -n 's/.*"pid":[[:space:]]*\([0-9]*\).*/\1/p')
check "container runs (pid $pid)" status_is running

check "memory.max is the limit" reads $C/memory.max 33554432
check "memory.swap.max is swap - limit" reads $C/memory.swap.max 33554432
check "pids.max is the limit" reads $C/pids.max 20
check "cpu.max is quota and period" reads $C/cpu.max "50000 100000"
check "cpu.weight is converted from cpu.shares 512" reads $C/cpu.weight 20
check "init is in the container's cgroup" grep -qx "$pid" $C/cgroup.procs

wait_for 10 test -s "/proc/$pid/root/tmp/devices"
check "device filter allows /dev/null" grep -qx null-ok "/proc/$pid/root/tmp/devices"
check "device filter denies /dev/kmsg" grep -qx kmsg-denied "/proc/$pid/root/tmp/devices"
check "the container's workload runs" wait_for 10 counter_above 2

$BRIG update --memory 64m --pids-limit 30 --cpu-quota 20000 c1
check "update succeeds" [ $? = 0 ]
check "memory.max after update" reads $C/memory.max 67108864
check "pids.max after update" reads $C/pids.max 30
check "cpu.max after update" reads $C/cpu.max "20000 100000"

check "ps --format json lists the init" sh -c "$BRIG ps --format json c1 | grep -q '[[,]$pid[],]'"
check "events --stats reports the memory limit" sh -c "$BRIG events --stats c1 | grep -q '\"limit\":67108864'"

$BRIG events --interval 200ms c1 >/tmp/events.out 2>&1 &
events=$!
sleep 1
touch "/proc/$pid/root/tmp/hog"
check "events streams stats" wait_for 20 grep -q '"type":"stats"' /tmp/events.out
check "events reports the OOM kill" wait_for 20 grep -q '"type":"oom"' /tmp/events.out
check "memory.events counts the OOM kill" grep -q "^oom_kill [1-9]" $C/memory.events
check "the container survives the OOM kill of its hog" status_is running
kill $events

$BRIG pause c1
check "pause succeeds" [ $? = 0 ]
check "state says paused" status_is paused
check "cgroup.events says frozen" grep -qx "frozen 1" $C/cgroup.events
before=$(counter)
sleep 1
check "the frozen workload makes no progress" [ "$(counter)" = "$before" ]
$BRIG resume c1
check "resume succeeds" [ $? = 0 ]
check "state says running" status_is running
check "the workload continues after resume" wait_for 10 counter_above "$before"

$BRIG delete --force c1
check "delete succeeds" [ $? = 0 ]
check "no cgroup left (not even the /brig-vm parent brig made)" [ ! -e $CG/brig-vm ]
check "no state left" [ ! -e /run/brig/c1 ]

if [ $fails = 0 ]; then echo "RESULT: PASS ($checks checks)"; else echo "RESULT: FAIL ($fails of $checks checks failed)"; fi
exit $fails
