#!/usr/bin/env bash
# Notifications with real daemons: Stockholm (a) publishes reports and asks Malmö (b) for
# advice. On b, `ekonet watch` filtered by topic, indicator and member shows only what was
# asked for, by the report's title, and the contact request by who asks whom; b's [notify]
# command gets the matching report and the contact request as JSON on its standard input. A
# command that never ends is killed after the timeout, one that fails is counted, events past
# max_running are dropped and counted, and b keeps serving meanwhile.
. "$(dirname "$0")/lib.sh"

board_found "Sveriges Ekokommuner"
node_init a 0180 # Stockholm
node_init b 1280 # Malmö
for n in a b; do tune $n digest_interval 1; done
network_first a
network_join a b

# The notify command: what it does is read from $TESTDIR/mode (write, sleep or fail).
OUT=$TESTDIR/notified
mkdir -p "$OUT"
echo write >"$TESTDIR/mode"
cat >"$TESTDIR/notify.sh" <<SH
#!/bin/sh
case \$(cat "$TESTDIR/mode") in
write) cat >"$OUT/event.\$\$.tmp" && mv "$OUT/event.\$\$.tmp" "$OUT/event.\$\$.json" ;;
sleep) exec sleep 86399 ;;
fail) cat >/dev/null; echo "mail server refused" >&2; exit 3 ;;
esac
SH
chmod +x "$TESTDIR/notify.sh"
cat >>"$(dir_of b)/ekonetd.conf" <<CONF

[notify]
command = $TESTDIR/notify.sh
topics = Avfall, skolmat
indicators = GN.7
timeout = 2
max_running = 2
CONF
node_start b
wait_for 20 "b has the roster" sh -c "[ \$($EKONET --dir $(dir_of b) members --json | jq length) = 2 ]"

metric() { curl -s --max-time 5 "http://127.0.0.1:${MPORT[b]}/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

# --- watch filters ------------------------------------------------------------------------------
ek b watch --json --topic energi,avfall --count 1 >"$TESTDIR/topic.json" &
W1=$!
ek b watch --indicator GN.7 --count 1 >"$TESTDIR/indicator.txt" 2>/dev/null &
W2=$!
ek b watch --json --member Stockholm --kind report --count 2 >"$TESTDIR/member.json" &
W3=$!
"$EKONET" --dir "$(dir_of b)" watch --json --member 1280 --kind report --count 1 >"$TESTDIR/none.json" &
W4=$!
sleep 0.5
ek a report add --title "Cykelstråk" --topic transport --body "Om cyklar." >/dev/null
R2=$(ek a report add --title "Matavfall i skolköken" --topic avfall --topic skolmat \
    --body "Om matavfall." --json | json .id)
R3=$(ek a report add --title "Mindre svinn" --indicator GN.7 --body "Om svinn." --json | json .id)
wait_for 20 "b has a's three reports" sh -c "[ \$($EKONET --dir $(dir_of b) report list --json | jq .total) = 3 ]"
wait $W1 || fail "watch --topic exited with $?"
wait $W2 || fail "watch --indicator exited with $?"
wait $W3 || fail "watch --member exited with $?"
expect_eq "topic: the report on avfall" "$R2" "$(json .id <"$TESTDIR/topic.json")"
expect_eq "topic: its title" "Matavfall i skolköken" "$(json .title <"$TESTDIR/topic.json")"
expect_eq "topic: its topics" "avfall,skolmat" "$(jq -r '.topics | join(",")' <"$TESTDIR/topic.json")"
expect_eq "topic: kind" report "$(json .kind <"$TESTDIR/topic.json")"
expect_contains "indicator: the line names the title" \
    "new report \"Mindre svinn\" by Stockholm (ekonet report show ${R3:0:8})" \
    "$(cat "$TESTDIR/indicator.txt")"
expect_eq "member: Stockholm's reports, in order" "Cykelstråk,Matavfall i skolköken" \
    "$(jq -rs 'map(.title) | join(",")' <"$TESTDIR/member.json")"
kill $W4 2>/dev/null || true
wait $W4 2>/dev/null || true
expect_eq "member: none by Malmö" "" "$(cat "$TESTDIR/none.json")"
ok "ekonet watch filters by topic, indicator and member, and names the report's title"

set +e
out=$(ek b watch --member 9999 2>&1); rc=$?
out2=$(ek b watch --topic "" 2>&1); rc2=$?
set -e
expect_eq "unknown member exit" 1 "$rc"
expect_contains "unknown member" 'no member "9999"' "$out"
expect_eq "empty topic exit" 2 "$rc2"
expect_contains "empty topic" "--topic needs a value" "$out2"
ok "ekonet watch refuses an unknown member and an empty filter"

# --- the notify command: reports ----------------------------------------------------------------
wait_for 10 "two reports notified" sh -c "[ \$(find $OUT -name '*.json' | wc -l) = 2 ]"
titles=$(cat "$OUT"/*.json | jq -rs 'map(.title) | sort | join(",")')
expect_eq "notified reports (topics letter case aside, indicators)" \
    "Matavfall i skolköken,Mindre svinn" "$titles"
ev=$(cat "$OUT"/*.json | jq -s 'map(select(.id == "'"$R2"'"))[0]')
expect_eq "event kind" report "$(json .event <<<"$ev")"
expect_eq "event member" "Stockholm" "$(json .member_name <<<"$ev")"
expect_eq "event member id" "$(node_id a)" "$(json .member <<<"$ev")"
expect_eq "event node" "Malmö" "$(json .node <<<"$ev")"
expect_eq "succeeded" 2 "$(metric ekonet_notify_succeeded_total)"
ok "the notify command gets each new report on its topics or indicators as JSON"

# --- the notify command: a contact request ------------------------------------------------------
rm -f "$OUT"/*.json
ek b watch --kind contact_request --count 1 >"$TESTDIR/contact.txt" 2>/dev/null &
W5=$!
"$EKONET" --dir "$(dir_of a)" watch --json --kind contact_request --count 1 >"$TESTDIR/contact_a.json" &
W6=$!
sleep 0.5
ek a contact request 1280 --role official --subject "Matsvinn i skolan" \
    --message "Hur fick ni ner svinnet?" --from-name "Karin Berg" --from-title Miljöstrateg \
    --reply-to karin.berg@stockholm.example.se >/dev/null
wait_for 20 "the request notified" sh -c "[ \$(find $OUT -name '*.json' | wc -l) = 1 ]"
wait $W5 || fail "watch --kind contact_request exited with $?"
expect_contains "watch: who asks whom" \
    'contact request from Karin Berg (Stockholm) to your official: "Matsvinn i skolan"' \
    "$(cat "$TESTDIR/contact.txt")"
ev=$(cat "$OUT"/*.json)
expect_eq "event kind" contact_request "$(json .event <<<"$ev")"
expect_eq "subject" "Matsvinn i skolan" "$(json .subject <<<"$ev")"
expect_eq "message" "Hur fick ni ner svinnet?" "$(json .message <<<"$ev")"
expect_eq "reply to" karin.berg@stockholm.example.se "$(json .reply_to <<<"$ev")"
expect_eq "role" official "$(json .role <<<"$ev")"
kill $W6 2>/dev/null || true
wait $W6 2>/dev/null || true
expect_eq "the sender's node shows no request" "" "$(cat "$TESTDIR/contact_a.json")"
ok "a contact request to this node: watch says who asks whom, the command gets it as JSON"

# --- a command that never ends, one that fails, too many at once --------------------------------
echo sleep >"$TESTDIR/mode"
ek a report add --title "Avfallstrappan" --topic avfall --body "Steg för steg." >/dev/null
ek a report add --title "Skolmat utan svinn" --topic skolmat --body "Mer om svinn." >/dev/null
ek a report add --title "Återbruk" --topic avfall --body "Om återbruk." >/dev/null
wait_for 20 "two running, one dropped" sh -c \
    "[ \"\$(curl -s http://127.0.0.1:${MPORT[b]}/metrics | awk '\$1 == \"ekonet_notify_dropped_total\" {print \$2}')\" = 1 ]"
expect_eq "running" 2 "$(metric ekonet_notify_running)"
t0=$(date +%s%N)
ek b status >/dev/null
ek b report list >/dev/null
took=$((($(date +%s%N) - t0) / 1000000))
[ $took -lt 2000 ] || fail "b answered in $took ms while the commands ran"
wait_for 10 "both killed" sh -c \
    "[ \"\$(curl -s http://127.0.0.1:${MPORT[b]}/metrics | awk '\$1 == \"ekonet_notify_timed_out_total\" {print \$2}')\" = 2 ]"
expect_eq "none running" 0 "$(metric ekonet_notify_running)"
pgrep -f "sleep 86399" >/dev/null && fail "a notify command was left running"
grep -q 'notify timed out' "$TESTDIR/b.log" || fail "no log line for the killed command"
grep -q 'notify dropped' "$TESTDIR/b.log" || fail "no log line for the dropped event"
ok "a command past its timeout is killed and counted, one past max_running dropped; b kept serving"

echo fail >"$TESTDIR/mode"
ek a report add --title "Avfallsplan" --topic avfall --body "Planen." >/dev/null
wait_for 20 "the failure counted" sh -c \
    "[ \"\$(curl -s http://127.0.0.1:${MPORT[b]}/metrics | awk '\$1 == \"ekonet_notify_failed_total\" {print \$2}')\" = 1 ]"
grep -q 'notify failed.*exit=3' "$TESTDIR/b.log" || fail "no log line for the failed command"
ok "a failing command is logged and counted"

# --- the configuration --------------------------------------------------------------------------
node_stop b
sed -i 's|^max_running = .*|max_running = 0|' "$(dir_of b)/ekonetd.conf"
set +e
out=$("$EKONETD" --dir "$(dir_of b)" --check-config 2>&1); rc=$?
set -e
[ $rc -ne 0 ] || fail "max_running = 0 was accepted"
expect_contains "bad max_running" "max_running must be a whole number from 1 up to 64" "$out"
ok "a bad [notify] setting is refused with its line"
