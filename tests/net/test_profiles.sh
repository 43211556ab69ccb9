#!/usr/bin/env bash
# Members' profiles on three nodes. b publishes its profile (contact persons with languages and
# expertise, and the endpoint its node really listens at); a sees it in `profile show` and in
# `members --contacts`; a newer profile replaces it (latest wins); a profile with a wrong code
# or a bad email is refused with the node's sentence and stores nothing; c, which knows only a
# as a seed and whose copy of b's application names a dead endpoint, dials b where b's profile
# says.
. "$(dirname "$0")/lib.sh"

board_found "Sveriges Ekokommuner"
node_init a 1980 # Västerås
node_init b 0180 # Stockholm
node_init c 1480 # Göteborg
# b's and c's applications advertise endpoints nobody listens at: no node reaches them there.
declare -A DEAD
for n in b c; do
    DEAD[$n]="tcp://127.0.0.1:$(free_port)"
    sed -i "s|^#advertise = .*|advertise = ${DEAD[$n]}|" "$(dir_of $n)/ekonetd.conf"
done
network_first a
network_join a b
network_join a c
for n in a b c; do tune $n digest_interval 1; done
node_start b
node_start c
B=$(node_id b)
live_out_to_b_at() { # live_out_to_b_at NODE ENDPOINT: NODE dialled b at ENDPOINT, session live
    [ "$(ek "$1" peers --json | jq -r --arg b "$B" \
        '.[] | select(.node_id == $b and .direction == "out" and .state == "live") | .endpoint')" = "$2" ]
}

# --- before any profile: the application stands in ---------------------------------------------
wait_for 20 "b's membership at a" sh -c "'$EKONET' --dir '$TESTDIR/a' members --json | jq -e 'length == 3'"
out=$(ek a profile show 0180)
expect_contains "application" "From its membership application" "$out"
expect_contains "application politician" "Politiker i b" "$out"
expect_eq "source" application "$(ek a profile show 0180 --json | json .source)"
expect_eq "application endpoint" "${DEAD[b]}" "$(ek a profile show 0180 --json | json '.endpoints[0]')"
ok "until b publishes a profile, a shows what b's application said"

# --- b publishes its profile; a sees it --------------------------------------------------------
out=$(ek b profile set --endpoint "tcp://127.0.0.1:${PORT[b]}" \
    --politician-name "Karin Wanngård" --politician-title "kommunstyrelsens ordförande" \
    --politician-email karin.wanngard@stockholm.example.se --politician-languages sv,en \
    --politician-expertise "klimat, budget" \
    --official-name "Per Olsson" --official-title miljöstrateg --official-phone "+46 8 508 290 00" \
    --official-languages "sv,fi,en" --official-expertise "avfall,energi,cirkulär ekonomi")
expect_contains "set" "Published profile" "$out"
expect_contains "set shows it" "expertise: avfall, energi, cirkulär ekonomi" "$out"
seq1=$(ek b profile show --json | json .seq)
wait_for 20 "b's profile at a" sh -c "'$EKONET' --dir '$TESTDIR/a' profile show 0180 --json | jq -e '.source == \"profile\"'"
p=$(ek a profile show 0180 --json)
expect_eq "seq at a" "$seq1" "$(echo "$p" | json .seq)"
expect_eq "endpoint at a" "tcp://127.0.0.1:${PORT[b]}" "$(echo "$p" | json '.endpoints | join(" ")')"
expect_eq "politician" "Karin Wanngård" "$(echo "$p" | json .politician.name)"
expect_eq "politician languages" "sv,en" "$(echo "$p" | json '.politician.languages | join(",")')"
expect_eq "politician expertise" "klimat|budget" "$(echo "$p" | json '.politician.expertise | join("|")')"
expect_eq "official languages" "sv,fi,en" "$(echo "$p" | json '.official.languages | join(",")')"
expect_eq "official phone" "+46 8 508 290 00" "$(echo "$p" | json .official.phone)"
out=$(ek a profile show b_is_stockholm 2>&1 || true)
expect_contains "unknown member" 'no member "b_is_stockholm"' "$out"
out=$(ek a profile show Stockholm)
expect_contains "show text" "Karin Wanngård, kommunstyrelsens ordförande" "$out"
expect_contains "show text languages" "languages: sv, fi, en" "$out"
ok "b publishes its profile with languages and expertise; a shows it (profile show)"

out=$(ek a members --contacts)
expect_contains "contacts b" "Stockholm (0180): from its profile (seq $seq1)" "$out"
expect_contains "contacts b official" "Per Olsson, miljöstrateg" "$out"
expect_contains "contacts b expertise" "expertise: avfall, energi, cirkulär ekonomi" "$out"
expect_contains "contacts a" "Västerås (1980): from its membership application" "$out"
expect_contains "contacts a politician" "Politiker i a" "$out"
c=$(ek a members --contacts --json)
expect_eq "contacts json" "profile sv,en klimat|budget" \
    "$(echo "$c" | json '.[] | select(.code == "0180") | "\(.source) \(.politician.languages | join(",")) \(.politician.expertise | join("|"))"')"
expect_eq "members json endpoint" "tcp://127.0.0.1:${PORT[b]}" \
    "$(ek a members --json | json '.[] | select(.code == "0180") | .endpoints[0]')"
ok "a's members --contacts says whom to ask at b, from b's profile, and at a, from its application"

# --- a newer profile replaces it everywhere -----------------------------------------------------
ek b profile set --official-name "Lisa Ek" --official-expertise vatten >/dev/null
seq2=$(ek b profile show --json | json .seq)
[ "$seq2" -gt "$seq1" ] || fail "the second profile's seq $seq2 is not after $seq1"
wait_for 20 "the newer profile at a" sh -c "'$EKONET' --dir '$TESTDIR/a' profile show 0180 --json | jq -e '.official.name == \"Lisa Ek\"'"
p=$(ek a profile show 0180 --json)
expect_eq "newer seq" "$seq2" "$(echo "$p" | json .seq)"
expect_eq "kept languages" "sv,fi,en" "$(echo "$p" | json '.official.languages | join(",")')"
expect_eq "replaced expertise" "vatten" "$(echo "$p" | json '.official.expertise | join(",")')"
expect_eq "kept politician" "Karin Wanngård" "$(echo "$p" | json .politician.name)"
expect_eq "members profile_seq" "$seq2" "$(ek a members --json | json '.[] | select(.code == "0180") | .profile_seq')"
wait_for 20 "the newer profile at c" sh -c "'$EKONET' --dir '$TESTDIR/c' profile show 0180 --json | jq -e '.seq == $seq2'"
ok "b's newer profile is the one in force at a and c (latest wins); what it did not change stays"

# --- refusals ------------------------------------------------------------------------------------
before=$(ek b status --json | json .own_seq)
bad() { # bad EXIT TEXT COMMAND...
    local want=$1 text=$2 out rc
    shift 2
    set +e
    out=$("$@" 2>&1 </dev/null)
    rc=$?
    set -e
    expect_eq "exit of: $*" "$want" "$rc"
    expect_contains "message of: $*" "$text" "$out"
}
bad 1 'the politician contact person'"'"'s email "karin(at)stockholm" is not an address' \
    ek b profile set --politician-email "karin(at)stockholm"
bad 1 'the official contact person'"'"'s language "svenska" is not a language tag' \
    ek b profile set --official-languages svenska
bad 1 "endpoint 1 must look like tcp://host:7650" ek b profile set --endpoint http://b.example.se
bad 1 "nothing would change" ek b profile set --official-name "Lisa Ek"
bad 1 'the profile'"'"'s code "1980" is not 0180, the code this member was admitted with' \
    "$TESTPEER" profile "$(dir_of b)" 1980
bad 0 "published seq" "$TESTPEER" profile "$(dir_of b)" 0180 # the same, with the right code: ok
expect_eq "one entry stored" "$((before + 1))" "$(ek b status --json | json .own_seq)"
ok "a profile with a bad email or language, a wrong code, or no change is refused with a sentence"

# --- c dials b where b's profile says -----------------------------------------------------------
# c knows only a as a seed; b's application names a dead endpoint, b's profile its real one.
ek b profile set --politician-name "Karin Wanngård" --official-name "Lisa Ek" \
    --endpoint "tcp://127.0.0.1:${PORT[b]}" >/dev/null
wait_for 60 "c dialling b at its profile's endpoint" live_out_to_b_at c "tcp://127.0.0.1:${PORT[b]}"
ok "c, which knows only a, dials b at the endpoint of b's profile"

for n in a b c; do node_stop $n; done
