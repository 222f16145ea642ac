#!/bin/bash
# Where a runtime spends the time of `run /bin/true`, on the benchmark's bundle and config. Needs root.
#   bench/profile.sh BRIG_BINARY [brig|crun|runc] [RUNS]       (default: brig, 40 runs)
# Prints, and writes to bench/results/profile-RUNTIME.txt:
#  1. CPU per run by category, from `perf record -g` of RUNS back-to-back runs (perf-categories.awk);
#  2. the syscalls slower than 1 ms in 3 runs started cold (60 ms apart), from `perf trace --duration 1`;
#  3. the syscall counts of one run, from `strace -f -c`.
# Same environment as bench/run.sh: private mount namespace, state on a tmpfs, cgroups under /brig-bench.
set -euo pipefail
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"

[[ $# -ge 1 && $# -le 3 ]] || die "usage: bench/profile.sh BRIG_BINARY [brig|crun|runc] [RUNS]"
RUNTIME=${2:-brig}
RUNS=${3:-40}
[[ $RUNTIME =~ ^(brig|crun|runc)$ && $RUNS =~ ^[1-9][0-9]*$ ]] || die "bad runtime \`$RUNTIME\` or runs \`$RUNS\`"
[ -n "${BRIG_BENCH_PRIVATE_NS:-}" ] || ensure_packages linux-perf:perf strace:strace crun:crun runc:runc jq:jq \
        busybox-static:/bin/busybox
enter_private_namespace "$@"

BRIG=$(realpath "$1")
case $RUNTIME in
brig) BIN=$BRIG ;;
*) BIN=$(command -v "$RUNTIME") ;;
esac
OUT=$BENCH_DIR/results/profile-$RUNTIME.txt
mkdir -p "$BENCH_DIR/results"

trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
make_work_dir
remove_bench_cgroups
ensure_crun_accepts_cgroups
build_configs "$BRIG" 1

# Write a script that runs the given containers one after the other, with PAUSE seconds before each.
write_run_script() {
        local pause=$1 id
        shift
        {
                echo '#!/bin/sh'
                for id in "$@"; do
                        [ "$pause" = 0 ] || echo "sleep $pause"
                        printf '%q --root %q run --bundle %q %q </dev/null >/dev/null\n' "$BIN" "$WORK/state" \
                                "$WORK/bundles/$id" "$id"
                done
        } >"$WORK/runs.sh"
        chmod +x "$WORK/runs.sh"
}

new_containers() {
        local k
        IDS=()
        for ((k = 0; k < $1; k++)); do
                new_container "$RUNTIME" true
                IDS+=("$ID")
        done
}

profile_cpu() {
        new_containers "$RUNS"
        write_run_script 0 "${IDS[@]}"
        perf record -q -F 9999 -g -o "$WORK/perf.data" "$WORK/runs.sh" 2>/dev/null
        echo "## CPU per run of \`$RUNTIME run /bin/true\`, by category ($RUNS back-to-back runs, perf record -g)"
        perf script -i "$WORK/perf.data" -F comm,period,ip,sym,dso 2>/dev/null |
                awk -v comm="$(basename "$BIN")" -v runs="$RUNS" -f "$BENCH_DIR/perf-categories.awk"
}

profile_slow_syscalls() {
        new_containers 3
        write_run_script 0.06 "${IDS[@]}"
        echo
        echo "## syscalls slower than 1 ms, 3 runs started cold (perf trace --duration 1; times in ms)"
        perf trace -f --duration 1 -o "$WORK/slow.txt" "$WORK/runs.sh"
        grep -v '^$' "$WORK/slow.txt" | grep -v -e 'runs.sh/' -e ' sleep/' | cut -c1-160
}

profile_syscall_counts() {
        new_containers 1
        echo
        echo "## syscalls of one run (strace -f -c; its times are inflated by strace, the counts are exact)"
        strace -f -c -o "$WORK/strace.txt" "$BIN" --root "$WORK/state" run --bundle "$BUNDLE" "$ID" \
                </dev/null >/dev/null
        head -n 22 "$WORK/strace.txt"
        tail -n 1 "$WORK/strace.txt"
}

{
        profile_cpu
        profile_slow_syscalls
        profile_syscall_counts
} | tee "$OUT"
note "wrote $OUT"
