#!/usr/bin/env bash
# A node restored from an old copy of its data directory, with the other members
# offline and online; forks in every shape (the restored branch shorter, longer, as long as
# the network's), found by both sides whichever is ahead; a self-fork forced by the operator
# told to the operator as such. Whatever the CLI reported as published or pending reaches
# every member, or the CLI and `ekonet status` say why not.
. "$(dirname "$0")/lib.sh"

board_found "Livscykeln"
node_init a 2518 # restored, the shorter branch in the forced fork
node_init b 2514 # the other members
node_init c 2583
node_init d 2584 # restored: the longer branch
node_init e 2580 # restored: a branch as long as the network's
network_first a
for n in b c d e; do network_join a $n; done
for n in a b c d e; do tune $n digest_interval 1; done
for n in b c d e; do node_start $n; done
A=$(node_id a)
D=$(node_id d)
E=$(node_id e)

publish() { ek "$1" report add --title "$2" --summary "Från $1" --body "Så gjorde vi." "${@:3}"; }
seq_of() { sed -n 's/.*(seq \([0-9]*\)).*/\1/p'; }
# backup NODE: a copy of NODE's data directory, the daemon stopped for it.
backup() { node_stop "$1"; rm -rf "$TESTDIR/$1.bak"; cp -a "$(dir_of "$1")" "$TESTDIR/$1.bak"; node_start "$1"; }
# restore NODE: the copy put back in place of the directory, the daemon stopped (a lost disk).
restore() { rm -rf "$(dir_of "$1")"; cp -a "$TESTDIR/$1.bak" "$(dir_of "$1")"; }
forks() { ek "$1" status --json | json .forks; }

# --- restored with the other members offline ---------------------------------------------
for i in 1 2 3; do publish a "Rapport $i" >/dev/null; done
wait_for 30 "a's reports 1-3 at b" has_head b "$A" 3
backup a
for i in 4 5; do publish a "Rapport $i" >/dev/null; done
wait_for 30 "a's reports 4-5 at b" has_head b "$A" 5
wait_for 30 "a's reports 4-5 at c" has_head c "$A" 5
for n in a b c d e; do node_stop $n; done
restore a
node_start a
out=$(publish a "Efter återställningen")
expect_contains "publish after the restore" "Kept report as pending (no. 1)" "$out"
expect_contains "what it waits for" "confirmed the head of its feed (seq 3)" "$out"
expect_contains "nothing is lost" "nothing is lost" "$out"
st=$(ek a status)
expect_contains "status while unconfirmed" "not confirmed yet" "$st"
expect_contains "status: pending" "1 publish kept until then" "$st"
expect_eq "pending list" "waiting Efter återställningen" \
    "$(ek a pending --json | json '.items[0].state + " " + .items[0].title')"
expect_eq "a's head while pending" 3 "$(head_of a "$A")"
ok "restored with every other member offline: a publish is kept as pending, and the CLI says why"

node_start b
wait_for 30 "a taking back 4-5 and signing the pending report" has_head a "$A" 6
wait_for 30 "a's seq 6 at b" has_head b "$A" 6
expect_eq "the pending report" "signed 6" "$(ek a pending --json | json '.items[0].state + " " + (.items[0].seq|tostring)')"
expect_eq "confirmed by" Kalix "$(ek a pending --json | json .confirmed_by)"
expect_eq "a and b hold the same feed" "$(feed_dump a "$A")" "$(feed_dump b "$A")"
for n in a b; do expect_eq "$n: forks" 0 "$(forks $n)"; done
expect_contains "a's own reports" "Efter återställningen" "$(ek b report list --member 2518)"
ok "when b returns, a takes back seq 4-5 first, then signs the pending report as seq 6: no fork"

# --- restored with the other members online ----------------------------------------------
for n in c d e; do node_start $n; done
backup a
for i in 7 8; do publish a "Rapport $i" >/dev/null; done
wait_for 30 "a's 7-8 at b" has_head b "$A" 8
node_stop a
restore a
node_start a
out=$(publish a "Direkt efter start")
expect_eq "seq of the publish" 9 "$(echo "$out" | seq_of)"
wait_for 30 "a's seq 9 at c" has_head c "$A" 9
for n in a b c; do expect_eq "$n: forks" 0 "$(forks $n)"; done
ok "restored with the others online: a takes back 7-8 within the CLI's wait and publishes seq 9"

# --- a forced self-fork: the restored branch is the shorter ------------------------------
backup a
for i in 10 11; do publish a "Rapport $i" >/dev/null; done
wait_for 30 "a's 10-11 at b" has_head b "$A" 11
wait_for 30 "a's 10-11 at c" has_head c "$A" 11
for n in a b c d e; do node_stop $n; done
restore a
node_start a
out=$(ek a pending confirm --yes)
expect_contains "confirmed by the operator" "confirmed: by the operator" "$out"
expect_eq "forced publish" 10 "$(publish a "Tvingad" | seq_of)"
node_start b
node_start c
for n in a b c; do wait_for 30 "$n finding the fork" sh -c "[ \$($EKONET --dir $(dir_of $n) status --json | jq .forks) -ge 1 ]"; done
st=$(ek a status)
expect_contains "a's status" "FORKED at seq 10" "$st"
expect_contains "a's status: what to do" "The board must give the member a new key" "$st"
expect_eq "a's own fork seq" 10 "$(ek a status --json | json .own_fork_seq)"
set +e
out=$(publish a "Efter gaffeln" 2>&1); rc=$?
set -e
expect_eq "publish after the fork: exit" 1 "$rc"
expect_contains "publish after the fork" "own feed forked at seq 10" "$out"
grep -q 'msg="own feed forked" seq=10' "$TESTDIR/a.log" || fail "a's log does not name its own fork"
ok "a forced self-fork (a shorter by one) is found by a, b and c; a says what happened and what the board must do"
node_stop a # it holds the others' feeds: the restored nodes below must find none online
node_start d

# --- the restored branch is the longer ---------------------------------------------------
publish d "D 1" >/dev/null
wait_for 30 "d's 1 at b" has_head b "$D" 1
backup d
publish d "D 2" >/dev/null
wait_for 30 "d's 2 at b" has_head b "$D" 2
wait_for 30 "d's 2 at c" has_head c "$D" 2
for n in b c d; do node_stop $n; done
restore d
node_start d
ek d pending confirm --yes >/dev/null
for i in 2 3 4; do publish d "D prim $i" >/dev/null; done
node_start b
node_start c
for n in b c d; do wait_for 30 "$n finding d's fork" sh -c "[ \$($EKONET --dir $(dir_of $n) status --json | jq .forks) -ge 2 ]"; done
expect_eq "d's own fork seq" 2 "$(ek d status --json | json .own_fork_seq)"
expect_eq "b keeps d's feed up to the fork" 2 "$(head_of b "$D")"
ok "a fork where the restored branch is the longer (seq 2-4 against 2) is found at seq 2 on every side"

# --- both branches as long -----------------------------------------------------------------
node_start e
publish e "E 1" >/dev/null
wait_for 30 "e's 1 at b" has_head b "$E" 1
backup e
publish e "E 2" >/dev/null
wait_for 30 "e's 2 at b" has_head b "$E" 2
for n in b c d e; do node_stop $n; done
restore e
node_start e
ek e pending confirm --yes >/dev/null
publish e "E prim 2" >/dev/null
node_start b
node_start c
for n in b c e; do wait_for 30 "$n finding e's fork" sh -c "[ \$($EKONET --dir $(dir_of $n) status --json | jq .forks) -ge 3 ]"; done
expect_eq "e's own fork seq" 2 "$(ek e status --json | json .own_fork_seq)"
ok "a fork of two branches of the same length (seq 2 against seq 2) is found by both sides"

# --- a publish pending when the backup was made is not signed twice -------------------------
C=$(node_id c)
node_stop e
node_stop b
node_stop c
node_start c # alone: unconfirmed
before=$(head_of c "$C")
expect_contains "c keeps it" "Kept report as pending" "$(publish c "Väntande rapport")"
backup c # the copy lists it as waiting
node_start b
wait_for 30 "c signing it" has_head c "$C" $((before + 1))
wait_for 30 "c's report at b" has_head b "$C" $((before + 1))
node_stop c
restore c
node_start c
wait_for 30 "c's restored pending list settled" sh -c \
    "[ \"\$($EKONET --dir $(dir_of c) pending --json | jq -r '.items[0].state')\" = signed ]"
expect_eq "c's head after the restore" $((before + 1)) "$(head_of c "$C")"
expect_eq "the report at b, once" 1 "$(ek b report list --member 2583 --json | jq "[.reports[] | select(.title == \"Väntande rapport\")] | length")"
grep -q 'msg="pending publish signed before"' "$TESTDIR/c.log" || fail "c's log does not say it"
ok "a publish still pending in a backup, signed after it, is not signed again after the restore"

# --- ekonet pending: its usage errors and a stopped daemon ---------------------------------
expect_contains "pending, nothing kept" "Nothing has been kept as pending" "$(ek b pending)"
for args in "bogus" "--yes" "confirm extra" "--bogus"; do
    set +e
    # shellcheck disable=SC2086 # the words are the arguments
    out=$(ek b pending $args 2>&1); rc=$?
    set -e
    expect_eq "pending $args: exit" 2 "$rc"
    expect_contains "pending $args: help hint" "ekonet pending --help" "$out"
done
node_stop b
set +e
out=$(ek b pending 2>&1); rc=$?
set -e
expect_eq "pending with the daemon stopped: exit" 3 "$rc"
ok "ekonet pending: usage errors exit 2 and say where help is; a stopped daemon exits 3"
