#!/usr/bin/env bash
# Connection floods: node a runs with the 1024 open files systemd gives a service by default,
# and 10,000 connections that never say anything are held open on its peer port (from 200
# addresses, and from one), opened and closed in a loop, and held on its local API (from 20
# processes) and event sockets; then, with the limit the shipped unit sets, hundreds on its
# metrics port. Through every flood a never aborts, `ekonet status` answers, members that start
# during the flood connect and replicate, /healthz and /metrics answer within a second, and
# the connections it closed are counted.
. "$(dirname "$0")/lib.sh"
: "${FLOOD:?set FLOOD to the ekonet-flood binary}"
command -v curl >/dev/null || fail "curl is not installed (scripts/deps.sh installs it)"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8"
ulimit -n "$(ulimit -Hn)" # the flood's own connections

board_found "Testnätet"
node_init a 2518
node_init b 0180
node_init c 1280
node_init d 1480
network_first a
for n in b c d; do network_join a $n; done
for n in a b c d; do tune $n digest_interval 1; done
node_stop a

# a, as systemd would start it without LimitNOFILE: 1024 files, soft and hard.
REAL_EKONETD=$EKONETD
printf '#!/usr/bin/env bash\nulimit -Sn 1024 -Hn 1024\nexec "%s" "$@"\n' "$REAL_EKONETD" \
    >"$TESTDIR/ekonetd-1024"
chmod +x "$TESTDIR/ekonetd-1024"
EKONETD=$TESTDIR/ekonetd-1024 node_start a
EKONETD=$REAL_EKONETD
[ "$(awk '/^Max open files/ { print $4 }' "/proc/${PID[a]}/limits")" = 1024 ] ||
    fail "a does not run with a limit of 1024 files"
A_EP="127.0.0.1:${PORT[a]}"

metric() {
    curl -s --max-time 5 "http://127.0.0.1:${MPORT[a]}/metrics" |
        awk -v k="$1" '$1 == k { v = $2 } END { print (v == "" ? 0 : v) }'
}
alive() { kill -0 "${PID[a]}" 2>/dev/null || fail "$1: a is gone: $(tail -n 5 "$TESTDIR/a.log")"; }
status_answers() {
    timeout 5 "$EKONET" --dir "$TESTDIR/a" --no-color status >/dev/null ||
        fail "$1: ekonet status on a did not answer within 5 s"
}
healthz_fast() {
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:${MPORT[a]}/healthz") ||
        fail "$1: /healthz did not answer within 1 s"
    expect_eq "$1: /healthz" 200 "$code"
    local body
    body=$(curl -s --max-time 1 "http://127.0.0.1:${MPORT[a]}/metrics") ||
        fail "$1: /metrics did not answer within 1 s"
    expect_contains "$1: /metrics" "ekonet_uptime_seconds" "$body"
}
ROUND=0
# joins NODE WHAT: NODE starts during the flood, gets a session with a, and its report reaches a.
joins() {
    ROUND=$((ROUND + 1))
    node_start "$1"
    local title="Rapport $ROUND från $1 ($2)"
    ek "$1" report add --title "$title" --body "" >/dev/null
    wait_for 60 "$2: $1's report at a" sh -c "'$EKONET' --dir '$TESTDIR/a' report list | grep -q '$title'"
    node_stop "$1"
}
# flood WHAT ARGS...: runs ekonet-flood in the background; FLOOD_PID, output in $TESTDIR/WHAT.out.
flood() {
    local what=$1
    shift
    "$FLOOD" "$@" >"$TESTDIR/$what.out" 2>&1 &
    FLOOD_PID=$!
}
flood_done() {
    wait "$FLOOD_PID" || fail "$1: the flood tool failed: $(cat "$TESTDIR/$1.out")"
    echo "# $1: $(cat "$TESTDIR/$1.out")"
}

status_answers "before"
healthz_fast "before"
ok "a runs with 1024 files, answers its CLI and /healthz"

# --- 10,000 connections held on the peer port, from 200 addresses ------------------------------
flood hold200 hold "$A_EP" 10000 25 127.0.0.2 200
sleep 3
alive "10,000 held"
status_answers "10,000 held"
healthz_fast "10,000 held"
joins b "10,000 held"
alive "10,000 held"
open=$(metric 'ekonet_connections{socket="peer"}')
peak=$(awk '/^Max open files/ { print $4 }' "/proc/${PID[a]}/limits")
fds=$(ls "/proc/${PID[a]}/fd" | wc -l)
echo "# a holds $open peer connections, $fds descriptors of $peak"
[ "$fds" -lt 1000 ] || fail "a holds $fds descriptors of 1024"
flood_done hold200
evicted=$(metric 'ekonet_connections_evicted_total{socket="peer"}')
[ "$evicted" -gt 1000 ] || fail "young connections closed for newer ones: $evicted"
ok "10,000 idle connections held on the peer port from 200 addresses: a stays under its 1024 files, closes the oldest young ones ($evicted), b starts and replicates"

# --- 10,000 from one address -----------------------------------------------------------------
r0=$(metric 'ekonet_connections_refused_total{socket="peer"}')
flood hold1 hold "$A_EP" 10000 10 127.0.0.3
sleep 2
alive "one address"
status_answers "one address"
joins c "one address"
flood_done hold1
r1=$(metric 'ekonet_connections_refused_total{socket="peer"}')
[ $((r1 - r0)) -gt 1000 ] || fail "connections over connections_per_address not refused: $((r1 - r0))"
ok "10,000 from one address: all but 64 closed at once ($((r1 - r0)) refused); c starts and replicates"

# --- opened and closed in a loop --------------------------------------------------------------
flood churn churn "$A_EP" 15 127.0.0.4 50
sleep 2
alive "churn"
status_answers "churn"
healthz_fast "churn"
joins d "churn"
flood_done churn
alive "after churn"
ok "connections opened and closed in a loop: a answers and d replicates ($(sed 's/.*rate //' "$TESTDIR/churn.out"))"

# --- the local sockets ------------------------------------------------------------------------
# 20 processes, 500 connections each, on api.sock; then 10,000 from one on events.sock.
pids=()
for i in $(seq 20); do
    "$FLOOD" hold "$TESTDIR/a/api.sock" 500 10 >"$TESTDIR/api$i.out" 2>&1 &
    pids+=($!)
done
sleep 2
alive "api flood"
status_answers "api flood"
ek a report add --title "Publicerad under en flod av klienter" --body "" >/dev/null ||
    fail "api flood: report add failed"
ek a report list | grep -q "Publicerad under en flod" || fail "api flood: report list failed"
for p in "${pids[@]}"; do wait "$p" || fail "the api flood tool failed"; done
echo "# api: $(cat "$TESTDIR/api1.out") (one of 20)"
flood events hold "$TESTDIR/a/events.sock" 10000 8
sleep 2
alive "events flood"
status_answers "events flood"
flood_done events
refused=$(metric 'ekonet_connections_refused_total{socket="api"}')
ev=$(metric 'ekonet_connections_evicted_total{socket="api"}')
[ "$refused" -gt 1000 ] || fail "api clients over 16 per process not closed: $refused"
[ "$ev" -gt 0 ] || fail "api clients over the limit in all not closed: $ev"
echo "# connections dropped as accepted for want of a descriptor: $(metric ekonet_connections_shed_total)"
er=$(metric 'ekonet_connections_refused_total{socket="events"}')
[ "$er" -gt 1000 ] || fail "event stream listeners over 4 per process not closed: $er"
ok "10,000 clients held on api.sock (20 processes) and on events.sock: past 16 (4) per process refused ($refused), past 128 the oldest closed ($ev); a publishes and lists"

# --- hundreds of idle clients on the metrics port -------------------------------------------------
# With 1024 files the metrics server holds 128 connections; a, as the shipped unit starts it
# (LimitNOFILE=65536), holds 1024.
node_stop a
node_start a
files=$(metric ekonet_file_limit)
[ "$files" -ge 4096 ] || fail "a runs with $files files after a start with the shell's limit"
flood http hold "127.0.0.1:${MPORT[a]}" 400 8
sleep 2
healthz_fast "400 idle metrics clients"
flood_done http
ok "400 idle clients on the metrics port of a with $files files: /healthz and /metrics answer within a second"

grep -qx 'LimitNOFILE=65536' "$(dirname "$0")/../../share/systemd/ekonetd.service.in" ||
    fail "the shipped unit does not set LimitNOFILE=65536"
alive "the end"
grep -q "Too many open files" "$TESTDIR/a.log" && fail "a ran out of files: $(grep -m1 'Too many' "$TESTDIR/a.log")"
node_stop a
ok "a never aborted, and stops cleanly"
