#!/usr/bin/env bash
# Lazy push (docs/PROTOCOL.md 7.5). Four nodes in a full mesh: a push that brings only entries a
# node holds turns that session lazy, so new entries soon travel a tree of eager sessions and
# each node gets each one about once; every report still reaches every node, also after a node
# of the tree stops. A test peer checks the exchange itself: a lazy session is told of new
# entries in Have messages, never pushed them; a Have of entries the node lacks makes it fetch
# them and ask for pushes again; a node left with fewer eager sessions than push_eager by a
# prune asks for that session back.
. "$(dirname "$0")/lib.sh"

board_found "Testnätet"
node_init a 2518
node_init b 0180
node_init c 1480
node_init d 1280
node_init x 0114 # the test peer's member key
network_first a
for n in b c d; do network_join a $n; done
admit a x
for n in a b c d; do tune $n digest_interval 1; tune $n push_eager 0; done # a tree
for n in b c d; do node_start $n; done
live() { [ "$(ek "$1" peers --json | jq '[.[] | select(.state == "live")] | length')" -ge "$2" ]; }
for n in a b c d; do wait_for 30 "$n in session with the three others" live $n 3; done
# Every node is up on loopback: no dial may time out (a dial's age once wrapped round when it
# was made in the same tick that checked it, closing it at once as timed out).
timeouts=$(cat "$TESTDIR"/[abcd].log | grep -c 'msg="dial failed".*reason=timeout' || true)
expect_eq "dials timed out" 0 "$timeouts"
ok "four nodes in a full mesh, no dial timed out"

total() { ek "$1" report list --json | jq .total; }
everywhere() { for n in "$@"; do [ "$(total $n)" -ge "$WANT" ] || return 1; done; }
metric() { # metric NODE NAME: the sum of NAME's samples at NODE
    curl -s "http://127.0.0.1:${MPORT[$1]}/metrics" | awk -v m="$2" '$1 == m || index($1, m "{") == 1 { s += $2 } END { print s + 0 }'
}
dups() { local s=0 n; for n in "$@"; do s=$((s + $(metric $n ekonet_entries_duplicate_total))); done; echo $s; }
publish() { # publish NODE... : one report at each, each waited for everywhere
    local n
    for n in "$@"; do
        WANT=$((WANT + 1))
        ek $n report add --title "Rapport $WANT från $n" --body "Text $WANT" >/dev/null
        wait_for 20 "report $WANT at every node" everywhere $NODES
    done
}
WANT=0
NODES="a b c d"
publish a b c d a b
lazy=0
for n in a b c d; do lazy=$((lazy + $(metric $n ekonet_sessions_lazy))); done
[ "$lazy" -ge 2 ] || fail "no session turned lazy: $lazy"
shown=$(for n in a b c d; do ek $n peers --json | jq '[.[] | select(.push == "lazy")] | length'; done | paste -sd+ | bc)
expect_eq "lazy sessions in ekonet peers" "$lazy" "$shown"
expect_contains "peers table" "PUSH" "$(ek a peers)"
ok "duplicate pushes turn sessions lazy ($lazy session ends of 12)"

# Flooding would bring each report to each of the three other nodes three times: six
# duplicates a report. Along a tree of eager sessions there are none; on a loaded machine a
# fetch after a Frontier (every second here) can race a push, a duplicate or two a report.
before=$(dups a b c d)
publish c d a b c d
after=$(dups a b c d)
[ $((after - before)) -le 12 ] || fail "six reports brought $((after - before)) duplicates (flooding: 36)"
ok "six more reports reach every node with $((after - before)) duplicates (flooding: 36)"

# A node of the tree stops: the others are told of new entries over their lazy sessions and
# fetch them, and push along those sessions from then on.
hub=$(for n in a b c d; do echo "$(($(metric $n ekonet_sessions_lazy))) $n"; done | sort -n | head -n 1 | cut -d' ' -f2)
node_stop "$hub"
NODES=$(echo a b c d | tr ' ' '\n' | grep -v "^$hub$" | tr '\n' ' ')
rest=($NODES)
publish "${rest[0]}" "${rest[1]}" "${rest[2]}"
ok "with $hub (the most eager sessions) stopped, reports still reach ${rest[*]}"
node_start "$hub"

# --- the exchange, with a test peer -----------------------------------------------------------
NET=$(ek a status --json | json .network_id)
# lazy_peer SECONDS: the test peer, as x, for SECONDS. Its lines go to peer.log (shown with the
# nodes' logs if the test fails), emptied here first: the shell opens the file only in the
# background job, and a wait below could still read the last run's lines.
lazy_peer() {
    : >"$TESTDIR/peer.log"
    "$TESTPEER" lazy "tcp://127.0.0.1:${PORT[a]}" "$(node_id a)" "$TESTDIR/x/node.key" "$NET" "$1" \
        >>"$TESTDIR/peer.log" 2>&1 &
    PEER=$!
}
said() { grep -qx "$1" "$TESTDIR/peer.log"; }
lazy_peer 30
wait_for 10 "the test peer's session" said ready
ek a report add --title "Till en lat session" --body "Text" >/dev/null
wait_for 10 "a Have from a" said have
said "push 1" && fail "a pushed to a session that asked for lazy push: $(cat "$TESTDIR/peer.log")"
ok "a lazy session is told of a new entry in a Have, not pushed it"
wait_for 10 "a asks for the test peer's feed" said "want 1"
wait_for 10 "a asks for pushes" said eager
wait_for 10 "the test peer's feed at a" has_head a "$(node_id x)" 3
ek a report add --title "Till en ivrig session" --body "Text" >/dev/null
wait_for 10 "a push" said "push 1"
kill "$PEER" 2>/dev/null
wait "$PEER" 2>/dev/null || true
ok "a Have of entries a lacks: a fetches them and asks to be pushed again, then pushes"
[ "$(metric a ekonet_push_mode_changes_total)" -ge 1 ] || fail "not counted"
[ "$(metric a ekonet_haves_sent_total)" -ge 1 ] || fail "Haves not counted"
ok "push mode changes and Haves are counted"

# A node keeps push_eager ways in: pruned below that, it asks for the session back at once,
# and goes on pushing over it.
node_stop a
tune a push_eager 8 # more than a has sessions
node_start a
wait_for 30 "a in session with the three others" live a 3
lazy_peer 60
wait_for 10 "the test peer's session" said ready
wait_for 10 "a asks to be pushed to again" said eager
ek a report add --title "Till en session som behövs" --body "Text" >/dev/null
wait_for 10 "a push" said "push 1"
kill "$PEER" 2>/dev/null
wait "$PEER" 2>/dev/null || true
said have && fail "a announced to a session it asked pushes of: $(cat "$TESTDIR/peer.log")"
ok "a node with fewer eager sessions than push_eager answers a prune by asking for pushes, and pushes"
