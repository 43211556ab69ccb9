#!/usr/bin/env bash
# Reading commands on a full node: MEMBERS members (default 300: the 290 municipalities of
# share/kommuner.csv, then regions from share/lan.csv) with YEARS yearly indicator snapshots
# each (default 20, every indicator of the default catalogue), and COUNT reports (default
# 100,000) of generated Swedish text. Times, per command and including process start:
# `ekonet indicators examples CODE` (several codes and periods), `ekonet indicators trend`
# of a member (its first run after the start, before the node computed the network's bands
# while idle, and its runs just after a snapshot arrived),
# and `ekonet report search`, beside the SQLite baselines of the same run.
#
#   tests/bench/examples.sh [MEMBERS] [YEARS] [COUNT]    (builds a Release tree in build/bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
MEMBERS=${1:-300}
YEARS=${2:-20}
COUNT=${3:-100000}
build=${EKONET_BENCH_BUILD:-build/bench}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
export EKONET=$PWD/$build/ekonet EKONETD=$PWD/$build/ekonetd TESTPEER=$PWD/$build/tests/ekonet-testpeer
. tests/net/lib.sh
command -v hyperfine >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq hyperfine >/dev/null; }
command -v hyperfine >/dev/null || fail "hyperfine is not installed"

echo "machine: $(nproc) cores, $(uname -sr)"
echo "== baselines"
"$PWD/$build/tests/ekonet-bench-baselines" | grep sqlite

mapfile -t codes < <({
    tail -n +2 share/kommuner.csv | cut -d, -f1
    tail -n +2 share/lan.csv | cut -d, -f1
} | head -n "$MEMBERS")
MEMBERS=${#codes[@]}
echo "== a network of $MEMBERS members, admitted through the first one's node"
board_found "Sveriges Ekokommuner"
node_init m0 "${codes[0]}"
network_first m0
keys=("$TESTDIR/m0/node.key")
for ((i = 1; i < MEMBERS; i++)); do
    "$EKONET" --dir "$TESTDIR/m$i" init --code "${codes[$i]}" --listen "tcp://127.0.0.1:$((20000 + i))" >/dev/null
    admit m0 "m$i"
    keys+=("$TESTDIR/m$i/node.key")
    printf '\r  admitted %d/%d' $((i + 1)) "$MEMBERS" >&2
done
echo >&2
node_stop m0
echo "== $YEARS snapshots of each member, $COUNT reports"
t0=$(date +%s%N)
"$PWD/$build/tests/ekonet-bench-snapshots" "$TESTDIR/m0" "$YEARS" "${keys[@]}"
echo "snapshots_seconds $((($(date +%s%N) - t0) / 1000000))e-3"
t0=$(date +%s%N)
"$PWD/$build/tests/ekonet-bench-fill" "$TESTDIR/m0" "$COUNT" 1000 >/dev/null
echo "fill_seconds $((($(date +%s%N) - t0) / 1000000))e-3"
node_start m0
# the other members' nodes are not running: the operator confirms m0's own feed, so that it
# publishes at once (docs/OPERATIONS.md, "After a start: the own feed's head")
ek m0 pending confirm --yes >/dev/null
ek m0 status --json | jq -r '"entries \(.entries), feeds \(.feeds), db_bytes \(.db_bytes)"'
# The network's bands are computed at a node's first trend after a start or a change of the
# snapshots, and kept until the next (include/ekonet/band.h): that first trend, once.
t0=$(date +%s%N)
"$EKONET" --dir "$TESTDIR/m0" indicators trend >/dev/null
echo "indicators trend, the first after the start (every band computed): $((($(date +%s%N) - t0) / 1000000)) ms"

# A snapshot arriving makes its year of every band out of date: the next trend computes that
# year again (about 300 rows an indicator), or the node did so while idle. Each timed run below
# follows a new snapshot of this node's (hyperfine --prepare), published just before.
printf '#!/bin/sh\nn=$(cat "%s/bump" 2>/dev/null || echo 0); n=$((n + 1)); echo $n >"%s/bump"\nexec "%s" --dir "%s/m0" indicators set 2024 GN.11=$((40 + n %% 50)) >/dev/null\n' \
    "$TESTDIR" "$TESTDIR" "$EKONET" "$TESTDIR" >"$TESTDIR/bump.sh"
chmod +x "$TESTDIR/bump.sh"
hyperfine -N -r 20 --prepare "$TESTDIR/bump.sh" --export-json "$TESTDIR/h.json" \
    "$EKONET --dir $TESTDIR/m0 indicators trend" >/dev/null
printf '%-52s %6.1f ms\n' "indicators trend, just after a snapshot arrived" \
    "$(jq -r '.results[0].mean * 1000' "$TESTDIR/h.json")" | tee "$TESTDIR/after"

echo "== commands, each a new ekonet process, timed by hyperfine (10 runs each)"
run() { # run NAME COMMAND-ARGS...: mean ms
    hyperfine -N --warmup 2 -r 10 --export-json "$TESTDIR/h.json" "$EKONET --dir $TESTDIR/m0 $*" >/dev/null
    printf '%-52s %6.1f ms\n' "$*" "$(jq -r '.results[0].mean * 1000' "$TESTDIR/h.json")"
}
: >"$TESTDIR/times"
for cmd in "indicators examples GN.1a" "indicators examples GN.7 --years 1" \
    "indicators examples GN.11 --years 10" "indicators examples GN.2 --years 19 --limit 10" \
    "indicators examples GN.11 --json" "indicators trend" "indicators trend --member ${codes[$((MEMBERS / 2))]} GN.11" \
    "report search matavfall --limit 10" "report search livsmedelsupphandling --limit 10"; do
    run "$cmd" | tee -a "$TESTDIR/times"
done
echo "process start: $(hyperfine -N --warmup 3 -r 30 --export-json "$TESTDIR/v.json" "$EKONET --version" >/dev/null
    jq -r '.results[0].mean * 1000 | . * 10 | floor / 10' "$TESTDIR/v.json") ms (ekonet --version)"
cat "$TESTDIR/after" >>"$TESTDIR/times"
awk '{ v = $(NF - 1); if (v > m) m = v } END { printf "slowest: %.1f ms (target: <= 20 ms per command including process start)\n", m }' "$TESTDIR/times"
ek m0 indicators examples GN.11 --limit 3
node_stop m0
