#!/usr/bin/env bash
# A planned change of key, with real daemons: `ekonet key rotate` on member a's running node
# makes its next key and a rotation signed by the current one; the node publishes nothing more
# until the board's succession act arrives, then switches its key files, starts again under
# the new key, publishes the member's profile under it and goes on; its reports reach everyone.
# The steps are those of docs/OPERATIONS.md ("A new key for a member").
. "$(dirname "$0")/lib.sh"

board_found "Sveriges Ekokommuner"
node_init b 0180   # Stockholm: the board's node
node_init a 2518   # Övertorneå
network_first b
network_join b a
for n in a b; do tune $n digest_interval 1; done
node_start a
old=$(node_id a)
ek a profile set --politician-name "Anna Andersson" >/dev/null
ek a report add --title "Solceller på skolan" --body "" >/dev/null
wait_for 20 "a's feed at b" has_head b "$old" 2

# --- the member rotates its key -------------------------------------------------------------------
node_init x 1480   # a node that has joined no network
node_start x
set +e
out=$(ek x key rotate 2>&1); rc=$?
set -e
node_stop x
expect_eq "rotate on a node that is no member exit" 1 "$rc"
expect_contains "rotate on a node that is no member" "not an admitted member" "$out"
out=$(ek a key rotate --out "$TESTDIR/rotation.txt" 2>&1)
[ -f "$TESTDIR/a/node.key.next" ] || fail "no node.key.next"
new=$(pubkey_of "$TESTDIR/a/node.key.next")
expect_contains "rotate says" "this node's next key is $new" "$out"
expect_contains "rotate says" "whose feed ends at seq 2" "$out"
expect_eq "the key file is the owner's alone" 600 "$(stat -c %a "$TESTDIR/a/node.key.next")"
j=$(ek a key rotate --json --out "$TESTDIR/rotation2.txt")
expect_eq "asked again: the same next key" "$new true 2" "$(echo "$j" | json '"\(.new_node_id) \(.pending) \(.last_seq)"')"
set +e
out=$(ek a report add --title "Under bytet" --body "" 2>&1); rc=$?
set -e
expect_eq "publish while rotating exit" 1 "$rc"
expect_contains "publish while rotating" "this node's key is being replaced (ekonet key rotate)" "$out"
ok "key rotate: a next key kept beside node.key (mode 600), a signed rotation, no publishing until the board acts"

# --- the board acts ---------------------------------------------------------------------------------
set +e
out=$(ek b board succeed --rotation "$TESTDIR/rotation.txt" --reason lost --decision "§7" 2>&1); rc=$?
set -e
expect_eq "a rotation with another reason exit" 2 "$rc"
expect_contains "a rotation with another reason" "a rotation is a planned succession" "$out"
# one base64 digit changed inside the signed rotation
sed -i -E '0,/^[A-Za-z0-9+/]{64}$/ { /^[A-Za-z0-9+/]{64}$/ { s/^(.{30})A/\1B/; t; s/^(.{30})./\1A/ } }' \
    "$TESTDIR/rotation2.txt"
set +e
out=$(ek b board succeed --rotation "$TESTDIR/rotation2.txt" --decision "§7" 2>&1); rc=$?
set -e
expect_eq "a changed rotation exit" 1 "$rc"
expect_contains "a changed rotation" "rotation2.txt: the rotation" "$out"
ek b board succeed --rotation "$TESTDIR/rotation.txt" --decision "Styrelsebeslut 2027-05-10 §7" \
    --out "$TESTDIR/succeed.ekp" 2>/dev/null
expect_contains "show" "(key planned, signed by the old key)" "$("$EKONET" board show "$TESTDIR/succeed.ekp")"
board_sign "$TESTDIR/succeed.ekp" b2 b3
ek b board publish "$TESTDIR/succeed.ekp" >/dev/null
# (jq 1.6 says yes to no input at all, as while the daemon starts again: compare the text)
runs_as() { [ "$(ek a status --json 2>/dev/null | json '"\(.node_id) \(.member)"')" = "$1 true" ]; }
wait_for 30 "a under its new key" runs_as "$new"
grep -q 'msg=restarting reason="key rotated"' "$TESTDIR/a.log" || fail "a did not log its restart"
grep -q 'msg="key replaced" old='"$old"' new='"$new" "$TESTDIR/a.log" || fail "a did not log the key switch"
[ ! -e "$TESTDIR/a/node.key.next" ] || fail "node.key.next is still there"
expect_eq "the old key kept aside" "$old" "$(pubkey_of "$TESTDIR/a/node.key.${old:0:16}.old")"
expect_eq "node.key is the new key" "$new" "$(pubkey_of "$TESTDIR/a/node.key")"
ok "the succession act arrives: a switches its key files, keeps the old key aside and runs under the new key"

# --- the member goes on under its new key --------------------------------------------------------
ek a report add --title "Biogas i kollektivtrafiken" --body "" >/dev/null
wait_for 30 "a's new feed at b" has_head b "$new" 2   # the adopted profile and the report
r=$(ek b report list --member 2518 --json)
expect_eq "reports of both keys at b" "Biogas i kollektivtrafiken,Solceller på skolan" "$(echo "$r" | json '[.reports[].title] | join(",")')"
expect_eq "listed as the member" "Övertorneå,Övertorneå" "$(echo "$r" | json '[.reports[].author_name] | join(",")')"
p=$(ek b profile show 2518 --json)
expect_eq "the profile under the new key" "$new Anna Andersson" "$(echo "$p" | json '"\(.member) \(.politician.name)"')"
m=$(ek b members --json)
expect_eq "one row, former key planned" "$new $old planned" "$(echo "$m" | json '.[] | select(.code == "2518") | "\(.node_id) \(.former_keys[0].node_id) \(.former_keys[0].reason)"')"
expect_eq "b's session with a" "$new" "$(ek b peers --json | json '.[0].node_id')"
ok "under its new key the member's profile and reports reach b, listed with the old key's as one member's"

node_stop a
node_stop b
