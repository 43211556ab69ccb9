#!/usr/bin/env bash
# The knowledge bank on three nodes: what a is published at a, c finds (with and without
# diacritics, with filters); edits, retractions and redactions reach c; events are listed in
# Swedish time; bad input is refused with a clear message and stores nothing.
. "$(dirname "$0")/lib.sh"

board_found "Sveriges Ekokommuner"
node_init a 1980   # Västerås
node_init b 0180   # Stockholm
node_init c 1480   # Göteborg
network_first a
network_join a b
network_join a c
for n in a b c; do tune $n digest_interval 1; done
node_stop a
for n in a b c; do node_start $n; done
reports_at() { ek "$1" report list --json | jq -r '[.reports[].title] | join("|")'; }

# --- publish at a, find at c ------------------------------------------------------------------
ek a report add --title "Matavfall i Malmö och Västerås" --summary "Insamling i flerbostadshus" \
    --body "Vi började i Rosengård med bruna påsar." --topic avfall --indicator GN.7 \
    --period 2021-2023 >/dev/null
ek a report add --title "Solceller på förskolor" --body "Tolv förskolor fick solceller." \
    --topic energi --indicator GN.9 >/dev/null
ek b report add --title "Tidningen skrev om vår cykelsatsning" --kind media \
    --attach "media:https://tidning.example.se/cykel:Cyklar i stan" --body "" >/dev/null
wait_for 20 "three reports at c" sh -c "[ \$('$EKONET' --dir '$TESTDIR/c' report list --json | jq .total) -eq 3 ]"
expect_contains "search with diacritics" "Matavfall i Malmö" "$(ek c report search Malmö)"
expect_contains "search without diacritics" "Matavfall i Malmö" "$(ek c report search malmo)"
expect_contains "search on body, folded" "Matavfall" "$(ek c report search rosengard)"
expect_contains "search by prefix" "Solceller" "$(ek c report search 'solcell*')"
snip=$(ek c report search rosengård --json | json '.reports[0].snippet')
expect_contains "snippet" "Rosengård" "$snip"
expect_eq "all words must match" 0 "$(ek c report search malmo solceller --json | json .total)"
ok "a report published at a is found by a search at c, with and without diacritics"

expect_eq "--topic" "Solceller på förskolor" "$(ek c report list --topic energi --json | json '.reports[].title')"
expect_eq "--indicator" "Matavfall i Malmö och Västerås" "$(ek c report list --indicator GN.7 --json | json '.reports[].title')"
expect_eq "--member by code" "Tidningen skrev om vår cykelsatsning" "$(ek c report list --member 0180 --json | json '.reports[].title')"
expect_eq "--kind media" "Tidningen skrev om vår cykelsatsning" "$(ek c report search 'cykel*' --kind media --json | json '.reports[].title')"
# Two days ahead: the CLI reads dates in Swedish time, which near midnight is already tomorrow.
expect_eq "--since the day after tomorrow" 0 "$(ek c report list --since "$(date -d "+2 days" +%F)" --json | json .total)"
expect_eq "--until the day after tomorrow" 3 "$(ek c report list --until "$(date -d "+2 days" +%F)" --json | json .total)"
ok "list and search filter by member, topic, indicator, kind and date"

# --- edit ---------------------------------------------------------------------------------------
id=$(ek a report list --topic avfall --json | json '.reports[0].id')
ek a report edit "${id:0:10}" --title "Matavfall i Malmö och Västerås, 2024" >/dev/null
wait_for 10 "the edit at c" sh -c "'$EKONET' --dir '$TESTDIR/c' report list | grep -q ', 2024'"
expect_eq "c lists the newest only" 3 "$(ek c report list --json | json .total)"
new=$(ek c report list --topic avfall --json | json '.reports[0].id')
expect_contains "c shows the version" "Version 2 of 2, changed: title." "$(ek c report show "$new")"
expect_contains "the body stayed" "bruna påsar" "$(ek c report show "$new")"
ok "an edit at a supersedes the report at c; show tells there is an earlier version"

# --- events ------------------------------------------------------------------------------------
ek a events add --title "Ekokommunernas årsmöte" --kind annual-meeting --start "2030-05-20 09:00" \
    --end "2030-05-21 15:00" --location "Övertorneå" >/dev/null
ek b events add --title "Webbinarium om matsvinn" --kind webinar --start "2030-02-03 13:00" \
    --url https://example.se/webbinarium >/dev/null
ek b events add --title "Studiebesök 2020" --kind study-visit --start "2020-09-01" >/dev/null
wait_for 10 "events at c" sh -c "[ \$('$EKONET' --dir '$TESTDIR/c' events list --json | jq .total) -eq 2 ]"
expect_eq "upcoming first" "Webbinarium om matsvinn|Ekokommunernas årsmöte" \
    "$(ek c events list --json | json '[.events[].title] | join("|")')"
expect_contains "Swedish time" "2030-05-20 09:00 CEST" "$(ek c events list)"
expect_contains "winter time" "2030-02-03 13:00 CET" "$(ek c events list)"
expect_eq "past" "Studiebesök 2020" "$(ek c events list --past --json | json '.events[].title')"
eid=$(ek c events list --json | json '.events[1].id')
ek a events cancel "${eid:0:10}" >/dev/null
wait_for 10 "the cancellation at c" sh -c "'$EKONET' --dir '$TESTDIR/c' events list | grep -q CANCELLED"
ok "events are listed upcoming first in Swedish time (CET/CEST); a cancellation reaches c"

# --- retract -----------------------------------------------------------------------------------
sol=$(ek a report list --topic energi --json | json '.reports[0].id')
ek a report retract "${sol:0:10}" --reason "Fel uppgifter" >/dev/null
wait_for 10 "the retraction at c" sh -c "! '$EKONET' --dir '$TESTDIR/c' report list | grep -q Solceller"
expect_eq "search hides it" 0 "$(ek c report search solceller --json | json .total)"
set +e
out=$(ek c report show "$sol" 2>&1); rc=$?
set -e
expect_eq "show retracted exit" 1 "$rc"
expect_contains "show retracted" "was retracted by its author" "$out"
ok "a retraction at a hides the report everywhere, c included"

# --- redact ------------------------------------------------------------------------------------
ek a report add --title "Kontaktlista" --body "Ring Anna på PERSONNUMMER-19121212-1212" >/dev/null
wait_for 10 "the report at c" sh -c "'$EKONET' --dir '$TESTDIR/c' report list | grep -q Kontaktlista"
grep -qa "PERSONNUMMER-19121212" "$TESTDIR/c/ekonet.db" "$TESTDIR/c/ekonet.db-wal" || fail "the marker is not at c to begin with"
kid=$(ek a report list --json | json '.reports[0].id')
ek a report redact "$kid" --reason "Personnummer" >/dev/null
wait_for 10 "the redaction at c" sh -c "! '$EKONET' --dir '$TESTDIR/c' report list | grep -q Kontaktlista"
for f in "$TESTDIR"/c/ekonet.db*; do
    if grep -qai "personnummer-19121212\|19121212" "$f"; then fail "the redacted content is still in $f"; fi
done
expect_contains "show redacted" "was redacted" "$(ek c report show "$kid" 2>&1 || true)"
expect_contains "c verifies" "0 problems" "$("$EKONETD" --dir "$TESTDIR/c" --verify)"
expect_contains "a counts the redacted entry" "(1 without content)" "$("$EKONETD" --dir "$TESTDIR/a" --verify)"
ok "a redaction removes the content bytes from c's database; c's chains still verify"

# --- bad input stores nothing ------------------------------------------------------------------
before=$(ek a status --json | json .entries)
bad() { # bad EXIT TEXT COMMAND...
    local want=$1 text=$2 out rc
    shift 2
    set +e
    out=$("$@" 2>&1 </dev/null); rc=$?
    set -e
    expect_eq "exit of: $*" "$want" "$rc"
    expect_contains "message of: $*" "$text" "$out"
}
bad 1 "needs a link" ek a report add --title x --kind media --body ""
bad 1 "another member's" ek a report edit "$(ek c report list --member 0180 --json | json '.reports[0].id')" --title x
# an edit through an earlier version's id edits the newest (test_reports_edit.sh); show says so
expect_contains "an old id shows the newest" "Version 2 of 2" "$(ek a report show "$id")"
bad 1 "was retracted" ek a report edit "$sol" --title x
bad 1 "only entries of its own feed" ek a report retract "$(ek c report list --member 0180 --json | json '.reports[0].id')"
bad 2 "--reason is required" ek a report redact "$kid"
bad 2 "give the words" ek a report search
bad 2 "--since needs a date" ek a report list --since igår
bad 2 "--kind must be" ek a events add --title x --kind fest --start 2030-01-01
bad 1 "the end must not be before the start" ek a events add --title x --kind seminar --start "2030-01-02" --end "2030-01-01"
bad 2 "--start needs a time" ek a events add --title x --kind seminar --start snart
bad 1 "cancelled already" ek a events cancel "$(ek a events list --json | json '.events[] | select(.cancelled) | .id')"
bad 1 "has a newer version" ek a events cancel "$eid"
expect_eq "nothing stored" "$before" "$(ek a status --json | json .entries)"
ok "bad input to each command gets a clear message and the right exit code, and stores nothing"

# --- the board redacts a member's entry ----------------------------------------------------------
mid=$(ek c report list --member 0180 --json | json '.reports[0].id')
ek a board redact "$mid" --reason "Upphovsrättsligt skyddad text" --out "$TESTDIR/redact.ekp" 2>/dev/null
board_sign "$TESTDIR/redact.ekp" b1 b2
ek a board publish "$TESTDIR/redact.ekp" >/dev/null
wait_for 10 "the board's redaction at c" sh -c "[ \$('$EKONET' --dir '$TESTDIR/c' report list --member 0180 --json | jq .total) -eq 0 ]"
wait_for 10 "the board's redaction at b" sh -c "[ \$('$EKONET' --dir '$TESTDIR/b' report list --member 0180 --json | jq .total) -eq 0 ]"
expect_contains "b verifies" "0 problems" "$("$EKONETD" --dir "$TESTDIR/b" --verify)"
ok "the board redacts a member's report with k signatures; it is erased at b and c"

for n in a b c; do node_stop $n; done
