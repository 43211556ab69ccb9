#!/usr/bin/env bash
# Replication with real daemons: five nodes in a line (each dials only its neighbour), a node
# that was stopped catches up, a node killed in the middle of a large sync finishes it, and
# board acts published at one end take effect at the other.
. "$(dirname "$0")/lib.sh"

board_found "Testnätet"
node_init a 2518
node_init b 2514
node_init c 2583
node_init d 2584
node_init e 2580
network_first a
for n in b c d e; do network_join a $n; done
# A line: b dials a, c dials b, d dials c, e dials d; nobody dials anyone else.
seeds a
seeds b "$(seed_of a)"
seeds c "$(seed_of b)"
seeds d "$(seed_of c)"
seeds e "$(seed_of d)"
for n in a b c d e; do
    tune $n dial_members no
    tune $n outbound 1
    tune $n digest_interval 1
done
node_stop a
for n in a b c d e; do node_start $n; done
A=$(node_id a)

# --- 1,000 reports at one end reach the other ----------------------------------------------
"$TESTPEER" publish "$TESTDIR/a" 1000 600 >/dev/null
wait_for 120 "1,000 reports from a at e" has_head e "$A" 1000
expect_eq "e holds a's feed byte for byte" "$(feed_dump a "$A")" "$(feed_dump e "$A")"
out=$("$EKONETD" --dir "$TESTDIR/e" --verify)
expect_contains "e verifies" "0 problems" "$out"
expect_eq "e's peers" 1 "$(ek e peers --json | json 'length')"
expect_contains "search at e" "Rapport 1000" "$(ek e report list --limit 1)"
ok "five nodes in a line: 1,000 reports published at a are at e, byte-identical, verified"

# --- a stopped node catches up ---------------------------------------------------------------
node_stop e
"$TESTPEER" publish "$TESTDIR/a" 500 600 >/dev/null
wait_for 60 "the 500 at d" has_head d "$A" 1500
[ "$(head_of e "$A")" -eq 1000 ] || fail "e moved while stopped"
node_start e
wait_for 60 "e catching up" has_head e "$A" 1500
expect_eq "e after catching up" "$(feed_dump a "$A")" "$(feed_dump e "$A")"
ok "a node stopped while 500 reports were published catches up when it returns"

# --- SIGKILL in the middle of a large sync ---------------------------------------------------
# A new member wants at most 8 x 512 entries of a feed at a time (WANT_WINDOW x WANT_LIMIT), so
# a feed of 8,000 takes it at least two rounds: f is killed as soon as it has stored anything,
# which is before the end of the first round.
"$TESTPEER" publish "$TESTDIR/a" 6500 1500 >/dev/null
wait_for 120 "the 6,500 at b" has_head b "$A" 8000
node_init f 2523
network_join a f
seeds f "$(seed_of b)"
tune f dial_members no
tune f digest_interval 1
node_start f
for ((i = 0; i < 3000; i++)); do
    killed_at=$(head_of f "$A")
    [ "$killed_at" -eq 0 ] || break
    sleep 0.02
done
node_kill f
[ "$killed_at" -gt 0 ] || fail "f starting its sync: not within 60 s"
[ "$killed_at" -lt 8000 ] || fail "f's sync was over before the kill"
node_start f
wait_for 120 "f finishing its sync" has_head f "$A" 8000
expect_eq "f after the kill" "$(feed_dump a "$A")" "$(feed_dump f "$A")"
expect_eq "no duplicates" 8000 "$(sqlite3 -readonly "$TESTDIR/f/ekonet.db" \
    "SELECT count(*) FROM entries WHERE author = X'$A'")"
expect_contains "f verifies" "0 problems" "$("$EKONETD" --dir "$TESTDIR/f" --verify)"
ok "a node killed with SIGKILL at seq $killed_at of 8,000 finishes its sync: nothing lost or doubled"

# --- board acts reach every node -------------------------------------------------------------
node_init g 2521
admit a g
wait_for 30 "g's admission at e" sh -c "'$EKONET' --dir '$TESTDIR/e' members --json | grep -q '\"code\":.*\"2521\"'"
ek a board revoke 2580 --reason "Test" --out "$TESTDIR/revoke-e.ekp" 2>/dev/null
board_sign "$TESTDIR/revoke-e.ekp" b1 b2
ek a board publish "$TESTDIR/revoke-e.ekp" >/dev/null
wait_for 30 "e's revocation at d" sh -c "'$EKONET' --dir '$TESTDIR/d' members --json | grep -q revoked"
expect_eq "e refused at d" "handshake refused" \
    "$("$TESTPEER" handshake "tcp://127.0.0.1:${PORT[d]}" "$(node_id d)" "$TESTDIR/e/node.key" || true)"
ok "an admission and a revocation published at a take effect at d and e"

for n in a b c d e f; do node_stop $n; done
