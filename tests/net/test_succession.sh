#!/usr/bin/env bash
# A lost key, with real daemons: member a's node dies with its key; a new node with a new key
# takes its place by the board's succession act. On every node the member has one history:
# its indicator trend spans both keys (a year under both: the new key's value), its reports of
# both keys are listed under it, the members list shows one row with its former key. The old
# key can no longer connect, nor publish once its node learns the act.
# The steps are those of docs/OPERATIONS.md ("A new key for a member").
. "$(dirname "$0")/lib.sh"

board_found "Sveriges Ekokommuner"
node_init b 0180   # Stockholm: the board's node
node_init a 2518   # Övertorneå
node_init c 1480   # Göteborg
network_first b
network_join b a
network_join b c
for n in a b c; do tune $n digest_interval 1; done
node_start a
node_start c
old=$(node_id a)

# --- a publishes under its first key ----------------------------------------------------------
ek a report add --title "Solceller på skolan" --body "" >/dev/null
ek a indicators set 2020 GN.7=480 >/dev/null
ek a indicators set 2021 GN.7=455 >/dev/null
ek a profile set --politician-name "Anna Andersson" >/dev/null
for n in b c; do wait_for 20 "a's feed at $n" has_head "$n" "$old" 4; done
ok "member a publishes a report, two years of indicators and a profile under its first key"

# --- the disk dies: a new node, a new key, the board's succession ------------------------------
node_kill a
mv "$TESTDIR/a" "$TESTDIR/a-old"
node_init a2 2518
new=$(node_id a2)
set +e
out=$(ek b board succeed 2518 "$new" --reason planned --decision "§5" 2>&1); rc=$?
set -e
expect_eq "planned without a rotation exit" 2 "$rc"
expect_contains "planned without a rotation" "needs the member's rotation: --rotation FILE" "$out"
set +e
out=$(ek b board succeed 2518 "$(node_id c)" --reason lost --decision "§5" 2>&1); rc=$?
set -e
expect_eq "a member's key as the new key exit" 1 "$rc"
expect_contains "a member's key as the new key" "is a key of Göteborg already" "$out"
ek b board succeed 2518 "$new" --reason lost --decision "Styrelsebeslut 2027-03-02 §5" \
    --out "$TESTDIR/succeed.ekp" 2>/dev/null
expect_contains "show" "Makes node $new the member's key in place of node $old (key lost)" \
    "$("$EKONET" board show "$TESTDIR/succeed.ekp")"
expect_contains "show" "after seq 4 are refused" "$("$EKONET" board show "$TESTDIR/succeed.ekp")"
board_sign "$TESTDIR/succeed.ekp" b1 b3
expect_contains "publish" "Published the succeed act" "$(ek b board publish "$TESTDIR/succeed.ekp")"
ek b board bundle --seed "$(seed_of b)" --out "$TESTDIR/a2.bundle"
expect_contains "the new node joins" "This node is an admitted member" "$(ek a2 join "$TESTDIR/a2.bundle")"
node_start a2
ok "the board makes a new node's key the member's (k signatures); the new node joins as the member"

# --- the member goes on under its new key: one history everywhere -------------------------------
ek a2 indicators set 2021 GN.7=450 >/dev/null   # a correction of 2021, under the new key
ek a2 indicators set 2023 GN.7=412 >/dev/null
ek a2 report add --title "Biogas i kollektivtrafiken" --body "" >/dev/null
both_keys() { has_head "$1" "$old" 4 && has_head "$1" "$new" 3; }
for n in b c a2; do
    wait_for 30 "both keys' entries at $n" both_keys "$n"
    t=$(ek "$n" indicators trend --member 2518 GN.7 --json)
    expect_eq "trend years at $n" "2020,2021,2023" "$(echo "$t" | json '[.indicators[0].points[].year] | join(",")')"
    expect_eq "trend values at $n" "480,450,412" "$(echo "$t" | json '[.indicators[0].points[].value] | join(",")')"
    expect_eq "the member once in the network's 2021 at $n" 1 "$(echo "$t" | json '.indicators[0].network[] | select(.year == 2021) | .members')"
    r=$(ek "$n" report list --member 2518 --json)
    expect_eq "reports of both keys at $n" 2 "$(echo "$r" | json .total)"
    expect_eq "listed as the member at $n" "Övertorneå,Övertorneå" "$(echo "$r" | json '[.reports[].author_name] | join(",")')"
    expect_eq "authors at $n" "$new,$old" "$(echo "$r" | json '[.reports[].author] | join(",")')"
    m=$(ek "$n" members --json)
    expect_eq "one row at $n" 1 "$(echo "$m" | json '[.[] | select(.code == "2518")] | length')"
    expect_eq "current key at $n" "$new" "$(echo "$m" | json '.[] | select(.code == "2518") | .node_id')"
    expect_eq "former key at $n" "$old lost 4" "$(echo "$m" | json '.[] | select(.code == "2518") | .former_keys[0] | "\(.node_id) \(.reason) \(.last_seq)"')"
    expect_eq "profile at $n" "Anna Andersson" "$(ek "$n" profile show 2518 --json | json .politician.name)"
    ex=$(ek "$n" indicators examples GN.7 --json)
    # at the member's own node it is "you", shown apart from the others
    sel='[.best_value[] | select(.code == "2518") | .member] | join(",")'
    [ "$n" = a2 ] && sel='.you.member'
    expect_eq "the member once among the examples at $n" "$new" "$(echo "$ex" | json "$sel")"
done
expect_contains "members" "former key ${old:0:16}  until seq 4" "$(ek c members)"
ok "on every node: the trend spans both keys (the new key's 2021 wins), reports of both keys are the member's, one row with its former key"

# --- the old key is cut off -------------------------------------------------------------------------
b_ep="tcp://127.0.0.1:${PORT[b]}"
expect_eq "old key handshake" "handshake refused" \
    "$("$TESTPEER" handshake "$b_ep" "$(node_id b)" "$TESTDIR/a-old/node.key" || true)"
grep -q 'msg="peer refused".*reason=replaced' "$TESTDIR/b.log" || fail "b did not log the refusal"
# The old machine comes back (or a thief holds the key): once it has the board feed, it knows.
mv "$TESTDIR/a-old" "$TESTDIR/a"
ek a join "$TESTDIR/a2.bundle" >/dev/null
node_start a
grep -q 'msg="key replaced".*successor='"$new" "$TESTDIR/a.log" || fail "a did not log that its key was replaced"
set +e
out=$(ek a report add --title "Efter stölden" --body "" 2>&1); rc=$?
set -e
expect_eq "old key publishes exit" 1 "$rc"
expect_contains "old key publishes" "this node's key was replaced by ${new:0:16}" "$out"
expect_eq "nothing new from the old key at b" 4 "$(head_of b "$old")"
ok "the old key cannot connect (refused, logged) nor publish once its node has the act"

node_stop a
node_stop a2
node_stop b
node_stop c
