#!/usr/bin/env bash
# Hostile peers: a test peer holding an admitted member's key attacks node a with garbage,
# oversized frames, huge batches, a Want for millions of entries, slow reading, a reconnect
# storm and entries replayed from another network. Through every attack a keeps replicating
# with the good peer b, its CLI answers, the attack is counted in /metrics, the attacker is
# cut off as designed and b is not.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || fail "curl is not installed (scripts/deps.sh installs it)"

# Under AddressSanitizer freed memory waits in a quarantine (256 MB by default), which would
# show as growth of the node's RSS: keep it small so that RSS says what the node holds.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8"

board_found "Testnätet"
node_init a 2518
node_init b 0180
network_first a
network_join a b
ATTACKERS=(x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11) # one admitted key per attack: a cut-off key stays cut off
codes=(1280 1281 1282 1283 1284 1285 1286 1287 1290 1291 1292)
for i in "${!ATTACKERS[@]}"; do
    node_init "${ATTACKERS[$i]}" "${codes[$i]}"
    admit a "${ATTACKERS[$i]}"
done
for n in a b; do tune $n digest_interval 1; done
node_start b
wait_for 30 "a and b in session" sh -c "'$EKONET' --dir '$TESTDIR/a' peers --json | grep -q '\"live\"'"
NET=$(ek a status --json | json .network_id)
A_ID=$(node_id a)
B_ID=$(node_id b)
A_EP="tcp://127.0.0.1:${PORT[a]}"
OTHER_NET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') # another network's id

# A feed worth asking for: 2000 reports of a (pages of 512 entries, about 200 KB each).
"$TESTPEER" publish "$TESTDIR/a" 2000 200 >/dev/null
wait_for 60 "a's feed at b" has_head b "$A_ID" 2000
ok "a holds a feed of 2000 entries, b has replicated it"

# metric NODE FAMILY{LABELS}: the sample's value on NODE's /metrics (0 when absent).
metric() {
    curl -s --max-time 5 "http://127.0.0.1:${MPORT[$1]}/metrics" |
        awk -v k="$2" '$1 == k { v = $2 } END { print (v == "" ? 0 : v) }'
}
limit_count() { metric a "ekonet_peer_limits_total{limit=\"$1\"}"; }
# counted WHAT FAMILY{LABELS} MIN: waits until a's /metrics (rendered once a second) shows at
# least MIN.
counted() { wait_for 5 "$1" metric_at_least a "$2" "$3"; }
metric_at_least() { [ "$(metric "$1" "$2")" -ge "$3" ]; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/${PID[a]}/status"; }

# b_reaches_a TITLE: a report published on b arrives at a.
b_reaches_a() {
    ek b report add --title "$1" --body "" >/dev/null
    wait_for 30 "b's report \"$1\" at a" sh -c "'$EKONET' --dir '$TESTDIR/a' report list | grep -q '$1'"
}

# healthy WHAT: b still replicates with a, a's CLI answers within 5 s, b's session is live.
ROUND=0
healthy() {
    ROUND=$((ROUND + 1))
    timeout 5 "$EKONET" --dir "$TESTDIR/a" --no-color status >/dev/null ||
        fail "$1: ekonet status on a did not answer within 5 s"
    b_reaches_a "Rapport $ROUND från b ($1)"
    expect_eq "$1: b's session at a" live \
        "$(ek a peers --json | jq -r --arg b "$B_ID" '[.[] | select(.node_id == $b)][0].state')"
}

# attacker_session NAME: the state of the attacker's inbound session at a ("none" when there is
# none; a also dials the attackers' advertised endpoints, where nobody answers).
attacker_session() {
    ek a peers --json | jq -r --arg x "$(node_id "$1")" \
        '[.[] | select(.node_id == $x and .direction == "in")][0].state // "none"'
}

# attack NAME KIND ARGS...: runs the attack in the background while checking a's health, then
# leaves the test peer's output in $OUT.
attack() {
    local who=$1 kind=$2
    shift 2
    "$TESTPEER" attack "$A_EP" "$A_ID" "$TESTDIR/$who/node.key" "$NET" "$kind" "$@" \
        >"$TESTDIR/attack-$kind.out" 2>&1 &
    local apid=$!
    healthy "during $kind"
    wait $apid || fail "$kind: the test peer failed: $(cat "$TESTDIR/attack-$kind.out")"
    OUT=$(cat "$TESTDIR/attack-$kind.out")
    echo "# $OUT"
}

healthy "before any attack"
ok "b replicates with a and a's CLI answers"

# --- garbage ------------------------------------------------------------------------------
before=$(limit_count malformed)
attack x1 garbage 200
expect_contains "the node says goodbye" "bye: cut off: repeated violations" "$OUT"
counted "garbage frames not counted" "ekonet_peer_limits_total{limit=\"malformed\"}" $((before + 16))
counted "the cut was not counted" ekonet_peers_cut_total 1
grep -q 'msg="peer cut off".*last=malformed' "$TESTDIR/a.log" || fail "the cut was not logged"
expect_eq "x1's session" none "$(attacker_session x1)"
expect_contains "x1 may not come back" "handshake refused" \
    "$("$TESTPEER" attack "$A_EP" "$A_ID" "$TESTDIR/x1/node.key" "$NET" garbage 1 || true)"
counted "the refused handshake was not counted" "ekonet_peer_limits_total{limit=\"cut_off\"}" 1
healthy "after garbage"
ok "200 garbage frames: counted (malformed), the peer is cut off after 16 and refused at the handshake; b unaffected"

# --- oversized frames -------------------------------------------------------------------------
attack x2 oversize $((8 << 20))
expect_contains "libzmq drops the connection" "disconnected" "$OUT"
healthy "after oversize"
ok "a frame of 8 MiB (over max_peer_message, 4 MiB): the connection is closed before it is read"

# --- huge batches ------------------------------------------------------------------------------
e0=$(limit_count batch_entries)
b0=$(limit_count batch_bytes)
attack x3 batch 20
counted "batches of 5000 entries not counted" "ekonet_peer_limits_total{limit=\"batch_entries\"}" $((e0 + 8))
counted "batches of 2.5 MB not counted" "ekonet_peer_limits_total{limit=\"batch_bytes\"}" $((b0 + 8))
expect_contains "the node cuts x3 off" "bye: cut off" "$OUT"
expect_eq "no entry of x3 stored" 0 "$(head_of a "$(node_id x3)")"
healthy "after batch"
ok "Entries of 5000 entries and of 10 x 250 KB: refused unread and counted; the peer cut off"

# --- a Want for millions of entries -------------------------------------------------------------
rss0=$(rss_kb)
attack x4 want 1
expect_contains "one page answers a Want of 2^32-1" "want: entries 512 in" "$OUT"
attack x4 want 8
expect_contains "eight Wants, eight pages" "want: entries 4096 in" "$OUT"
rss1=$(rss_kb)
echo "# RSS of a: $rss0 kB before, $rss1 kB after"
[ $((rss1 - rss0)) -lt 65536 ] || fail "a grew by $(((rss1 - rss0) / 1024)) MB answering Wants"
healthy "after want"
ok "a Want with limit 2^32-1 is answered with 512 entries (one page), memory stays bounded"

# --- slow reading ----------------------------------------------------------------------------
s0=$(limit_count send_queue)
rss0=$(rss_kb)
attack x5 slowread 150 3
rss1=$(rss_kb)
echo "# RSS of a: $rss0 kB before, $rss1 kB after a peer that never reads"
counted "the full send queue was not counted" "ekonet_peer_limits_total{limit=\"send_queue\"}" $(($s0 + 1))
[ $((rss1 - rss0)) -lt 65536 ] || fail "a grew by $(((rss1 - rss0) / 1024)) MB for a peer that does not read"
grep -q "msg=\"peer cut off\" node=$(node_id x5) " "$TESTDIR/a.log" ||
    fail "a peer that asks on and on without reading was not cut off"
healthy "after slowread"
ok "a peer that never reads: its pages pause at a full queue (counted), the Wants it piles up meanwhile cut it off; memory bounded"

# --- reconnect storm ---------------------------------------------------------------------------
r0=$(limit_count reconnects)
attack x6 storm 60
expect_contains "the storm" "byes" "$OUT"
expect_contains "the node refuses reconnects" "too many reconnects" "$OUT"
counted "reconnects over the limit not counted" "ekonet_peer_limits_total{limit=\"reconnects\"}" $((r0 + 16))
refused=$(echo "$OUT" | sed -n 's/.*refused \([0-9]*\).*/\1/p')
[ "$refused" -ge 1 ] || fail "the storm's key was not cut off at the handshake: $OUT"
healthy "after storm"
ok "60 sessions in a row: 30 a minute accepted, then refused and counted, then cut off at the handshake"

# --- entries replayed from another network --------------------------------------------------
w0=$(metric a 'ekonet_entries_refused_total{reason="wrong_network"}')
attack x7 replay 20 "$OTHER_NET"
counted "entries of another network not counted" 'ekonet_entries_refused_total{reason="wrong_network"}' $(($w0 + 1))
expect_eq "no entry of x7 stored" 0 "$(head_of a "$(node_id x7)")"
counted "batches of forged entries not counted per peer" "ekonet_peer_limits_total{limit=\"refused\"}" 16
grep -q "msg=\"peer cut off\" node=$(node_id x7) .*last=refused" "$TESTDIR/a.log" ||
    fail "the replaying peer was not cut off"
healthy "after replay"
ok "entries signed for another network: refused (wrong_network), counted, the peer cut off"

# --- heads of made-up feeds -------------------------------------------------------------------
# 600 Haves of 4096 heads each name 2.4 million feeds: remembered, they took 118 MB.
rss0=$(rss_kb)
attack x8 have 600
rss1=$(rss_kb)
echo "# RSS of a: $rss0 kB before, $rss1 kB after 600 Haves of 4096 made-up feeds"
[ $((rss1 - rss0)) -lt 16384 ] || fail "a grew by $(((rss1 - rss0) / 1024)) MB remembering made-up feeds"
healthy "after have"
f0=$(limit_count frontier)
rss0=$(rss_kb)
attack x9 frontier 40
rss1=$(rss_kb)
echo "# RSS of a: $rss0 kB before, $rss1 kB after Frontiers of 90000 made-up feeds"
counted "Frontiers over 4096 heads not counted" "ekonet_peer_limits_total{limit=\"frontier\"}" $((f0 + 16))
grep -q "msg=\"peer cut off\" node=$(node_id x9) .*last=frontier" "$TESTDIR/a.log" ||
    fail "the peer sending Frontiers of 90000 heads was not cut off"
[ $((rss1 - rss0)) -lt 16384 ] || fail "a grew by $(((rss1 - rss0) / 1024)) MB for Frontiers of made-up feeds"
healthy "after frontier"
rss0=$(rss_kb)
attack x10 authors 200 # remembered as the peer's heads, 200,000 authors took 15 MB
rss1=$(rss_kb)
echo "# RSS of a: $rss0 kB before, $rss1 kB after 200,000 entries of 200,000 made-up authors"
expect_eq "no entry of a made-up author stored" 0 \
    "$(sqlite3 -readonly "$TESTDIR/a/ekonet.db" "SELECT count(*) FROM entries WHERE content LIKE '%Från ingen medlem%'")"
[ $((rss1 - rss0)) -lt 8192 ] || fail "a grew by $(((rss1 - rss0) / 1024)) MB for entries of made-up authors"
healthy "after authors"
ok "Haves, Frontiers and Entries naming millions of made-up feeds: only members' heads are kept (memory bounded), Frontiers over 4096 heads are violations and cut the peer off"

# --- fork proofs of made-up feeds ----------------------------------------------------------------
attack x11 forks 500 # each was stored, kept, logged as an error and passed on to every peer
expect_eq "fork proofs of non-members stored" 0 \
    "$(sqlite3 -readonly "$TESTDIR/a/ekonet.db" "SELECT count(*) FROM forks")"
expect_eq "forks in a's status" 0 "$(ek a status --json | jq '.forks')"
expect_eq "fork proofs passed on to b" 0 "$(ek b status --json | jq '.forks')"
healthy "after forks"
ok "500 fork proofs about keys that are not members: refused, none stored or passed on"

# --- everything counted, b never cut ----------------------------------------------------------
counted "cuts not counted" ekonet_peers_cut_total 6
grep -q "msg=\"peer cut off\" node=$B_ID" "$TESTDIR/a.log" && fail "the good peer b was cut off"
if command -v promtool >/dev/null; then
    curl -s "http://127.0.0.1:${MPORT[a]}/metrics" | promtool check metrics ||
        fail "promtool finds fault with a's metrics"
fi
ok "every attack is counted in /metrics; b was never cut off"

node_stop a
node_stop b
