#!/usr/bin/env bash
# Contact requests with real daemons: a sends a request to b while b is stopped; c, the only
# node both of them talk to, relays it without being able to read it; b starts later, gets it
# and replies; a sees the answer with b's contact details. Every node is killed with SIGKILL
# somewhere in the exchange and nothing is lost or shown twice. Tampered envelopes are
# refused, requests to revoked or unknown members are refused at once, and an expired request
# is dropped everywhere.
. "$(dirname "$0")/lib.sh"

board_found "Sveriges Ekokommuner"
node_init c 2518 # Övertorneå: the relay
node_init a 0180 # Stockholm: asks
node_init b 1280 # Malmö: is asked
node_init d 2480 # Umeå: admitted, its daemon never runs (its key speaks through the test peer)
node_init e 0380 # Uppsala: admitted, then revoked
network_first c
for n in a b d e; do network_join c $n; done
# a and b dial only c, and c dials no one: everything between a and b passes through c
for n in a b c; do
    tune $n dial_members no
    tune $n digest_interval 1
done
seeds c
node_start a
node_start b
wait_for 20 "a and b have the roster" sh -c \
    "[ \$($EKONET --dir $(dir_of a) members --json | jq length) = 5 ] &&
     [ \$($EKONET --dir $(dir_of b) members --json | jq length) = 5 ]"
NET=$(ek c status --json | json .network_id)
A=$(node_id a)
B=$(node_id b)

# --- refused at once ---------------------------------------------------------------------------
ask() { # ask NODE MEMBER SUBJECT [MORE OPTIONS]
    local n=$1 m=$2 s=$3
    shift 3
    ek "$n" contact request "$m" --role official --subject "$s" \
        --message "Hur gjorde ni med matsvinnet i skolköken?" --from-name "Karin Berg" \
        --from-title "Miljöstrateg" --reply-to karin.berg@stockholm.example.se "$@"
}
ek c board revoke 0380 --reason "Lämnade nätverket" --out "$TESTDIR/revoke-e.ekp" 2>/dev/null
board_sign "$TESTDIR/revoke-e.ekp" b1 b2
ek c board publish "$TESTDIR/revoke-e.ekp" >/dev/null
wait_for 20 "a sees e revoked" sh -c \
    "$EKONET --dir $(dir_of a) members --json | jq -e '.[] | select(.code == \"0380\" and .status == \"revoked\")'"
set +e
out_revoked=$(ask a 0380 "Till en som lämnat" 2>&1); rc_revoked=$?
out_unknown=$(ask a 9999 "Till ingen" 2>&1); rc_unknown=$?
out_self=$(ask a 0180 "Till mig själv" 2>&1); rc_self=$?
out_bad=$(ek a contact request 1280 --role official --subject x --message y --from-name K \
    --reply-to "inte en adress" 2>&1); rc_bad=$?
set -e
expect_eq "revoked exit" 1 "$rc_revoked"
expect_contains "revoked" "no longer a member of the network" "$out_revoked"
expect_eq "unknown exit" 1 "$rc_unknown"
expect_contains "unknown" 'no member "9999"' "$out_unknown"
expect_eq "self exit" 1 "$rc_self"
expect_contains "self" "that is this member" "$out_self"
expect_eq "bad address exit" 1 "$rc_bad"
expect_contains "bad address" "is not an email address" "$out_bad"
expect_eq "nothing in the outbox" 0 "$(ek a contact outbox --json | jq length)"
ok "requests to a revoked, an unknown or the own member, or with a bad address, are refused at once"

# --- a asks b while b is stopped; c relays -----------------------------------------------------
node_stop b
out=$(ask a 1280 "Matsvinn-7f3a i skolköken" --about topic:matsvinn --phone "08-508 000 00" --json)
ID=$(echo "$out" | json .id)
expect_eq "to" "Malmö" "$(echo "$out" | json .member.name)"
expect_contains "state" "$(echo "$out" | json .state)" "queued relayed"
state_of() { ek "$1" contact outbox --json | jq -r ".[] | select(.id == \"$ID\") | .state"; }
relay_held() { ek "$1" status --json | jq -r .contacts.relay_held; }
wait_for 20 "a's request relayed" sh -c "[ \"\$($EKONET --dir $(dir_of a) contact outbox --json | jq -r '.[0].state')\" = relayed ]"
wait_for 20 "c holds the envelope" sh -c "[ \$($EKONET --dir $(dir_of c) status --json | jq .contacts.relay_held) = 1 ]"
ok "a's request to b, who is offline, is relayed: c holds it"

# c is killed while holding it: the envelope survives
node_kill c
node_start c
expect_eq "held after SIGKILL" 1 "$(relay_held c)"
ok "c holds the envelope across a SIGKILL"

# c's files hold no plaintext; a's do (which shows the search would find it)
plain_in() { cat "$(dir_of "$1")"/ekonet.db* | grep -c -a -e "Matsvinn-7f3a" -e "matsvinnet i skolk" || true; }
expect_eq "plaintext on c" 0 "$(plain_in c)"
[ "$(plain_in a)" -gt 0 ] || fail "the sender's own database should hold its request"
ok "the relay's database holds no plaintext of the subject or the message"

# --- b comes back, a is gone: b gets the request, its ack waits at c -------------------------
node_kill a
node_start b
wait_for 20 "b received the request" sh -c "[ \$($EKONET --dir $(dir_of b) contact inbox --json | jq length) = 1 ]"
in=$(ek b contact inbox --json)
expect_eq "inbox id" "$ID" "$(echo "$in" | json '.[0].id')"
expect_eq "inbox state" new "$(echo "$in" | json '.[0].state')"
expect_eq "inbox subject" "Matsvinn-7f3a i skolköken" "$(echo "$in" | json '.[0].request.subject')"
expect_eq "inbox from" "Stockholm" "$(echo "$in" | json '.[0].member.name')"
expect_eq "inbox about" "topic:matsvinn" "$(echo "$in" | json '.[0].request.about')"
wait_for 20 "c dropped its copy on b's ack" sh -c "[ \$($EKONET --dir $(dir_of c) status --json | jq .contacts.relay_held) = 0 ]"
ok "b, started later, gets the request through c; b's acknowledgement makes c drop its copy"

node_start a
wait_for 20 "a sees delivered" sh -c "[ \"\$($EKONET --dir $(dir_of a) contact outbox --json | jq -r '.[0].state')\" = delivered ]"
ok "a, restarted after a SIGKILL, learns that b has it: delivered"

# --- tampered and replayed envelopes --------------------------------------------------------
# the sealed bytes of a second request, taken from a's store while b is away
envelope_of() { sqlite3 -readonly "$(dir_of a)/ekonet.db" "SELECT hex(raw) FROM envelopes ORDER BY n DESC LIMIT 1"; }
node_stop b
ask a 1280 "Andra frågan" >/dev/null
RAW=$(envelope_of)
[ -n "$RAW" ] || fail "no envelope in a's store"
node_start b
wait_for 20 "b has the second request" sh -c "[ \$($EKONET --dir $(dir_of b) contact inbox --json | jq length) = 2 ]"
refused() { ek b status --json | json .contacts.envelopes_refused; }
refused0=$(refused)
for how in tamper-box tamper-header; do
    "$TESTPEER" envelope "tcp://127.0.0.1:${PORT[b]}" "$B" "$(dir_of d)/node.key" "$NET" "$RAW" $how >/dev/null
done
expect_eq "refused counted" $((refused0 + 2)) "$(refused)"
"$TESTPEER" envelope "tcp://127.0.0.1:${PORT[b]}" "$B" "$(dir_of d)/node.key" "$NET" "$RAW" as-is >/dev/null
expect_eq "replay not refused" $((refused0 + 2)) "$(refused)"
expect_eq "inbox after replay" 2 "$(ek b contact inbox --json | jq length)"
ok "tampered envelopes (box or signed header) are refused and counted; a replay shows once"

# --- b replies and is killed at once; a sees the answer -------------------------------------
out=$(ek b contact reply "${ID:0:10}" --accept --text "Ring mig gärna, vi har en bra modell." --json)
expect_eq "b's state" answered "$(echo "$out" | json .state)"
node_kill b
node_start b
wait_for 20 "a sees answered" sh -c "[ \"\$($EKONET --dir $(dir_of a) contact outbox --json | jq -r '.[] | select(.id == \"$ID\") | .state')\" = answered ]"
show=$(ek a contact show "${ID:0:8}")
expect_contains "show" "Accepted by Tjänsteman i b" "$show"
expect_contains "show phone" "+46 8 123 45 67" "$show"
expect_contains "show text" "Ring mig gärna" "$show"
js=$(ek a contact show "$ID" --json)
expect_eq "answer" accept "$(echo "$js" | json .reply.answer)"
expect_eq "responder" "Tjänsteman i b" "$(echo "$js" | json .reply.responder.name)"
wait_for 20 "b's reply acknowledged" sh -c "[ \"\$($EKONET --dir $(dir_of b) contact inbox --json | jq -r '.[] | select(.id == \"$ID\") | .reply_state')\" = delivered ]"
ok "b replies and is killed; after its restart a sees \"answered\" with b's contact details"

set +e
out=$(ek b contact reply "$ID" --decline 2>&1); rc=$?
set -e
expect_eq "second reply exit" 1 "$rc"
expect_contains "second reply" "already" "$out"
ek a contact show "${ID:0:8}" >/dev/null
expect_eq "inbox once" 2 "$(ek b contact inbox --json | jq length)"
expect_eq "outbox once" 2 "$(ek a contact outbox --json | jq length)"
ok "a request is answered once; after every restart each request shows once"

# --- direct delivery: a dials b itself when it has something for b ---------------------------
node_stop a
tune a dial_members yes
tune a outbound 0 # a dials no one of its own accord, and nobody dials a
node_start a
ask a 1280 "Fjärde frågan" >/dev/null
wait_for 30 "delivered directly" sh -c "[ \"\$($EKONET --dir $(dir_of a) contact outbox --json | jq -r '.[0].state')\" = delivered ]"
expect_eq "a's session with b" "$B" "$(ek a peers --json | jq -r '.[] | select(.node_id == "'"$B"'") | .node_id')"
node_stop a
tune a dial_members no
tune a outbound 8
node_start a
ok "a node that holds a request for a member it has no session with dials that member itself"

# --- expiry ---------------------------------------------------------------------------------
inbox=$(ek b contact inbox --json | jq length)
node_stop b
ask a 1280 "Tredje frågan" --expires 1 >/dev/null
RAW=$(envelope_of)
wait_for 20 "c holds the third" sh -c "[ \$($EKONET --dir $(dir_of c) status --json | jq .contacts.relay_held) = 1 ]"
node_stop c
node_stop a
node_start_later c +2d
node_start_later a +2d
wait_for 20 "c dropped it at expiry" sh -c "[ \$($EKONET --dir $(dir_of c) status --json | jq .contacts.relay_held) = 0 ]"
wait_for 20 "a's request expired" sh -c "[ \"\$($EKONET --dir $(dir_of a) contact outbox --json | jq -r '.[0].state')\" = expired ]"
expect_eq "a dropped its copy" "" "$(envelope_of)"
node_start_later b +2d
refused0=$(refused)
"$TESTPEER" envelope "tcp://127.0.0.1:${PORT[b]}" "$B" "$(dir_of d)/node.key" "$NET" "$RAW" as-is >/dev/null
expect_eq "expired refused" $((refused0 + 1)) "$(refused)"
expect_eq "b never gets it" "$inbox" "$(ek b contact inbox --json | jq length)"
ok "a request past its expiry is dropped by relay and sender, expires in the outbox, and is refused by its recipient"
