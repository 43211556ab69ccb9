#!/usr/bin/env bash
# Flood benchmark: how fast a node replicates while connections flood it, beside how fast it
# replicates without (measured in the same run). Node a holds COUNT 1 KB reports (default
# 20,000); b makes its first sync from a in peace (the baseline), then c makes the same sync
# while a's peer port holds 10,000 idle connections from 200 addresses and takes connections
# opened and closed in a loop, and its API socket holds 10,000 clients. Prints both rates, their
# ratio, the flood tools' rates, a's descriptors and peak RSS.
#
#   tests/bench/flood.sh [COUNT]        (builds a Release tree in build/bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${1:-20000}
build=${EKONET_BENCH_BUILD:-build/bench}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
export EKONET=$PWD/$build/ekonet EKONETD=$PWD/$build/ekonetd TESTPEER=$PWD/$build/tests/ekonet-testpeer
FLOOD=$PWD/$build/tests/ekonet-flood
FILL=$PWD/$build/tests/ekonet-bench-fill
. tests/net/lib.sh
ulimit -n "$(ulimit -Hn)"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
board_found "Benchnätet"
node_init a 2518
node_init b 0180
node_init c 1280
network_first a
network_join a b
network_join a c
seeds b "$(seed_of a)"
seeds c "$(seed_of a)"
for n in b c; do tune $n dial_members no; done
node_stop a
"$FILL" "$TESTDIR/a" "$COUNT" 1000 >/dev/null
node_start a
A=$(node_id a)
A_EP="127.0.0.1:${PORT[a]}"

# sync_rate NODE: starts NODE, waits for a's whole feed there; RATE is entries/s.
sync_rate() {
    local t0 t1
    t0=$(date +%s%N)
    node_start "$1"
    while ! has_head "$1" "$A" "$COUNT"; do sleep 0.25; done
    t1=$(($(sqlite3 -readonly "$TESTDIR/$1/ekonet.db" \
        "SELECT max(received) FROM entries WHERE author = X'$A'") * 1000000))
    RATE=$((COUNT * 1000000000 / (t1 - t0)))
}

echo "== b's first sync from a, no flood"
sync_rate b
quiet=$RATE
echo "sync_entries_per_s_quiet $quiet"
node_stop b

echo "== c's first sync from a, during the floods"
"$FLOOD" hold "$A_EP" 10000 600 127.0.0.2 200 >"$TESTDIR/hold.out" &
f1=$!
"$FLOOD" churn "$A_EP" 600 127.0.0.4 50 >"$TESTDIR/churn.out" &
f2=$!
"$FLOOD" hold "$TESTDIR/a/api.sock" 10000 600 >"$TESTDIR/api.out" &
f3=$!
sleep 3
sync_rate c
busy=$RATE
fds=$(ls "/proc/${PID[a]}/fd" | wc -l)
kill -TERM $f1 $f2 $f3 2>/dev/null || true
wait $f1 $f2 $f3 2>/dev/null || true
echo "flood_hold_peer $(cat "$TESTDIR/hold.out")"
echo "flood_churn_peer $(cat "$TESTDIR/churn.out")"
echo "flood_hold_api $(cat "$TESTDIR/api.out")"
echo "sync_entries_per_s_flooded $busy"
echo "a_descriptors_during_flood $fds (limit $(awk '/^Max open files/ {print $4}' "/proc/${PID[a]}/limits"))"
echo "a_peak_rss_kib $(awk '/VmHWM/ {print $2}' "/proc/${PID[a]}/status")"
metric() {
    curl -s --max-time 5 "http://127.0.0.1:${MPORT[a]}/metrics" |
        awk -v k="$1" '$1 == k { v = $2 } END { print (v == "" ? 0 : v) }'
}
for s in peer api; do
    echo "a_connections_accepted_$s $(metric "ekonet_connections_accepted_total{socket=\"$s\"}")"
    echo "a_connections_closed_$s $(( $(metric "ekonet_connections_refused_total{socket=\"$s\"}") + $(metric "ekonet_connections_evicted_total{socket=\"$s\"}") ))"
done
echo "== ratio"
awk -v q="$quiet" -v b="$busy" 'BEGIN { printf "replication flooded / quiet   %.3f\n", b / q }'
node_stop a
