#!/usr/bin/env bash
# The whole network, for its operators, with five real daemons: beacons tell every node who is
# reachable, what version each runs and how far behind it is; `ekonet reach` counts the members
# that hold an entry; `ekonet watch` streams what happens.
. "$(dirname "$0")/lib.sh"

INTERVAL=2 # seconds between beacons
board_found "Sveriges Ekokommuner"
names=(a b c d e)
codes=(2518 2409 2480 0780 1281)
places=(Övertorneå Robertsfors Umeå Växjö Lund)
for i in "${!names[@]}"; do node_init "${names[$i]}" "${codes[$i]}"; done
network_first a
for n in b c d e; do network_join a $n; done
for n in a b c d e; do
    tune $n beacon_interval $INTERVAL
    tune $n digest_interval 1
done
node_stop a
for n in a b c d e; do node_start $n; done

reachable() { ek "$1" network --json | jq -r .reachable; }
wait_for 30 "every node hears every beacon" sh -c \
    "for n in a b c d e; do [ \$($EKONET --dir $TESTDIR/\$n network --json | jq .reachable) = 5 ] || exit 1; done"
net=$(ek a network --json)
expect_eq "admitted" 5 "$(echo "$net" | json .admitted)"
expect_eq "interval" "$INTERVAL" "$(echo "$net" | json .beacon_interval_s)"
expect_eq "versions" 5 "$(echo "$net" | jq '[.members[].agent | select(startswith("ekonetd/"))] | length')"
expect_eq "self" "Övertorneå" "$(echo "$net" | json '.members[] | select(.self) | .name')"
text=$(ek a network)
expect_contains "summary" "5 of 5 admitted members reachable; beacons every $INTERVAL s" "$text"
expect_contains "a row" "Växjö" "$text"
ok "every node's beacon reaches every node: five of five reachable, with their versions"

# --- watch, and reach ------------------------------------------------------------------------
ek a watch --json --kind entries --count 1 >"$TESTDIR/watch.json" &
WATCH=$!
sleep 0.5
ID=$(ek c report add --title "Cykelstråk i Umeå" --body "" --json | json .id)
wait_for 20 "reached everyone" sh -c "[ \"\$($EKONET --dir $TESTDIR/a reach $ID --json | jq .reached)\" = 5 ]"
wait $WATCH || fail "ekonet watch exited with $?"
expect_eq "watched kind" entries "$(json .kind <"$TESTDIR/watch.json")"
expect_eq "watched member" "Umeå" "$(json .member_name <"$TESTDIR/watch.json")"
expect_eq "watched id" "$ID" "$(json .id <"$TESTDIR/watch.json")"
# the event names the peer that brought the entry, and how
peer=$(json .peer <"$TESTDIR/watch.json")
via=
for i in 1 2 3 4; do [ "$(node_id "${names[$i]}")" = "$peer" ] && via=${places[$i]}; done
[ -n "$via" ] || fail "watched peer: '$peer' is none of a's peers"
case $(json .reason <"$TESTDIR/watch.json") in
push) expect_contains "watched text" "1 entry of Umeå, up to seq 1, pushed by $via" "$(json .text <"$TESTDIR/watch.json")" ;;
fetch) expect_contains "watched text" "1 entry of Umeå, up to seq 1, fetched from $via" "$(json .text <"$TESTDIR/watch.json")" ;;
*) fail "watched reason: expected push or fetch, got '$(json .reason <"$TESTDIR/watch.json")'" ;;
esac
wait_for 20 "e sees it reached everyone" sh -c "[ \"\$($EKONET --dir $TESTDIR/e reach $ID --json | jq .reached)\" = 5 ]"
expect_eq "reach text" "reached 5/5 members: entry ${ID:0:12}, seq 1 of Umeå" "$(ek e reach "${ID:0:10}")"
ok "ekonet watch shows the entry arrive and the peer it came by; reach counts it on all five members"

# --- a stopped member -------------------------------------------------------------------------
ek a watch --json --kind unreachable --count 1 >"$TESTDIR/unreachable.json" &
WATCH=$!
sleep 0.5
node_stop e
t0=$(date +%s%N)
wait_for 30 "e unreachable" sh -c "[ \"\$($EKONET --dir $TESTDIR/a network --json | jq -r '.members[] | select(.code == \"1281\") | .reachable')\" = false ]"
took=$((($(date +%s%N) - t0) / 1000000))
[ $took -le $((2 * INTERVAL * 1000 + 1000)) ] ||
    fail "e was shown unreachable after $took ms, more than two beacon periods ($((2 * INTERVAL)) s)"
expect_eq "reachable count" 4 "$(reachable a)"
# b heard e's last beacon later than a did: it may take b up to a second more to see it
wait_for 5 "b shows 4 of 5" sh -c "$EKONET --dir $TESTDIR/b network | grep -q '4 of 5 admitted members reachable'"
wait $WATCH || fail "ekonet watch exited with $?"
expect_eq "unreachable event" "Lund" "$(json .member_name <"$TESTDIR/unreachable.json")"
ok "a stopped member is shown unreachable within two beacon periods (${took} ms), on the event stream too"

# e is away: a new entry reaches four, and reach names the one it is missing at
ID2=$(ek b report add --title "Solceller på skolorna" --body "" --json | json .id)
wait_for 20 "reached the other four" sh -c "[ \"\$($EKONET --dir $TESTDIR/a reach $ID2 --json | jq .reached)\" = 4 ]"
r=$(ek a reach "$ID2" --json)
expect_eq "members" 5 "$(echo "$r" | json .members)"
expect_eq "missing" "$(node_id e)" "$(echo "$r" | json '.missing[0]')"
expect_eq "lag of e" 1 "$(ek a network --json | json '.members[] | select(.code == "1281") | .lag')"
node_start e
wait_for 20 "e back and caught up" sh -c "[ \"\$($EKONET --dir $TESTDIR/a reach $ID2 --json | jq .reached)\" = 5 ]"
expect_eq "reachable again" 5 "$(reachable a)"
ok "an entry made while a member is away reaches 4/5, and 5/5 once it is back"

# --- heads after a board act ----------------------------------------------------------------------
# A beacon's heads are read against the roster it was made with (the same board head). b now
# beacons every ten minutes; f's admission moves the board on, and b's next beacon comes within
# seconds all the same, so a can read b's lag again.
node_stop b
tune b beacon_interval 600
node_start b
b_lag_known() { [ "$(ek a network --json | jq -r '.members[] | select(.code == "2409") | .lag')" = 0 ]; }
wait_for 20 "a reads b's lag" b_lag_known
node_init f 0114 # Upplands Väsby
network_join a f
expect_eq "admitted after the act" 6 "$(ek a network --json | json .admitted)"
wait_for 20 "a reads b's lag after the act" b_lag_known
tune b beacon_interval $INTERVAL # from b's next start
ok "after a board act a member's beacon comes within seconds, and its lag is known again"

# --- seeds -----------------------------------------------------------------------------------
# A node knows every member's endpoint from the board feed, so it dials members first and its
# seed last. One that had to take its seed (the others were down) leaves it, four beacon periods
# later, once it can dial members instead: seeds keep room for newcomers.
tune f beacon_interval $INTERVAL
tune f outbound 2
outbound_of() { ek f peers --json | jq '[.[] | select(.direction == "out" and .state == "live")] | length'; }
dialled_to() { ek f peers --json | jq --arg k "$(node_id "$1")" '[.[] | select(.node_id == $k and .direction == "out")] | length'; }
for n in b c d e; do node_stop $n; done
node_stop a # the seed does not dial f itself here: f's own dial must be the one that stays
tune a dial_members no
node_start a
node_start f
# (a dial to a member that is down may stay open up to the 15 s connect timeout when its old port
# answers as something else, as it may with other tests running: hence the long waits)
wait_for 150 "f in session with its seed, the others being down" sh -c "[ \"\$($EKONET --dir $TESTDIR/f peers --json | jq --arg k $(node_id a) '[.[] | select(.node_id == \$k and .direction == \"out\" and .state == \"live\")] | length')\" = 1 ]"
# they dial only their seed a, so that f has members of its own to dial
for n in b c d e; do
    tune $n dial_members no
    node_start $n
done
wait_for 150 "f leaves the seed" grep -q "leaving the seed" "$TESTDIR/f.log"
wait_for 150 "f has two outbound sessions with members" sh -c "[ \"\$($EKONET --dir $TESTDIR/f peers --json | jq --arg k $(node_id a) '[.[] | select(.node_id != \$k and .direction == \"out\" and .state == \"live\")] | length')\" = 2 ]"
expect_eq "no session dialled to the seed" 0 "$(dialled_to a)"
expect_eq "outbound sessions" 2 "$(outbound_of)"
ok "a node that had to take its seed leaves it once members can be dialled, for two others"
