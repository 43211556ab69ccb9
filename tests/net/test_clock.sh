#!/usr/bin/env bash
# A member's clock is wrong (issue 19, finding 4: a report dated 50 years ahead sat first in
# every "newest first" list, forever). m's node runs first 2 hours fast, then 50 years fast;
# a and b keep the right time. A report dated 2 hours ahead is accepted but listed as of when
# it came; one dated 50 years ahead is held: not listed, not held against the peer that brought
# it, logged, and accepted once its time has come. The rest of the network replicates on.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || fail "curl is not installed (scripts/deps.sh installs it)"

board_found "Testnätet"
node_init a 2518
node_init b 0180
node_init m 1280
network_first a
network_join a b
network_join a m
for n in a b m; do tune $n digest_interval 1; done
node_stop a
node_start a
node_start b
node_start_later m +2h
live() { ek "$1" peers --json | jq -e --arg id "$(node_id "$2")" 'any(.[]; .node_id == $id and .state == "live")'; }
all_live() { live a b && live a m && live b m; }
wait_for 30 "a, b and m in session" all_live

titles() { ek "$1" report list --json | jq -r '.reports[].title'; }
lists() { titles "$1" | grep -qx "$2"; }
refused_future() {
    curl -s --max-time 5 "http://127.0.0.1:${MPORT[$1]}/metrics" |
        sed -n 's/^ekonet_entries_refused_total{reason="future"} //p' | awk '{ print int($1) }'
}
held_more() { [ "$(refused_future "$1")" -gt "$2" ]; }
# violations NODE: what NODE counted against its peers for refused entries (PROTOCOL.md 7.7)
violations() {
    curl -s --max-time 5 "http://127.0.0.1:${MPORT[$1]}/metrics" |
        sed -n 's/^ekonet_peer_limits_total{limit="refused"} //p' | awk '{ s += $1 } END { print s + 0 }'
}
# refusals NODE: entries NODE logged as refused, which its operator would take for a peer's fault
refusals() { grep -c 'msg="entry refused"' "$TESTDIR/$1.log" || true; }

# --- 2 hours ahead: accepted, listed as of when it came ------------------------------------------
ek m report add --title "Två timmar före" --body "" >/dev/null
wait_for 20 "m's report at a" lists a "Två timmar före"
wait_for 20 "m's report at b" lists b "Två timmar före"
ek b report add --title "Kom efter" --body "" >/dev/null
wait_for 20 "b's report at a" lists a "Kom efter"
expect_eq "a's list, newest first" "Kom efter,Två timmar före" "$(titles a | paste -sd,)"
ahead=$(ek a report list --json | jq -r '.reports[] | select(.title == "Två timmar före") | .timestamp_ms')
[ "$ahead" -gt $(($(date +%s) * 1000 + 3600 * 1000)) ] || fail "the author's date is not the one shown: $ahead"
ok "a report dated 2 hours ahead is accepted, shows its date and is listed below one that came after it"

# --- 50 years ahead: held ---------------------------------------------------------------------
node_stop m
node_start_later m +50y
wait_for 30 "m in session with a and b again" all_live
ek m report add --title "Från framtiden" --body "" >/dev/null
lists m "Från framtiden" || fail "m does not list its own report"
wait_for 20 "a holds m's report" grep -q 'msg="entry held: dated ahead".* ahead="18[0-9]* days"' "$TESTDIR/a.log"
wait_for 20 "b holds m's report" held_more b 0
grep 'msg="entry held: dated ahead"' "$TESTDIR/a.log" | grep -q 'member="Malmö"' || fail "the log does not name the member"
[ "$(refused_future a)" -ge 1 ] || fail "the held entry was not counted as refused for its date"
lists a "Från framtiden" && fail "a lists a report dated 50 years ahead"
lists b "Från framtiden" && fail "b lists a report dated 50 years ahead"
expect_eq "violations counted at a" 0 "$(violations a)"
expect_eq "entries logged as refused at a" 0 "$(refusals a)"
live a m >/dev/null || fail "a's session with m did not stay"
ok "a report dated 50 years ahead is held, logged and counted, and m's node is not held to account"

ek a report add --title "Nutid" --body "" >/dev/null
wait_for 20 "a's report at b" lists b "Nutid"
wait_for 20 "a's report at m" lists m "Nutid"
expect_eq "b's newest" "Nutid" "$(titles b | head -n 1)"
expect_eq "a's list" "Nutid,Kom efter,Två timmar före" "$(titles a | paste -sd,)"
ok "an honest report published afterwards is listed first, and reaches b and m"

# --- reindex ----------------------------------------------------------------------------------
node_stop a
"$EKONETD" --dir "$TESTDIR/a" --reindex >/dev/null
node_start a
expect_eq "a's list after a reindex" "Nutid,Kom efter,Två timmar före" "$(titles a | paste -sd,)"
ok "a reindex keeps the order (the time an entry came is in the entries table)"

# --- its time has come ------------------------------------------------------------------------
# a, 50 years on, takes the report from m and passes it to b, whose clock is right: b holds it
# too, and does not count a, an honest relay, against it.
before=$(refused_future b)
node_stop a
node_start_later a +50y
wait_for 30 "a takes m's report when its time has come" lists a "Från framtiden"
expect_eq "a's newest, 50 years on" "Från framtiden" "$(titles a | head -n 1)"
wait_for 30 "b holds it again, from a" held_more b "$before"
lists b "Från framtiden" && fail "b lists a report dated 50 years ahead"
expect_eq "violations counted at b" 0 "$(violations b)"
expect_eq "entries logged as refused at b" 0 "$(refusals b)"
expect_eq "b's warnings about m (one an hour)" 1 "$(grep -c 'msg="entry held: dated ahead".*member="Malmö"' "$TESTDIR/b.log")"
ok "held until its time: a accepts it 50 years on; b, on time, holds it and does not blame a"

ek b report add --title "Till sist" --body "" >/dev/null
wait_for 20 "b's report at a" lists a "Till sist"
wait_for 20 "b's report at m" lists m "Till sist"
grep -q 'peer cut off' "$TESTDIR/a.log" "$TESTDIR/b.log" && fail "a member was cut off"
ok "the network keeps replicating"

node_stop a
node_stop b
node_stop m
