#!/usr/bin/env bash
# A member's node that misbehaves: a test peer holding a member key sends a forged entry,
# entries out of order and a forked feed. The node refuses or quarantines them, passes the fork
# proof on, and the rest of the network keeps working.
. "$(dirname "$0")/lib.sh"

board_found "Testnätet"
node_init a 2518
node_init b 0180
node_init x 1280
node_init y 1281
node_init z 1282
network_first a
network_join a b
for n in x y z; do admit a $n; done   # admitted members whose keys the test peer speaks with
for n in a b; do tune $n digest_interval 1; done
node_start b
wait_for 30 "a and b in session" sh -c "'$EKONET' --dir '$TESTDIR/a' peers --json | grep -q '\"live\"'"
# a dials b (b's endpoint is in its application) and b dials a (its seed): one session stays.
sleep 2
expect_eq "sessions between a and b, at a" 1 \
    "$(ek a peers --json | jq --arg b "$(node_id b)" '[.[] | select(.node_id == $b)] | length')"
expect_eq "sessions between a and b, at b" 1 \
    "$(ek b peers --json | jq --arg a "$(node_id a)" '[.[] | select(.node_id == $a)] | length')"
ok "a and b dial each other and keep one session"
NET=$(ek a status --json | json .network_id)
A_EP="tcp://127.0.0.1:${PORT[a]}"

# --- a forged signature ------------------------------------------------------------------------
"$TESTPEER" inject "$A_EP" "$(node_id a)" "$TESTDIR/x/node.key" "$NET" forged >/dev/null
expect_eq "forged entry stored" 0 "$(head_of a "$(node_id x)")"
grep -q 'msg="entry refused".*reason=bad_signature' "$TESTDIR/a.log" || fail "the forgery was not logged"
[ "$(ek a status --json | json .entries_refused)" -ge 1 ] || fail "the forgery was not counted"
ok "an entry with a forged signature is refused, logged and counted"

# --- entries out of order ----------------------------------------------------------------------
out=$("$TESTPEER" inject "$A_EP" "$(node_id a)" "$TESTDIR/y/node.key" "$NET" reordered)
wait_for 10 "y's feed at a" has_head a "$(node_id y)" 2
wait_for 10 "y's feed at b" has_head b "$(node_id y)" 2
expect_contains "the node asked for the gap" "served" "$out"
ok "seq 2 before seq 1: the gap is refused, then asked for and filled (a and b hold seq 1-2)"

# --- a forked feed ---------------------------------------------------------------------------
"$TESTPEER" inject "$A_EP" "$(node_id a)" "$TESTDIR/z/node.key" "$NET" fork >/dev/null
expect_eq "a quarantines" 1 "$(ek a status --json | json .forks)"
grep -q 'fork in the feed of' "$TESTDIR/a.log" || fail "the fork was not logged"
wait_for 10 "the fork proof at b" sh -c "[ \$('$EKONET' --dir '$TESTDIR/b' status --json | jq .forks) -eq 1 ]"
expect_contains "status shows it" "Forks" "$(ek b status)"
ok "a forked feed is quarantined, the proof stored and passed on to b"

# --- the network keeps working ---------------------------------------------------------------
ek a report add --title "Efter attacken" --body "" >/dev/null
wait_for 10 "a's report at b" sh -c "'$EKONET' --dir '$TESTDIR/b' report list | grep -q 'Efter attacken'"
expect_contains "a is well" "Errors" "$(ek a status)"
ok "after all that a and b still replicate"

node_stop a
node_stop b
