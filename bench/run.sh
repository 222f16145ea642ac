#!/bin/bash
# brig's benchmark against crun and runc (issue 5). Needs root.
#   make bench            or   bench/run.sh BRIG_BINARY
# Environment: BENCH_ITERATIONS (default 100), BENCH_CONCURRENT (containers started at once, default 50),
# BENCH_ROUNDS (rounds of the concurrency test, default 3), BENCH_SECCOMP=0 (no seccomp profile in config.json),
# BENCH_SETTLE_MS (pause before each timed command, default 60; see `timed`).
#
# One busybox bundle and one config.json (brig's hardened `spec`, running /bin/true, with a Docker-sized seccomp
# allowlist so that all three runtimes load a filter, and a cgroupsPath of its own per container under
# /brig-bench), the runtimes measured interleaved, each with its own --root in a temp dir. Prints a Markdown
# table of medians and the ratios brig/crun and brig/runc, and writes bench/results/latest.json.
#
# It runs in a private mount namespace: the one host change it may need, a v1 mount of the otherwise unused
# hugetlb controller so that crun 1.8 accepts the hybrid cgroup host, is undone with it. Everything it creates
# (temp dir, containers, /brig-bench cgroups in every hierarchy) is removed on exit and on interrupt.
set -euo pipefail
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
RESULTS_DIR=$BENCH_DIR/results
LOG=$RESULTS_DIR/latest.log
ITERATIONS=${BENCH_ITERATIONS:-100}
CONCURRENT=${BENCH_CONCURRENT:-50}
ROUNDS=${BENCH_ROUNDS:-3}
SECCOMP=${BENCH_SECCOMP:-1}
SETTLE_MS=${BENCH_SETTLE_MS:-60}
RUNTIMES=(brig crun runc)

[ $# -eq 1 ] || die "usage: bench/run.sh BRIG_BINARY"
[[ $ITERATIONS =~ ^[1-9][0-9]*$ && $CONCURRENT =~ ^[1-9][0-9]*$ && $ROUNDS =~ ^[1-9][0-9]*$ ]] ||
        die "BENCH_ITERATIONS, BENCH_CONCURRENT and BENCH_ROUNDS must be positive integers"
[[ $SETTLE_MS =~ ^[0-9]+$ ]] || die "BENCH_SETTLE_MS must be a number of milliseconds"
printf -v SETTLE '%d.%03d' $((SETTLE_MS / 1000)) $((SETTLE_MS % 1000))
[ -n "${BRIG_BENCH_PRIVATE_NS:-}" ] || ensure_packages crun:crun runc:runc jq:jq binutils:strip time:/usr/bin/time \
        busybox-static:/bin/busybox
enter_private_namespace "$@"

declare -A BIN=([brig]=$(realpath "$1") [crun]=$(command -v crun) [runc]=$(command -v runc))
[ -x "${BIN[brig]}" ] || die "\`$1\` is not an executable"
mkdir -p "$RESULTS_DIR"
: >"$LOG"

delete_leftover_containers() {
        local r id
        for r in "${RUNTIMES[@]}"; do
                [ -d "$WORK/state/$r" ] || continue
                for id in $(rt "$r" list -q 2>/dev/null); do
                        quiet rt "$r" delete -f "$id" || note "$r: could not delete \`$id\`"
                done
        done
}

cleanup() {
        local rc=$?
        local -a jobs_left
        trap - EXIT INT TERM
        mapfile -t jobs_left < <(jobs -p)
        if [ ${#jobs_left[@]} -gt 0 ]; then
                kill "${jobs_left[@]}" 2>/dev/null || true
                wait 2>/dev/null || true
        fi
        [ -z "$WORK" ] || delete_leftover_containers
        bench_cleanup
        exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
make_work_dir
SAMPLES=$WORK/samples
mkdir "$SAMPLES"

# ---- helpers -------------------------------------------------------------------------------------------------

rt() {
        local r=$1
        shift
        "${BIN[$r]}" --root "$WORK/state/$r" "$@"
}

quiet() { "$@" </dev/null >/dev/null 2>>"$LOG"; }

# Run a command quietly and put its wall time in ELAPSED_MS; returns the command's status. $EPOCHREALTIME is a
# builtin, so no fork of a clock program lands inside the interval.
# The pause first lets the kernel's cgroup attach lock go cold: the first write to a v1 cgroup.procs after
# ~30 ms without one waits for an RCU grace period (2-25 ms here), later ones do not. Back to back, each
# runtime would ride on the grace period its predecessor in the interleaving paid, and a runtime that
# finishes fast would hand the next one a free attach.
timed() {
        local t0 t1 rc=0 us
        sleep "$SETTLE"
        t0=$EPOCHREALTIME
        "$@" </dev/null >/dev/null 2>>"$LOG" || rc=$?
        t1=$EPOCHREALTIME
        us=$((${t1/./} - ${t0/./}))
        printf -v ELAPSED_MS '%d.%03d' $((us / 1000)) $((us % 1000))
        return "$rc"
}

record() { echo "$3" >>"$SAMPLES/$1.$2"; }

failed() {
        echo "$3" >>"$SAMPLES/$1.$2.fail"
        echo "bench: $2: $1 of \`$3\` failed" >>"$LOG"
}

discard() { quiet rt "$1" delete -f "$2" || true; }

# Wait (up to 5 s) until the process in pid file $1 has exited, so that `delete` finds the container stopped.
wait_exited() {
        local pid state _ tries=5000
        read -r pid <"$1"
        while ((tries-- > 0)); do
                { read -r _ _ state _ </proc/"$pid"/stat; } 2>/dev/null || return 0
                [ "$state" != Z ] || return 0
                sleep 0.001
        done
        return 1
}

# ---- setup ---------------------------------------------------------------------------------------------------

probe_runtimes() {
        local r
        for r in "${RUNTIMES[@]}"; do
                new_container "$r" true
                timed rt "$r" run --bundle "$BUNDLE" "$ID" || die "$r cannot run the benchmark container (see $LOG)"
        done
}

# ---- measurements --------------------------------------------------------------------------------------------

# Call "$2 RUNTIME" $1 times for every runtime, interleaved: brig crun runc brig crun runc ...
interleaved() {
        local i r
        for ((i = 0; i < $1; i++)); do
                for r in "${RUNTIMES[@]}"; do
                        "$2" "$r"
                done
        done
}

measure_run_once() {
        new_container "$1" true
        if timed rt "$1" run --bundle "$BUNDLE" "$ID"; then
                record run "$1" "$ELAPSED_MS"
        else
                failed run "$1" "$ID"
                discard "$1" "$ID"
        fi
}

# create, start and delete of one container, each timed on its own; delete finds the container stopped.
measure_phases_once() {
        local r=$1 phase
        new_container "$r" true
        for phase in create start delete; do
                case $phase in
                create) timed rt "$r" create --bundle "$BUNDLE" --pid-file "$BUNDLE/pid" "$ID" ;;
                start) timed rt "$r" start "$ID" ;;
                delete) wait_exited "$BUNDLE/pid" && timed rt "$r" delete "$ID" ;;
                esac || {
                        failed "$phase" "$r" "$ID"
                        discard "$r" "$ID"
                        return 0
                }
                record "$phase" "$r" "$ELAPSED_MS"
        done
}

measure_exec() {
        local i r
        declare -A target=()
        for r in "${RUNTIMES[@]}"; do
                new_container "$r" sleep
                if ! quiet rt "$r" create --bundle "$BUNDLE" "$ID" || ! quiet rt "$r" start "$ID"; then
                        die "$r cannot start a container for exec (see $LOG)"
                fi
                if quiet rt "$r" exec "$ID" /bin/true; then
                        target[$r]=$ID
                else
                        note "$r: exec fails, reported as n/a (see $LOG)"
                        failed exec "$r" "$ID"
                        discard "$r" "$ID"
                fi
        done
        for ((i = 0; i < ITERATIONS; i++)); do
                for r in "${!target[@]}"; do
                        if timed rt "$r" exec "${target[$r]}" /bin/true; then
                                record exec "$r" "$ELAPSED_MS"
                        else
                                failed exec "$r" "${target[$r]}"
                        fi
                done
        done
        for r in "${!target[@]}"; do
                discard "$r" "${target[$r]}"
        done
}

# Peak RSS (ru_maxrss of the runtime process and what it reaped) of `run`, from /usr/bin/time.
measure_rss_once() {
        local kib
        new_container "$1" true
        if quiet /usr/bin/time -f %M -o "$WORK/rss" "${BIN[$1]}" --root "$WORK/state/$1" \
                run --bundle "$BUNDLE" "$ID"; then
                read -r kib <"$WORK/rss"
                record rss "$1" "$kib"
        else
                failed rss "$1" "$ID"
                discard "$1" "$ID"
        fi
}

# Become runtime $1 doing $2 (create, start or delete) on container $3: the body of a background job, which
# execs so that no extra shell process sits between the timer and the runtime.
become_runtime() {
        local -a rt_cmd=("${BIN[$1]}" --root "$WORK/state/$1")
        case $2 in
        create) exec "${rt_cmd[@]}" create --bundle "$WORK/bundles/$3" "$3" ;;
        start) exec "${rt_cmd[@]}" start "$3" ;;
        delete) exec "${rt_cmd[@]}" delete -f "$3" ;;
        esac
}

# Runtime $1 does $2 on every container in IDS at once; returns how many failed.
all_at_once() {
        local id pid failures=0
        local -a pids=()
        for id in "${IDS[@]}"; do
                become_runtime "$1" "$2" "$id" </dev/null >/dev/null 2>>"$LOG" &
                pids+=($!)
        done
        for pid in "${pids[@]}"; do
                wait "$pid" || failures=$((failures + 1))
        done
        return "$failures"
}

# CONCURRENT containers (sleeping) created at once, then started at once, then deleted (-f) at once.
measure_concurrent_once() {
        local r=$1 k t0 t1 t2 t3 ok=1
        IDS=()
        for ((k = 0; k < CONCURRENT; k++)); do
                new_container "$r" sleep
                IDS+=("$ID")
        done
        sleep "$SETTLE"
        t0=${EPOCHREALTIME/./}
        all_at_once "$r" create || ok=0
        t1=${EPOCHREALTIME/./}
        all_at_once "$r" start || ok=0
        t2=${EPOCHREALTIME/./}
        all_at_once "$r" delete || ok=0
        t3=${EPOCHREALTIME/./}
        if ((ok)); then
                record concurrent "$r" "$(((t3 - t0) / 1000))"
                record concurrent_create "$r" "$(((t1 - t0) / 1000))"
                record concurrent_start "$r" "$(((t2 - t1) / 1000))"
                record concurrent_delete "$r" "$(((t3 - t2) / 1000))"
        else
                failed concurrent "$r" "${IDS[0]}..."
                delete_leftover_containers
        fi
}

measure_size() {
        local r
        for r in "${RUNTIMES[@]}"; do
                strip -o "$WORK/stripped-$r" "${BIN[$r]}"
                record size "$r" "$(($(stat -c %s "$WORK/stripped-$r") / 1024))"
        done
}

# ---- report --------------------------------------------------------------------------------------------------

METRICS=(run:ms create:ms start:ms delete:ms exec:ms rss:KiB concurrent:ms concurrent_create:ms
        concurrent_start:ms concurrent_delete:ms size:KiB)

# One TSV row per metric and runtime: metric unit runtime "n median p90 min" failures.
summary_rows() {
        local m metric unit r f
        for m in "${METRICS[@]}"; do
                metric=${m%%:*} unit=${m#*:}
                for r in "${RUNTIMES[@]}"; do
                        f=$SAMPLES/$metric.$r
                        printf '%s\t%s\t%s\t%s\t%s\n' "$metric" "$unit" "$r" \
                                "$( { [ -e "$f" ] && sort -n "$f"; } | awk -f "$BENCH_DIR/stats.awk")" \
                                "$( { [ -e "$f.fail" ] && cat "$f.fail"; } | wc -l)"
                done
        done
}

write_json() {
        summary_rows | jq -Rn \
                --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
                --arg kernel "$(uname -r)" --arg cpus "$(nproc)" \
                --arg cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
                --arg brig "$("${BIN[brig]}" --version 2>&1 | head -n1)" \
                --arg crun "$(crun --version | head -n1)" --arg runc "$(runc --version | head -n1)" \
                --argjson iterations "$ITERATIONS" --argjson concurrent "$CONCURRENT" \
                --argjson rounds "$ROUNDS" --argjson settle "$SETTLE_MS" \
                --argjson seccomp "$([ "$SECCOMP" = 0 ] && echo false || echo true)" \
                --arg hugetlb "$HUGETLB_STATE" '
                def ratio(a; b): if a == null or b == null or b == 0 then null else (a / b * 100 | round) / 100 end;
                [inputs | split("\t") | {metric: .[0], unit: .[1], runtime: .[2],
                        stats: (.[3] | split(" ") | map(fromjson)), failures: (.[4] | tonumber)}]
                | reduce .[] as $row ({}; .[$row.metric].unit = $row.unit
                        | .[$row.metric][$row.runtime] = {n: $row.stats[0], median: $row.stats[1],
                                p90: $row.stats[2], min: $row.stats[3], failures: $row.failures})
                | with_entries(.value.ratio = {crun: ratio(.value.brig.median; .value.crun.median),
                                              runc: ratio(.value.brig.median; .value.runc.median)})
                | {date: $date, command: "make bench",
                   host: {kernel: $kernel, cpus: ($cpus | tonumber), cpu: $cpu, hugetlb_v1_mount: $hugetlb},
                   versions: {brig: $brig, crun: $crun, runc: $runc},
                   parameters: {iterations: $iterations, concurrent: $concurrent, rounds: $rounds,
                                settle_ms: $settle, seccomp_profile_in_config: $seccomp, state_dirs: "tmpfs"},
                   metrics: .}' >"$RESULTS_DIR/latest.json"
}

print_table() {
        jq -r --argjson c "$CONCURRENT" '
                def ratio(a; b): if a == null or b == null or b == 0 then null else (a / b * 100 | round) / 100 end;
                def row(name; m; field): [.metrics[m] | .brig, .crun, .runc | .[field]] as $v
                        | [name, .metrics[m].unit, $v[], ratio($v[0]; $v[1]), ratio($v[0]; $v[2])]
                        | map(tostring) | join("\t");
                row("run /bin/true, median"; "run"; "median"), row("run /bin/true, p90"; "run"; "p90"),
                row("run /bin/true, min"; "run"; "min"), row("create"; "create"; "median"),
                row("start"; "start"; "median"), row("delete (stopped)"; "delete"; "median"),
                row("exec /bin/true"; "exec"; "median"), row("peak RSS of run"; "rss"; "median"),
                row("\($c) concurrent: create+start+delete"; "concurrent"; "median"),
                row("\($c) concurrent: create"; "concurrent_create"; "median"),
                row("\($c) concurrent: start"; "concurrent_start"; "median"),
                row("\($c) concurrent: delete -f"; "concurrent_delete"; "median"),
                row("stripped binary"; "size"; "median")' "$RESULTS_DIR/latest.json" |
        awk -F'\t' '
                function show(v) { return v == "null" ? "n/a" : $2 == "ms" ? sprintf("%.2f", v) : v }
                BEGIN { print "| metric | unit | brig | crun | runc | brig/crun | brig/runc |"
                        print "| --- | --- | ---: | ---: | ---: | ---: | ---: |" }
                { printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, show($3), show($4), show($5),
                         $6 == "null" ? "n/a" : $6, $7 == "null" ? "n/a" : $7 }'
}

# ---- main ----------------------------------------------------------------------------------------------------

remove_bench_cgroups # stale ones from an earlier run cut short
ensure_crun_accepts_cgroups
build_configs "${BIN[brig]}" "$SECCOMP"
jq . <<<"${CONFIG[true]}" >"$RESULTS_DIR/latest-config.json"
probe_runtimes
note "run x$ITERATIONS (interleaved brig crun runc)"
interleaved "$ITERATIONS" measure_run_once
note "create/start/delete x$ITERATIONS"
interleaved "$ITERATIONS" measure_phases_once
note "exec x$ITERATIONS"
measure_exec
note "peak RSS"
interleaved $((ITERATIONS / 5 > 5 ? ITERATIONS / 5 : 5)) measure_rss_once
note "$CONCURRENT concurrent containers x$ROUNDS"
interleaved "$ROUNDS" measure_concurrent_once
measure_size
write_json
print_table | tee "$RESULTS_DIR/latest.md"
note "wrote $RESULTS_DIR/latest.json (log: $LOG)"
