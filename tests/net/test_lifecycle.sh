#!/usr/bin/env bash
# A node's lifecycle at its edges: a member that connects a second time, Wants that ask for
# nothing or for the end of the seq range, a peer that claims a head it does not hold, and a
# member the board revokes. A test peer holding an admitted member's key speaks the protocol
# and prints what node a answered; the revoked node says so in `ekonet status`, and the others
# still show its last beacon.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || fail "curl is not installed (scripts/deps.sh installs it)"

board_found "Testnätet"
node_init a 2518
node_init b 0180
node_init r 1280
network_first a
network_join a b
network_join a r
for n in x1 x2 x3; do node_init $n 128${n#x}; admit a $n; done # keys the test peer speaks with
for n in a b r; do tune $n digest_interval 1; tune $n beacon_interval 2; done
node_stop a
node_start a
node_start b
node_start r
NET=$(ek a status --json | json .network_id)
A_ID=$(node_id a)
A_EP="tcp://127.0.0.1:${PORT[a]}"
"$TESTPEER" publish "$TESTDIR/a" 3 100 >/dev/null

# metric NODE FAMILY{LABELS}: the sample's value on NODE's /metrics (0 when absent).
metric() {
    curl -s --max-time 5 "http://127.0.0.1:${MPORT[$1]}/metrics" |
        awk -v k="$2" '$1 == k { v = $2 } END { print (v == "" ? 0 : v) }'
}
malformed() { metric a 'ekonet_peer_limits_total{limit="malformed"}'; }

# --- the same member connects a second time ----------------------------------------------------
out=$("$TESTPEER" twice "$A_EP" "$A_ID" "$TESTDIR/x1/node.key" "$NET")
expect_contains "the first connection is told" "first: bye: replaced by a new session" "$out"
expect_contains "the second is served" "second: entries 3, done" "$out"
ok "a member's second connection replaces its first, which gets Bye; the second is answered"

# --- Wants at the edges ------------------------------------------------------------------------
m0=$(malformed)
out=$("$TESTPEER" wants "$A_EP" "$A_ID" "$TESTDIR/x2/node.key" "$NET")
expect_eq "answers" "from 1: 0 entries, done
from 18446744073709551615: 0 entries, done
from 18446744073709551104: 0 entries, done
from 1: 2 entries, done" "$out"
sleep 1.5 # /metrics renders at most once in 1.5 s
expect_eq "violations counted" "$m0" "$(malformed)"
ok "a Want of limit 0 or from near 2^64 is answered with an empty Entries, done, and is no violation"

# --- a claimed head of 2^64-1 ------------------------------------------------------------------
GO="$TESTDIR/claim.go"
"$TESTPEER" claim "$A_EP" "$A_ID" "$TESTDIR/x3/node.key" "$NET" "$GO" >"$TESTDIR/claim.out" &
CLAIM=$!
wait_for 10 "a wants the claimed feed" grep -q wanted "$TESTDIR/claim.out"
sleep 1.5
behind=$(metric a ekonet_sync_behind_entries)
[ "$behind" -gt 0 ] && [ "$behind" -le 6144 ] || fail "behind while the claim stands: $behind"
peer_behind=$(ek a peers --json | jq --arg x "$(node_id x3)" '.[] | select(.node_id == $x) | .behind')
expect_eq "ekonet peers" "$behind" "$peer_behind"
touch "$GO"
wait "$CLAIM"
answered=$(sed -n 's/^answered \([0-9]*\) wants$/\1/p' "$TESTDIR/claim.out")
[ -n "$answered" ] && [ "$answered" -le 12 ] || fail "wants after the claim was refuted: $(cat "$TESTDIR/claim.out")"
wait_for 5 "behind back to 0" sh -c "[ \"\$(curl -s http://127.0.0.1:${MPORT[a]}/metrics | awk '\$1 == \"ekonet_sync_behind_entries\" { print \$2 }')\" = 0 ]"
ok "a claimed head of 2^64-1 counts for at most 6144 behind ($behind), and is forgotten once the peer answers short ($answered wants)"

# --- a revoked member ------------------------------------------------------------------------
R_ID=$(node_id r)
live_with_r() { ek a peers --json | jq -e --arg r "$R_ID" '.[] | select(.node_id == $r and .state == "live")'; }
wait_for 30 "a in session with r" live_with_r
wait_for 30 "r's beacon at b" sh -c "'$EKONET' --dir '$TESTDIR/b' network --json | jq -e '.members[] | select(.code == \"1280\" and .reachable)'"
expect_contains "status before" "Membership  admitted" "$(ek r status)"
ek a board revoke 1280 --reason "Lämnade nätverket" --out "$TESTDIR/revoke-r.ekp" 2>/dev/null
board_sign "$TESTDIR/revoke-r.ekp" b1 b2
ek a board publish "$TESTDIR/revoke-r.ekp" >/dev/null
wait_for 20 "r learns it is revoked" sh -c "'$EKONET' --dir '$TESTDIR/r' status --json | jq -e '.revoked != null'"
day=$(date +%Y-%m-%d) # the act's date, as the node's clock (local time) shows it
st=$(ek r status)
expect_contains "status" "revoked by the board on " "$st"
expect_contains "status reason" ": Lämnade nätverket;" "$st"
expect_contains "status date" "on $day" "$st"
expect_eq "--json reason" "Lämnade nätverket" "$(ek r status --json | json .revoked_reason)"
expect_eq "--json member" false "$(ek r status --json | json .member)"
ok "the revoked node's status says revoked by the board, when and why"

net=$(ek b network --json | jq '.members[] | select(.code == "1280")')
expect_eq "state at b" revoked "$(echo "$net" | json .status)"
[ "$(echo "$net" | json .beacon)" != null ] || fail "b forgot r's beacon: $net"
row=$(ek b network | grep ' 1280 ' || true)
case "$row" in *never*) fail "b shows r's beacon as never: $row" ;; esac
sleep 5 # two of r's beacon periods: b still shows the last one it had, and r sends no more
[ "$(ek b network --json | jq '.members[] | select(.code == "1280") | .beacon')" != null ] ||
    fail "b dropped r's last beacon"
ok "the other nodes show the revoked member's last beacon, not never"

node_stop r
node_stop b
node_stop a
