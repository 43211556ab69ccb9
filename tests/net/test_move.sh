#!/usr/bin/env bash
# Moving a node (docs/OPERATIONS.md, "Moving a node"): member m's node is stopped, its data
# directory copied to a new place and started there on a new port, and its profile names the
# new endpoint. The others reach it there (b dials it through the profile alone), nothing
# forks, the network still has one m, and what is published after the move reaches everyone.
. "$(dirname "$0")/lib.sh"

board_found "Testnätet"
node_init a 2518
node_init b 0180
node_init m 1280
network_first a
network_join a b
network_join a m
for n in a b m; do tune $n digest_interval 1; tune $n beacon_interval 2; done
node_stop a
node_start a
node_start b
node_start m
M_ID=$(node_id m)
live_with() { ek "$1" peers --json | jq -e --arg k "$2" '.[] | select(.node_id == $k and .state == "live")'; }
wait_for 30 "a in session with m" live_with a "$M_ID"
wait_for 30 "b in session with m" live_with b "$M_ID"
ek m report add --title "Före flytten" --body "" >/dev/null
for n in a b; do
    wait_for 20 "m's report at $n" sh -c "'$EKONET' --dir '$TESTDIR/$n' report list | grep -q 'Före flytten'"
done
seq_before=$(ek m status --json | json .own_seq)
ok "m is in session with a and b, its report at both (own feed at seq $seq_before)"

# --- the move: stopped, copied, started elsewhere on a new port --------------------------------
node_stop m
cp -a "$(dir_of m)" "$(dir_of m2)"
rm -f "$(dir_of m2)"/*.log
PORT[m2]=$(free_port)
sed -i "0,/^listen = .*/s||listen = tcp://127.0.0.1:${PORT[m2]}|" "$(dir_of m2)/ekonetd.conf"
metrics_port m2
tune m2 dial_members no # m2 dials only its seed (a): b can reach it only through its profile
node_start m2
expect_eq "the same node" "$M_ID" "$(ek m2 status --json | json .node_id)"
expect_eq "the same feed" "$seq_before" "$(ek m2 status --json | json .own_seq)"
NEW_EP="tcp://127.0.0.1:${PORT[m2]}"
ek m2 profile set --endpoint "$NEW_EP" >/dev/null
expect_eq "profile at m2" "$NEW_EP" "$(ek m2 profile show --json | json '.endpoints[0]')"
wait_for 30 "the new profile at b" sh -c \
    "'$EKONET' --dir '$TESTDIR/b' profile show 1280 --json | jq -e '.endpoints == [\"$NEW_EP\"]'"
b_dials_m2() {
    ek b peers --json | jq -e --arg k "$M_ID" --arg ep "$NEW_EP" \
        '.[] | select(.node_id == $k and .state == "live" and .direction == "out" and .endpoint == $ep)'
}
wait_for 30 "b dials m at its new endpoint" b_dials_m2
wait_for 30 "a in session with m after the move" live_with a "$M_ID"
ok "m moved to a new directory and port; b dials it at the endpoint its profile names"

# --- after the move: one m, no fork, reports reach everyone ------------------------------------
ek m2 report add --title "Efter flytten" --body "" >/dev/null
ek a report add --title "Från a efter flytten" --body "" >/dev/null
for n in a b; do
    wait_for 20 "m's new report at $n" sh -c "'$EKONET' --dir '$TESTDIR/$n' report list | grep -q 'Efter flytten'"
done
wait_for 20 "a's report at m2" sh -c "'$EKONET' --dir '$TESTDIR/m2' report list | grep -q 'Från a efter flytten'"
seq_after=$(ek m2 status --json | json .own_seq)
[ "$seq_after" -gt "$seq_before" ] || fail "m's feed did not go on: $seq_before then $seq_after"
for n in a b; do
    wait_for 20 "m's feed at $n" has_head "$n" "$M_ID" "$seq_after"
    expect_eq "forks at $n" 0 "$(ek "$n" status --json | json .forks)"
    expect_eq "m listed once at $n" 1 "$(ek "$n" members --json | jq '[.[] | select(.code == "1280")] | length')"
    expect_eq "sessions with m at $n" 1 \
        "$(ek "$n" peers --json | jq --arg k "$M_ID" '[.[] | select(.node_id == $k and .state == "live")] | length')"
    expect_eq "m's feed at $n" "$(feed_dump m2 "$M_ID")" "$(feed_dump "$n" "$M_ID")"
done
expect_eq "forks at m2" 0 "$(ek m2 status --json | json .forks)"
wait_for 20 "m reachable at b" sh -c \
    "'$EKONET' --dir '$TESTDIR/b' network --json | jq -e '.members[] | select(.code == \"1280\" and .reachable)'"
ok "no fork, one m, its feed the same on every node; reports after the move reach everyone"

node_stop m2
node_stop b
node_stop a
