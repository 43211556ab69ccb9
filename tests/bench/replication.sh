#!/usr/bin/env bash
# Replication benchmark: a new member's first sync of COUNT 1 KB reports (default 100,000)
# from one node to another on loopback, beside the baselines measured in the same run.
# Prints entries/s, the time, the syncing node's peak RSS, and the ratios to the baselines; then
# the syncing node's RSS a minute after the sync.
#
#   tests/bench/replication.sh [COUNT]        (builds a Release tree in build/bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${1:-100000}
build=${EKONET_BENCH_BUILD:-build/bench}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
export EKONET=$PWD/$build/ekonet EKONETD=$PWD/$build/ekonetd TESTPEER=$PWD/$build/tests/ekonet-testpeer
FILL=$PWD/$build/tests/ekonet-bench-fill
BASE=$PWD/$build/tests/ekonet-bench-baselines
. tests/net/lib.sh

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "== baselines"
"$BASE" | tee "$TESTDIR/baselines"
base() { awk -v k="$1" '$1 == k {print $2}' "$TESTDIR/baselines"; }

board_found "Benchnätet"
node_init a 2518
node_init b 0180
network_first a
network_join a b
tune b digest_interval 1
node_stop a
echo "== filling a's feed with $COUNT reports of 1 KB"
"$FILL" "$TESTDIR/a" "$COUNT" 1000 >/dev/null
node_start a
A=$(node_id a)

echo "== b's first sync"
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, in clock ticks
a_cpu0=$(cpu "${PID[a]}")
t0=$(date +%s%N)
node_start b
# EKONET_PROFILE=FILE: a perf profile of the syncing node (perf record -g), for perf report.
[ -n "${EKONET_PROFILE:-}" ] && { perf record -F 999 -g -o "$EKONET_PROFILE" -p "${PID[b]}" 2>/dev/null & }
# The end is when b stored the last entry (its `received` time, in ms). Looking for it every
# 250 ms costs b little; a look every 50 ms took a tenth of a core from it on 2 cores.
while ! has_head b "$A" "$COUNT"; do sleep 0.25; done
t1=$(($(sqlite3 -readonly "$TESTDIR/b/ekonet.db" \
    "SELECT max(received) FROM entries WHERE author = X'$A'") * 1000000))
a_cpu=$(($(cpu "${PID[a]}") - a_cpu0))
b_cpu=$(cpu "${PID[b]}")
# per thread: seconds on a core, and seconds waiting for one (schedstat, in ns)
b_threads=$(for t in /proc/"${PID[b]}"/task/*; do
    awk -v c="$(cat "$t/comm")" '$1 > 1e7 {printf "%s %.2f/%.2f  ", c, $1 / 1e9, $2 / 1e9}' "$t/schedstat"
done)
peak=$(awk '/VmHWM/ {print $2}' "/proc/${PID[b]}/status") # the kernel's high-water mark
ms=$(((t1 - t0) / 1000000))
rate=$((COUNT * 1000 / (ms > 0 ? ms : 1)))
echo "sync_entries $COUNT"
echo "sync_seconds $(awk -v m="$ms" 'BEGIN {printf "%.2f", m / 1000}')"
echo "sync_entries_per_s $rate"
echo "sync_peak_rss_kib $peak"
tck=$(getconf CLK_TCK)
echo "cpu_seconds_sender $(awk -v t="$a_cpu" -v h="$tck" 'BEGIN {printf "%.2f", t / h}')"
echo "cpu_seconds_receiver $(awk -v t="$b_cpu" -v h="$tck" 'BEGIN {printf "%.2f", t / h}')"
echo "receiver_threads_cpu_s/waiting_s $b_threads"
echo "== ratios"
awk -v r="$rate" -v c="$(base curve_msgs_per_s)" -v v="$(base ed25519_verify_per_s)" \
    -v s="$(base sqlite_rows_per_s)" -v f="$(base sqlite_fts_rows_per_s)" 'BEGIN {
    printf "replication / raw CURVE throughput   %.3f\n", r / c
    printf "replication / Ed25519 verify rate    %.3f\n", r / v
    printf "replication / SQLite insert rate     %.3f\n", r / s
    printf "replication / SQLite+FTS5 insert     %.3f\n", r / f }'
# What the node keeps of it: its resident memory once it has been idle a minute and more
# (EKONET_BENCH_AFTER seconds, default 65; 0 skips it).
after=${EKONET_BENCH_AFTER:-65}
if [ "$after" -gt 0 ]; then
    sleep "$after"
    echo "rss_kib_${after}s_after_sync $(awk '/VmRSS/ {print $2}' "/proc/${PID[b]}/status")"
fi
expect_contains "b verifies" "0 problems" "$("$EKONETD" --dir "$TESTDIR/b" --verify)"
node_stop a
node_stop b
