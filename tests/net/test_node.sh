#!/usr/bin/env bash
# One node, as a newcomer uses it: init, start, publish, list, show, status, stop; and what
# must not happen: a second daemon, lost entries after SIGKILL, a crash on bad input, a
# stranger completing a handshake.
. "$(dirname "$0")/lib.sh"

# --- init ----------------------------------------------------------------------------------
out=$("$EKONET" --dir "$TESTDIR/a" init --code 2518 --listen "tcp://127.0.0.1:$(free_port)")
expect_contains "init output" "Övertorneå (2518, municipality)" "$out"
node_id=$(echo "$out" | sed -n 's/^node id: //p')
[ ${#node_id} -eq 64 ] || fail "init did not print a node id: $out"
expect_eq "data dir mode" 700 "$(stat -c %a "$TESTDIR/a")"
expect_eq "key mode" 600 "$(stat -c %a "$TESTDIR/a/node.key")"
grep -q '^# ' "$TESTDIR/a/ekonetd.conf" || fail "the configuration has no comments"
ok "init creates the data dir (0700), the key (0600) and a commented configuration"

set +e
out=$("$EKONET" --dir "$TESTDIR/a" init --code 2518 2>&1); rc=$?
set -e
expect_eq "init twice exit" 1 "$rc"
expect_contains "init twice" "refusing to overwrite" "$out"
set +e
out=$("$EKONET" --dir "$TESTDIR/b" init --code 9999 2>&1); rc=$?
set -e
expect_eq "bad code exit" 1 "$rc"
expect_contains "bad code" "9999 is not the SCB code" "$out"
[ ! -e "$TESTDIR/b/node.key" ] || fail "a key was written for a bad code"
ok "init refuses an existing key and an unknown SCB code"

# --- configuration -------------------------------------------------------------------------
expect_eq "check-config" "configuration OK" "$("$EKONETD" --dir "$TESTDIR/a" --check-config)"
cp "$TESTDIR/a/ekonetd.conf" "$TESTDIR/bad.conf"
sed -i 's/^log_level = info/log_level = loud/' "$TESTDIR/bad.conf"
line=$(grep -n '^log_level' "$TESTDIR/bad.conf" | cut -d: -f1)
set +e
out=$("$EKONETD" --config "$TESTDIR/bad.conf" --dir "$TESTDIR/a" --check-config 2>&1); rc=$?
set -e
expect_eq "bad config exit" 2 "$rc"
expect_contains "bad config message" "$TESTDIR/bad.conf:$line: log_level must be" "$out"
ok "--check-config says OK, or file:line and the problem with exit 2"

# --- start, status, a second daemon ----------------------------------------------------------
node_start a
expect_eq "status node id" "$node_id" "$(ek a status --json | json .node_id)"
expect_contains "status text" "Övertorneå" "$(ek a status)"
expect_eq "api.sock mode" 660 "$(stat -c %a "$TESTDIR/a/api.sock")"
set +e
out=$("$EKONETD" --dir "$TESTDIR/a" 2>&1); rc=$?
set -e
expect_eq "second daemon exit" 1 "$rc"
expect_contains "second daemon" "already running on $TESTDIR/a" "$out"
ok "the node starts, status shows its id, a second daemon on the same dir refuses"

# --- publish, list, show ---------------------------------------------------------------------
out=$(ek a report add --title "Solpaneler på alla skolor" --summary "Tolv skolor" \
      --body "## Bakgrund
Vi började 2019." --topic energi --topic skolor --indicator GN.9 \
      --attach "film:https://play.example.se:8443/v/1:Film: så gjorde vi" --period 2019-2023 --json)
id=$(echo "$out" | json .id)
expect_eq "first seq" 1 "$(echo "$out" | json .seq)"
echo "Brödtext från stdin" | ek a report add --title "Matavfall" >/dev/null
list=$(ek a report list)
expect_contains "list" "Solpaneler på alla skolor" "$list"
expect_contains "list" "Matavfall" "$list"
expect_eq "list order" "Matavfall" "$(ek a report list --json | json '.reports[0].title')"
show=$(ek a report show "${id:0:8}")
expect_contains "show title" "Solpaneler på alla skolor" "$show"
expect_contains "show body" "Vi började 2019." "$show"
expect_contains "show attachment" "https://play.example.se:8443/v/1" "$show"
js=$(ek a report show "$id" --json)
expect_eq "show json title" "Film: så gjorde vi" "$(echo "$js" | json '.attachments[0].title')"
expect_eq "show json topics" "energi,skolor" "$(echo "$js" | json '.topics | join(",")')"
expect_eq "show json author" "$node_id" "$(echo "$js" | json .author)"
matavfall=$(ek a report list --json | json '.reports[0].id')
expect_eq "stdin body" "Brödtext från stdin" "$(ek a report show "$matavfall" --json | json .body | head -1)"
ok "report add publishes; list and show find it by id prefix, with JSON fields"

# --- bad input -------------------------------------------------------------------------------
before=$(ek a status --json | json .entries)
set +e
out=$(ek a report add --title "" </dev/null 2>&1); rc=$?
expect_eq "empty title exit" 1 "$rc"
expect_contains "empty title" "the title is empty" "$out"
out=$(ek a report add --title x --indicator GN.99 </dev/null 2>&1); rc=$?
expect_eq "unknown indicator exit" 1 "$rc"
expect_contains "unknown indicator" "GN.99 is not in the catalogue" "$out"
out=$(ek a report add --title x --attach "video:https://x.se:t" </dev/null 2>&1); rc=$?
expect_eq "bad attachment exit" 2 "$rc"
expect_contains "bad attachment" "unknown attachment kind" "$out"
out=$(ek a report add --title x --attach "link:ftp://x.se/a:t" </dev/null 2>&1); rc=$?
expect_eq "bad url exit" 1 "$rc"
expect_contains "bad url" "URL must start with http" "$out"
out=$(ek a report add --frobnicate 2>&1); rc=$?
expect_eq "unknown option exit" 2 "$rc"
out=$(ek a report show 00000000 2>&1); rc=$?
expect_eq "unknown id exit" 1 "$rc"
expect_contains "unknown id" "no entry with id 00000000" "$out"
set -e
expect_eq "nothing stored" "$before" "$(ek a status --json | json .entries)"
ok "bad input gets a clear message and the right exit code, and stores nothing"

# --- hostile local API requests ----------------------------------------------------------------
expect_contains "garbage" "does not decode" "$("$TESTPEER" api "$TESTDIR/a" garbage)"
expect_contains "oversize" "over the node's limit" "$("$TESTPEER" api "$TESTDIR/a" oversize 2000000)"
expect_contains "frames" "exactly one frame" "$("$TESTPEER" api "$TESTDIR/a" frames)"
expect_contains "empty" "unknown request" "$("$TESTPEER" api "$TESTDIR/a" empty)"
expect_eq "alive after garbage" "$node_id" "$(ek a status --json | json .node_id)"
[ "$(ek a status --json | json .api_errors)" -ge 4 ] || fail "api errors were not counted"
ok "garbage, oversized and malformed API requests get error replies; the daemon keeps running"

# --- long reports ------------------------------------------------------------------------------
before=$(ek a status --json | json .entries)
expect_eq "published" 2 "$("$TESTPEER" publish "$TESTDIR/a" 2 100000)"
expect_eq "stored" "$((before + 2))" "$(ek a status --json | json .entries)"
ok "reports with bodies of 100,000 bytes are published through the API"

# --- who may connect -----------------------------------------------------------------------------
endpoint="tcp://127.0.0.1:$(grep -m1 '^listen' "$TESTDIR/a/ekonetd.conf" | sed 's/.*:\([0-9]*\)$/\1/')"
set +e
out=$("$TESTPEER" handshake "$endpoint" "$node_id" random); rc=$?
set -e
expect_eq "stranger" "handshake refused" "$out"
[ "$(ek a status --json | json .handshakes_refused)" -ge 1 ] || fail "refusal not counted"
grep -q 'msg="peer refused"' "$TESTDIR/a.log" || fail "refusal not logged"
friend=$("$EKONET" --dir "$TESTDIR/friend" init --code 0180 --json | json .node_id)
sed -i "s/^#allow = .*/allow = $friend/" "$TESTDIR/a/ekonetd.conf"
node_stop a
node_start a
expect_eq "allowed key" "handshake ok" "$("$TESTPEER" handshake "$endpoint" "$node_id" "$TESTDIR/friend/node.key")"
ok "a stranger's CURVE key is refused and counted; an allowed key gets in"

# --- stopping and crashing -------------------------------------------------------------------
node_stop a
[ "$STOP_MS" -lt 1000 ] || fail "SIGTERM took $STOP_MS ms"
[ ! -e "$TESTDIR/a/api.sock" ] || fail "api.sock left behind"
set +e
out=$(ek a status 2>&1); rc=$?
set -e
expect_eq "stopped exit" 3 "$rc"
expect_contains "stopped hint" "ekonetd --dir $TESTDIR/a" "$out"
ok "SIGTERM stops the daemon within a second (${STOP_MS} ms); then the CLI exits 3 with a hint"

node_start a
count=$(ek a status --json | json .entries)
for i in 1 2 3 4 5; do
    ek a report add --title "Före krasch $i" --body "" >/dev/null
    kill -KILL "${PID[a]}"
    wait "${PID[a]}" 2>/dev/null || true
    unset "PID[a]"
    node_start a
    count=$((count + 1))
    expect_eq "entries after SIGKILL $i" "$count" "$(ek a status --json | json .entries)"
    expect_eq "own seq after SIGKILL $i" "$count" "$(ek a status --json | json .own_seq)"
done
expect_contains "report after crash" "Före krasch 5" "$(ek a report list)"
ok "SIGKILL right after report add returned loses nothing (5 times)"

# --- reindex -----------------------------------------------------------------------------------
before=$(ek a report list --json | jq 'del(.query_us)')
node_stop a
expect_eq "reindex" "reindexed $count entries" "$("$EKONETD" --dir "$TESTDIR/a" --reindex)"
node_start a
expect_eq "list after reindex" "$before" "$(ek a report list --json | jq 'del(.query_us)')"
ok "ekonetd --reindex rebuilds the query tables to the same lists"
node_stop a
