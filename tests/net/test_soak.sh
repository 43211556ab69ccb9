#!/usr/bin/env bash
# Soak: every attack of tests/net/test_flood.sh and test_hostile_peers.sh in rotation against
# node a for SOAK_SECONDS (default 100; docs/TESTING.md runs it for ten minutes), while the honest
# members a, b and c publish a report every few seconds. At the end every honest report is on
# every node, a is the process it was at the start, and its memory stayed within its bound
# (docs/OPERATIONS.md, "Limits": 64 MB; under AddressSanitizer, 64 MB above what it held before
# the first attack).
. "$(dirname "$0")/lib.sh"
: "${FLOOD:?set FLOOD to the ekonet-flood binary}"
: "${TESTPEER:?set TESTPEER to the ekonet-testpeer binary}"
command -v curl >/dev/null || fail "curl is not installed (scripts/deps.sh installs it)"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8"
ulimit -n "$(ulimit -Hn)"
SOAK_SECONDS=${SOAK_SECONDS:-100}
BOUND_KB=$((64 * 1024))

board_found "Testnätet"
node_init a 2518
node_init b 0180
node_init c 1280
network_first a
network_join a b
network_join a c
KEYS=20 # attackers' admitted keys: one a cut-off key stays cut off for 10 minutes
for i in $(seq $KEYS); do
    node_init "x$i" "$(sed -n "$((i + 40))p" "$(dirname "$0")/../../share/kommuner.csv" | cut -d, -f1)"
    admit a "x$i"
done
for n in a b c; do tune $n digest_interval 2; done
node_start b
node_start c
wait_for 60 "a, b and c in session" sh -c "'$EKONET' --dir '$TESTDIR/a' peers --json | jq -e '[.[] | select(.state == \"live\")] | length >= 2'"
A_PID=${PID[a]}
NET=$(ek a status --json | json .network_id)
A_ID=$(node_id a)
A_EP="127.0.0.1:${PORT[a]}"
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$A_PID/status"; }
if nm -D "$EKONETD" 2>/dev/null | grep -c __asan_init >/dev/null; then # -q: nm's SIGPIPE
    BASE=$(rss_kb)
    echo "# under AddressSanitizer: a's bound is $BOUND_KB kB above its $BASE kB before the attacks"
else
    BASE=0
fi
PEAK=0
sample() {
    kill -0 "$A_PID" 2>/dev/null || fail "a is gone during $1: $(tail -n 5 "$TESTDIR/a.log")"
    local r
    r=$(rss_kb)
    [ "$r" -gt "$PEAK" ] && PEAK=$r
    [ $((r - BASE)) -le $BOUND_KB ] || fail "during $1 a holds $r kB, over its bound"
    timeout 5 "$EKONET" --dir "$TESTDIR/a" --no-color status >/dev/null ||
        fail "during $1 ekonet status on a did not answer within 5 s"
    local h
    h=$(curl -sS --max-time 1 -w ' %{http_code} %{time_total}s' "http://127.0.0.1:${MPORT[a]}/healthz" 2>&1) ||
        fail "during $1 /healthz did not answer within 1 s: $h"
    expect_contains "during $1 /healthz" "ok" "$h"
}

# The honest members publish while the attacks go on: a report every 3 s from one of them.
PUBLISHED=()
publish_round() {
    local who=$1 title="Erfarenhet $2 från $1: matavfall och fjärrvärme"
    ek "$who" report add --title "$title" --body "Vi samlade in matavfallet i hela kommunen." \
        >/dev/null || fail "$who could not publish during the soak"
    PUBLISHED+=("$title")
}

KEY=0
next_key() { KEY=$((KEY % KEYS + 1)); echo "$TESTDIR/x$KEY/node.key"; }
peer_attack() { # KIND ARGS...: one testpeer attack with the next key, in the background
    "$TESTPEER" attack "tcp://$A_EP" "$A_ID" "$(next_key)" "$NET" "$@" >>"$TESTDIR/peer-attacks.out" 2>&1 &
}
ATTACKS=(hold200 hold1 churn api events metrics have frontier garbage slowread want)
attack() {
    case $1 in
    hold200) "$FLOOD" hold "$A_EP" 10000 8 127.0.0.2 200 ;;
    hold1) "$FLOOD" hold "$A_EP" 10000 8 127.0.0.3 ;;
    churn) "$FLOOD" churn "$A_EP" 8 127.0.0.4 50 ;;
    api) "$FLOOD" hold "$TESTDIR/a/api.sock" 10000 8 ;;
    events) "$FLOOD" hold "$TESTDIR/a/events.sock" 10000 8 ;;
    metrics) "$FLOOD" hold "127.0.0.1:${MPORT[a]}" 300 8 ;;
    have) peer_attack have 400 ;;
    frontier) peer_attack frontier 40 ;;
    garbage) peer_attack garbage 200 ;;
    slowread) peer_attack slowread 100 3 ;;
    want) peer_attack want 8 ;;
    esac >>"$TESTDIR/floods.out" 2>&1 &
}

start=$(date +%s)
round=0
while [ $(($(date +%s) - start)) -lt "$SOAK_SECONDS" ]; do
    kind=${ATTACKS[$((round % ${#ATTACKS[@]}))]}
    round=$((round + 1))
    attack "$kind"
    for who in a b c; do
        sleep 1
        sample "$kind"
        publish_round "$who" "$round"
    done
    sleep 1
    sample "$kind"
done
wait_jobs=$(jobs -p | grep -v -e "${PID[a]}" -e "${PID[b]}" -e "${PID[c]}" || true)
for j in $wait_jobs; do wait "$j" 2>/dev/null || true; done
sample "the end"
ok "$round attacks in $SOAK_SECONDS s ($(printf '%s ' "${ATTACKS[@]}")); a answered throughout; peak RSS $PEAK kB"

# Every honest report on every node.
for n in a b c; do
    for t in "${PUBLISHED[@]}"; do
        wait_for 60 "\"$t\" at $n" sh -c "'$EKONET' --dir '$TESTDIR/$n' report list --limit 1000 --json | jq -e --arg t \"\$0\" '[.reports[] | select(.title == \$t)] | length == 1'" "$t"
    done
done
ok "all ${#PUBLISHED[@]} reports the honest members published during the attacks are on a, b and c"

expect_eq "a's process" "$A_PID" "${PID[a]}"
grep -q "Too many open files" "$TESTDIR/a.log" && fail "a ran out of files"
grep -q "msg=\"peer cut off\" node=$(node_id b)" "$TESTDIR/a.log" && fail "the honest member b was cut off"
grep -q "msg=\"peer cut off\" node=$(node_id c)" "$TESTDIR/a.log" && fail "the honest member c was cut off"
echo "# a: peak RSS $PEAK kB$([ "$BASE" -gt 0 ] && echo " (base $BASE kB)"); attacks: $(grep -c . "$TESTDIR/floods.out") floods, $(grep -c . "$TESTDIR/peer-attacks.out") peer attacks"
node_stop a
ok "a ran the whole soak as one process, within its memory bound, never cut off an honest member, and stops cleanly"
