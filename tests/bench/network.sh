#!/usr/bin/env bash
# A whole network on one machine: N ekonetd processes on loopback (default 300: all 290 Swedish
# municipalities from share/kommuner.csv, then regions from share/lan.csv, each named and coded
# from the shipped lists), each with the default configuration
# (outbound count, beacon and digest intervals) but its own ports. Measures, beside the
# baselines of the same run:
#   - how long a new report takes to reach every node: REPORTS reports (default 60), each
#     published at a random node, one at a time; for each, the time from its author storing it
#     to the last node storing it (p50, p90, p99, max over the reports), and the same per
#     node (every node's delay for every report);
#   - an idle node: resident memory (VmRSS) and CPU share over IDLE seconds (default 60), the
#     median and the maximum over the nodes.
#
#   tests/bench/network.sh [N] [REPORTS]     (builds a Release tree in build/bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-300}
REPORTS=${2:-60}
IDLE=${EKONET_BENCH_IDLE:-60}
build=${EKONET_BENCH_BUILD:-build/bench}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
export EKONET=$PWD/$build/ekonet EKONETD=$PWD/$build/ekonetd TESTPEER=$PWD/$build/tests/ekonet-testpeer
BASE=$PWD/$build/tests/ekonet-bench-baselines
WATCH=$PWD/$build/tests/ekonet-bench-watch
. tests/net/lib.sh
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "== baselines"
"$BASE" | tee "$TESTDIR/baselines"

# The members: the first N municipalities, then regions, of the shipped lists, named n<code>.
mapfile -t codes < <({
    tail -n +2 share/kommuner.csv | cut -d, -f1
    tail -n +2 share/lan.csv | cut -d, -f1
} | head -n "$N")
N=${#codes[@]}
nodes=()
for c in "${codes[@]}"; do nodes+=("n$c"); done

# start NAME: ekonetd at its default log level (info), as a member runs it.
start() {
    "$EKONETD" --dir "$(dir_of "$1")" >>"$TESTDIR/$1.log" 2>&1 &
    PID[$1]=$!
}
ready() { ek "$1" status >/dev/null 2>&1; }
progress() { printf '\r  %s %d/%d' "$1" "$2" "${3:-$N}" >&2; }

echo "== founding a network of $N members"
t0=$(date +%s)
board_found "Sveriges Ekokommuner"
for i in "${!nodes[@]}"; do
    node_init "${nodes[$i]}" "${codes[$i]}"
    tune "${nodes[$i]}" connections_per_address 0 # every node is at 127.0.0.1
    progress "created" $((i + 1))
done
echo >&2
network_first "${nodes[0]}"
for i in "${!nodes[@]}"; do
    [ "$i" -eq 0 ] || admit "${nodes[0]}" "${nodes[$i]}"
    progress "admitted" $((i + 1))
done
echo >&2
node_stop "${nodes[0]}" # started by network_first at the debug level; again at the default
start "${nodes[0]}"
wait_for 30 "${nodes[0]} answers" ready "${nodes[0]}"
# One bundle for all: the board feed with every admission, and three seeds to start from.
seedlist=()
for i in 0 1 2; do seedlist+=(--seed "$(seed_of "${nodes[$((i * N / 3))]}")"); done
ek "${nodes[0]}" board bundle "${seedlist[@]}" --out "$TESTDIR/all.bundle"
for i in "${!nodes[@]}"; do
    [ "$i" -eq 0 ] || ek "${nodes[$i]}" join "$TESTDIR/all.bundle" >/dev/null
    progress "joined" $((i + 1))
done
echo >&2
for i in "${!nodes[@]}"; do
    [ "$i" -eq 0 ] || start "${nodes[$i]}"
    ((i % 20)) || sleep 0.2 # a municipality at a time would be gentler still; this is enough
    progress "started" $((i + 1))
done
echo >&2
for n in "${nodes[@]}"; do wait_for 60 "$n answers" ready "$n"; done
live() { [ "$(ek "$1" status --json | jq .sessions_live)" -ge 1 ]; }
for i in "${!nodes[@]}"; do
    wait_for 120 "${nodes[$i]} in session" live "${nodes[$i]}"
    progress "in session" $((i + 1))
done
echo >&2
echo "set up in $(($(date +%s) - t0)) s"
sessions() {
    for n in "${nodes[@]}"; do ek "$n" status --json | jq .sessions_live; done |
        sort -n | awk '{ v[NR] = $1; s += $1 } END { printf "min %d, median %d, max %d, mean %.1f", v[1], v[int((NR + 1) / 2)], v[NR], s / NR }'
}
echo "live sessions per node: $(sessions)"
# node ids, to tell which node passed a report on (the events name the peer)
for i in "${!nodes[@]}"; do echo "$i $(node_id "${nodes[$i]}")"; done >"$TESTDIR/keys"
# totals NAME...: each metric summed over every node and every label, then the time (ms)
# halfway through reading them.
totals() {
    local start
    start=$(date +%s%3N)
    for n in "${nodes[@]}"; do echo "http://127.0.0.1:${MPORT[$n]}/metrics"; done |
        xargs -P 8 -n 1 curl -s --max-time 5 | awk -v names="$*" '
            BEGIN { k = split(names, m, " ") }
            { for (i = 1; i <= k; i++) if ($1 == m[i] || index($1, m[i] "{") == 1) s[i] += $2 }
            END { for (i = 1; i <= k; i++) printf "%.0f ", s[i] }'
    echo "$(((start + $(date +%s%3N)) / 2))"
}
traffic=(ekonet_sent_bytes_total ekonet_beacons_sent_total ekonet_sessions_opened_total)
pushing=(ekonet_entries_duplicate_total ekonet_haves_sent_total ekonet_peer_messages_total
    'ekonet_push_mode_changes_total{to="eager"}' 'ekonet_push_mode_changes_total{to="lazy"}')
read -r d0 h0 p0 g0 l0 _ < <(totals "${pushing[@]}")

# --- propagation ----------------------------------------------------------------------------
echo "== $REPORTS reports, each published at a random node"
dirs=()
for n in "${nodes[@]}"; do dirs+=("$(dir_of "$n")"); done
# The watcher writes a report's id to the FIFO once every node holds it: the wait is a read,
# and the script takes no CPU from the nodes while they pass the report on.
mkfifo "$TESTDIR/everywhere"
exec 3<>"$TESTDIR/everywhere"
"$WATCH" --done "$TESTDIR/everywhere" "${dirs[@]}" >"$TESTDIR/events" 2>"$TESTDIR/watch.log" &
watcher=$!
PID[watcher]=$watcher # so that a failure stops it too
sleep 1
# EKONET_PROFILE=FILE: a profile of the whole machine while the reports spread (perf record -a)
profile_start() { [ -z "$1" ] || { perf record -a -g -F 499 -o "$1" >/dev/null 2>&1 & perf_pid=$!; }; }
profile_stop() { [ -z "${perf_pid:-}" ] || { kill -INT "$perf_pid"; wait "$perf_pid" || true; perf_pid=; }; }
profile_start "${EKONET_PROFILE:-}"
body=$(head -c 700 /dev/urandom | base64 -w 0)
: >"$TESTDIR/published"
for ((r = 0; r < REPORTS; r++)); do
    i=$((RANDOM % N))
    out=$(ek "${nodes[$i]}" report add --title "Rapport $r från ${nodes[$i]}" \
        --summary "Mätning av spridning" --body "$body" --json)
    [[ $out =~ \"id\":[[:space:]]*\"([0-9a-f]{64})\" ]] || fail "report add: $out"
    id=${BASH_REMATCH[1]}
    echo "$i $id" >>"$TESTDIR/published"
    # the next one when this one is everywhere, or after 10 s
    while read -r -t 10 -u 3 done && [ "$done" != "$id" ]; do :; done
    progress "reports" $((r + 1)) "$REPORTS"
done
echo >&2
profile_stop
sleep 1
kill -TERM "$watcher"
wait "$watcher" || true
unset "PID[watcher]"
# For every report: the author's own event is time zero; each other node's first event with
# the report's id is its delay.
# Lines "all MS" (a report's time to reach every node) and "node MS" (one node's delay).
awk -v N="$N" '
    FNR == NR { author[$2] = $1; order[++R] = $2; next }
    ($2 in author) && !(($1, $2) in t) { t[$1, $2] = $3 }
    END {
        for (k = 1; k <= R; k++) {
            id = order[k]
            if (!((author[id], id) in t)) { missing++; continue }
            t0 = t[author[id], id]; worst = 0; got = 0
            for (i = 0; i < N; i++) if ((i, id) in t) {
                d = t[i, id] - t0; got++
                if (i != author[id]) print "node", d
                if (d > worst) worst = d
            }
            if (got < N) incomplete++; else print "all", worst
        }
        printf "reports: %d, reached every node: %d, not every node: %d, not even stored: %d\n", R, R - incomplete - missing, incomplete + 0, missing + 0 > "/dev/stderr"
    }' "$TESTDIR/published" <(sort -k3,3n "$TESTDIR/events") 2>&1 >"$TESTDIR/delays" | tee "$TESTDIR/propagation"
# percentiles WHAT KIND: p50 p90 p99 max of the KIND lines
percentiles() {
    awk -v k="$2" '$1 == k { print $2 }' "$TESTDIR/delays" | sort -n | awk -v what="$1" '
        { v[NR] = $1 }
        function p(q) { return v[int((NR - 1) * q) + 1] }
        END { if (NR) printf "%-34s p50 %d  p90 %d  p99 %d  max %d  (%d values)\n", what, p(.5), p(.9), p(.99), v[NR], NR }'
}
percentiles "time to reach all $N nodes (ms):" all
percentiles "delay per node (ms):" node
echo "slowest reports (ms): $(awk '$1 == "all" { print $2 }' "$TESTDIR/delays" | sort -rn | head -8 | tr '\n' ' ')"
read -r drops _ < <(totals ekonet_send_drops_total)
echo "pushes lost to full peer queues, all nodes: $drops messages"
read -r d1 h1 p1 g1 l1 _ < <(totals "${pushing[@]}")
read -r lazy _ < <(totals ekonet_sessions_lazy)
awk -v r="$REPORTS" -v n="$N" -v d=$((d1 - d0)) -v h=$((h1 - h0)) -v p=$((p1 - p0)) \
    -v g=$((g1 - g0)) -v l=$((l1 - l0)) -v lazy="$lazy" -v ends="$(sessions | awk '{ print $NF }')" 'BEGIN {
    printf "per report: %.2f copies per node (%.1f duplicates in all), %.0f Have messages, %.1f grafts, %.1f prunes\n",
        1 + d / r / (n - 1), d / r, h / r, g / r, l / r
    printf "peer messages, all nodes, while the reports spread: %d; lazy sessions now: %.0f%%\n",
        p, lazy * 100 / (ends * n) }'
# Eager sessions per node (live and not lazy): the ways a new entry is pushed to it.
for n in "${nodes[@]}"; do curl -s --max-time 5 "http://127.0.0.1:${MPORT[$n]}/metrics"; echo "end"; done |
    awk '$1 ~ /^ekonet_sessions\{state="live"/ { live += $2 } $1 == "ekonet_sessions_lazy" { lazy = $2 }
         $1 == "end" { print live - lazy; live = lazy = 0 }' | sort -n |
    awk '{ v[NR] = $1; c[$1]++ } END {
        printf "eager sessions per node: min %d, p10 %d, median %d, max %d; nodes with 0: %d, 1: %d, 2: %d\n",
            v[1], v[int(NR / 10) + 1], v[int((NR + 1) / 2)], v[NR], c[0], c[1], c[2] }'
# How each node got each report: pushed, or fetched (after a Have from a lazy session). For
# the last node of each slow report: how, when the peer that passed it on had it, and when the
# node before the last had it (ms after the author).
awk -v N="$N" '
    FILENAME ~ /keys$/ { idx[$2] = $1; next }
    FILENAME ~ /published$/ { author[$2] = $1; order[++R] = $2; next }
    ($2 in author) && !(($1, $2) in t) { t[$1, $2] = $3; how[$1, $2] = $4; via[$1, $2] = $5 }
    END {
        for (k = 1; k <= R; k++) {
            id = order[k]; a = author[id]
            if (!((a, id) in t)) continue
            last = -1; m1 = m2 = -1
            for (i = 0; i < N; i++) {
                if (i == a || !((i, id) in t)) continue
                n[how[i, id]]++
                d = t[i, id] - t[a, id]
                if (d > m1) { m2 = m1; m1 = d; last = i } else if (d > m2) m2 = d
            }
            if (last < 0) continue
            had = -1
            if (via[last, id] in idx) {
                p = idx[via[last, id]]
                if ((p, id) in t) had = t[p, id] - t[a, id]
            }
            printf("%d %s %d %d %d\n", m1, how[last, id], had, m2, last) > "/dev/stderr"
            lasthow[how[last, id]]++
        }
        printf "reports reached a node by push %d times, by fetch %d; the last node by push %d times, by fetch %d\n",
            n["push"], n["fetch"], lasthow["push"], lasthow["fetch"]
    }' "$TESTDIR/keys" "$TESTDIR/published" <(sort -k3,3n "$TESTDIR/events") 2>"$TESTDIR/last"
echo "slowest reports: ms to the last node, how it came, ms when the peer that passed it had it, ms when the node before the last had it, the last node:"
sort -rn "$TESTDIR/last" | head -8 | sed 's/^/  /'

# --- an idle node ---------------------------------------------------------------------------
echo "== idle: $IDLE s with nothing published"
sleep 5
ticks() { for n in "${nodes[@]}"; do awk '{ print $14 + $15 }' "/proc/${PID[$n]}/stat"; done; }
read -r b0 m0 o0 w0 < <(totals "${traffic[@]}")
mapfile -t c0 < <(ticks)
s0=$(date +%s%N)
# EKONET_PROFILE_IDLE=FILE: a profile of the whole machine while the network is idle
profile_start "${EKONET_PROFILE_IDLE:-}"
sleep "$IDLE"
profile_stop
mapfile -t c1 < <(ticks)
s1=$(date +%s%N)
read -r b1 m1 o1 w1 < <(totals "${traffic[@]}")
hz=$(getconf CLK_TCK)
ms=$(((s1 - s0) / 1000000))
for i in "${!nodes[@]}"; do
    echo "cpu $(awk -v t=$((c1[i] - c0[i])) -v hz="$hz" -v ms="$ms" 'BEGIN { printf "%.4f", t / hz * 100000 / ms }')"
    echo "rss $(awk '/VmRSS/ { printf "%.2f", $2 / 1024 }' "/proc/${PID[${nodes[$i]}]}/status")"
done >"$TESTDIR/idle"
# summary KIND WHAT: median, max and sum of the KIND lines
summary() {
    awk -v k="$1" '$1 == k { print $2 }' "$TESTDIR/idle" | sort -n | awk -v what="$2" '
        { v[NR] = $1; s += $1 }
        END { printf "%-36s median %.3f  max %.3f  all %d nodes together %.1f\n", what, v[int((NR + 1) / 2)], v[NR], NR, s }'
}
summary cpu "idle CPU per node (% of a core):"
summary rss "idle RSS per node (MB):"
# The node with the most resident memory: its sessions, and its memory by kind (anonymous: heap,
# stacks, ZeroMQ's buffers; file: the code of the program and its libraries, the mapped store).
big=$(awk '$1 == "rss" { if ($2 > m) { m = $2; i = k } k++ } END { print i }' "$TESTDIR/idle")
echo "largest node: $(ek "${nodes[$big]}" status --json | jq .sessions_live) live sessions;" \
    "$(awk '/^Rss(Anon|File|Shmem):/ { printf "%s %.2f MB ", $1, $2 / 1024 }' "/proc/${PID[${nodes[$big]}]}/status")"
awk -v b=$((b1 - b0)) -v m=$((m1 - m0)) -v n="$N" -v ms=$((w1 - w0)) 'BEGIN {
    printf "idle traffic per node: %.1f KB/s sent, %.1f beacon copies/s, %.0f bytes sent per copy\n",
        b / n / ms, m / n / ms * 1000, m ? b / m : 0 }'
echo "sessions opened meanwhile, all nodes: $((o1 - o0))"
# Seeds hand their sessions on once the nodes that dialled them know enough members.
echo "live sessions per node, $(($(date +%s) - t0)) s after the start: $(sessions)"
echo "== stopping $N nodes"
for n in "${nodes[@]}"; do kill -TERM "${PID[$n]}" 2>/dev/null || true; done
for n in "${nodes[@]}"; do wait "${PID[$n]}" 2>/dev/null || true; unset "PID[$n]"; done
