#!/usr/bin/env bash
# The Prometheus endpoint with real daemons: three members' nodes, each serving /metrics and
# /healthz on its own loopback port. What Prometheus scrapes is valid exposition text
# (promtool check metrics, and a check of our own), and once the network is idle it shows
# what `ekonet status` shows; a stopped peer leaves the sessions gauge; unknown paths are 404;
# a node whose metrics address is taken does not start and says which address.
. "$(dirname "$0")/lib.sh"

command -v curl >/dev/null || fail "curl is not installed (scripts/deps.sh installs it)"
command -v promtool >/dev/null ||
    fail "promtool is not installed (scripts/deps.sh installs the prometheus package)"

board_found "Sveriges Ekokommuner"
node_init a 2518 # Övertorneå: a name with Swedish letters in a label value
node_init b 1280 # Malmö
node_init c 0180 # Stockholm
network_first a
network_join a b
network_join a c
for n in a b c; do
    tune $n digest_interval 1
    tune $n beacon_interval 1
done
node_start b
node_start c

url() { echo "http://127.0.0.1:${MPORT[$1]}$2"; }
# scrape NODE PATH: the body (any status)
scrape() { curl -s --max-time 5 "$(url "$1" "$2")"; }
# status_code NODE PATH [CURL OPTIONS]
status_code() { curl -s --max-time 5 -o /dev/null -w '%{http_code}' "${@:3}" "$(url "$1" "$2")"; }
# value SERIES: the value of one series (name and labels exactly as exposed) on stdin
value() { awk -v s="$1" '$1 == s { print $2 }'; }
# series NODE SERIES: its value on NODE now
series() { scrape "$1" /metrics | value "$2"; }
# live NODE: NODE's live sessions, both directions, as /metrics says
live() { scrape "$1" /metrics | awk '$1 ~ /^ekonet_sessions\{state="live",/ { l += $2 } END { print l + 0 }'; }
live_is() { [ "$(live "$1")" = "$2" ]; }
# is NODE SERIES VALUE / at_least NODE SERIES N: for wait_for
is() { [ "$(series "$1" "$2")" = "$3" ]; }
at_least() { [ "$(series "$1" "$2")" -ge "$3" ]; }
entries_of() { ek "$1" status --json | json .entries; }
same_entries() { [ "$(entries_of "$1")" = "$(entries_of "$2")" ]; }

# What /metrics and `ekonet status --json` each say of the node's entries, feeds, members and
# live sessions.
metric_figures() {
    scrape "$1" /metrics | awk '
        $1 == "ekonet_entries" { e = $2 } $1 == "ekonet_feeds" { f = $2 }
        $1 == "ekonet_members" { m = $2 } $1 ~ /^ekonet_sessions\{state="live",/ { l += $2 }
        END { printf "entries=%s feeds=%s members=%s live=%d\n", e, f, m, l }'
}
status_figures() {
    ek "$1" status --json |
        jq -r '"entries=\(.entries) feeds=\(.feeds) members=\(.members) live=\(.sessions_live)"'
}
# agree NODE: waits until both say the same (a rendering is served for up to 1.5 s).
agree() {
    local i
    for ((i = 0; i < 200; i++)); do
        [ "$(metric_figures "$1")" = "$(status_figures "$1")" ] && return 0
        sleep 0.1
    done
    fail "$1: /metrics says $(metric_figures "$1"), ekonet status $(status_figures "$1")"
}

# check_exposition FILE: every sample belongs to the family whose # HELP and # TYPE came just
# before it, names are valid, every value is a number, no family appears twice.
check_exposition() {
    awk '
        function bad(why) { printf "line %d: %s: %s\n", NR, why, $0; err = 1 }
        /^# HELP / { fam = $3; if (fam in seen) bad("family again"); seen[fam] = 1; help = fam; next }
        /^# TYPE / { if ($3 != help) bad("TYPE without HELP"); if ($4 !~ /^(counter|gauge|untyped)$/) bad("type");
                     if ($4 == "counter" && fam !~ /_total$/) bad("counter without _total"); typed = $3; next }
        /^#/ || /^$/ { next }
        {
            name = $1; sub(/\{.*/, "", name)
            if (name !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*$/) bad("name")
            if (name != typed) bad("sample outside its family " typed)
            if ($1 ~ /\{/ && $1 !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\}$/) bad("labels")
            if ($2 !~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ && $2 !~ /^([-+]Inf|NaN)$/) bad("value")
            if (NF != 2) bad("fields")
            samples++
        }
        END { if (!samples) { print "no samples"; err = 1 } exit err }' "$1"
}

# --- the exposition is valid ------------------------------------------------------------------
ek a report add --title "Fossilfri fordonsflotta" --summary "Alla bilar på biogas eller el" \
    --body "Vi bytte vid varje leasingförnyelse." >/dev/null
ek b report add --title "Matsvinn i skolköken" --body "Vi vägde svinnet varje dag." >/dev/null
A=$(node_id a)
wait_for 30 "b holds what a holds" same_entries a b
wait_for 30 "c holds what a holds" same_entries a c
for n in a b c; do
    scrape $n /metrics >"$TESTDIR/$n.prom"
    out=$(promtool check metrics <"$TESTDIR/$n.prom" 2>&1) || fail "promtool on $n's /metrics: $out"
    out=$(check_exposition "$TESTDIR/$n.prom") || fail "$n's /metrics: $out"
done
expect_eq "content type" "text/plain; version=0.0.4; charset=utf-8" \
    "$(curl -s -o /dev/null -w '%{content_type}' "$(url a /metrics)")"
for fam in ekonet_info ekonet_start_time_seconds ekonet_uptime_seconds ekonet_sessions \
    ekonet_entries ekonet_feeds ekonet_members ekonet_members_revoked ekonet_forks \
    ekonet_fork_probes_total ekonet_own_head_confirmed ekonet_pending_publishes \
    ekonet_entries_accepted_total ekonet_entries_refused_total ekonet_sync_behind_entries \
    ekonet_peer_messages_total ekonet_peer_dropped_total ekonet_received_bytes_total \
    ekonet_sent_bytes_total ekonet_send_drops_total ekonet_handshakes_total \
    ekonet_api_requests_total ekonet_api_errors_total ekonet_store_bytes ekonet_outbox_pending \
    ekonet_inbox_new ekonet_relay_envelopes ekonet_relay_bytes ekonet_envelopes_received_total \
    ekonet_envelopes_refused_total ekonet_relay_full_total ekonet_envelopes_expired_total \
    ekonet_contacts_delivered_total ekonet_beacon_age_seconds ekonet_members_reachable \
    ekonet_beacons_received_total ekonet_beacons_sent_total ekonet_http_requests_total; do
    grep -q "^# TYPE $fam " "$TESTDIR/a.prom" || fail "no family $fam in a's /metrics"
done
info="ekonet_info{version=\"$(ek a status --json | json .version)\",node_id=\"$A\",name=\"Övertorneå\",code=\"2518\"}"
expect_eq "a's info" 1 "$(value "$info" <"$TESTDIR/a.prom")"
expect_eq "refused reason" 0 \
    "$(value 'ekonet_entries_refused_total{reason="bad_signature"}' <"$TESTDIR/a.prom")"
ok "every node's /metrics passes promtool check metrics; every family is there; info names the member"

# --- the figures are the node's ---------------------------------------------------------------
wait_for 20 "a live with b and c in /metrics" live_is a 2
for n in a b c; do agree $n; done
expect_eq "a's entries" "$(entries_of a)" "$(series a ekonet_entries)"
[ "$(series c ekonet_entries)" -ge 6 ] || fail "c shows too few entries"
expect_eq "a's members" 3 "$(series a ekonet_members)"
db=$(ek a status --json | json .db_bytes)
mb=$(series a ekonet_store_bytes)
awk -v a="$db" -v b="$mb" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d <= a / 2 + 262144) }' ||
    fail "a's store: status says $db bytes, /metrics $mb"
[ "$(series c ekonet_entries_accepted_total)" -ge 2 ] ||
    fail "c accepted the two reports but does not count them"
wait_for 20 "c is behind by nothing" is c ekonet_sync_behind_entries 0
ok "/metrics and ekonet status agree on entries, feeds, members and live sessions; store size close"

# --- beacons ------------------------------------------------------------------------------------
reachable_agree() {
    [ "$(series "$1" ekonet_members_reachable)" = "$(ek "$1" network --json | jq -r .reachable)" ]
}
wait_for 20 "a reaches all three" is a ekonet_members_reachable 3
reachable_agree a || fail "a: /metrics and ekonet network disagree on reachable members"
age_c='ekonet_beacon_age_seconds{code="0180",name="Stockholm"}'
expect_eq "a's own age" 0 "$(series a 'ekonet_beacon_age_seconds{code="2518",name="Övertorneå"}')"
awk -v a="$(series a "$age_c")" 'BEGIN { exit !(a != "" && a < 3) }' ||
    fail "a's beacon age of c is $(series a "$age_c"), not under 3 s"
[ "$(series a ekonet_beacons_received_total)" -ge 2 ] || fail "a counts no beacons received"
ok "beacon age per member and reachable members; ekonet network counts the same"

# --- health, unknown paths, methods, request counts -------------------------------------------
expect_eq "healthz" "ok" "$(scrape a /healthz)"
expect_eq "healthz status" 200 "$(status_code a /healthz)"
expect_eq "unknown path" 404 "$(status_code a /nope)"
expect_eq "root" 404 "$(status_code a /)"
expect_eq "POST" 405 "$(status_code a /metrics -X POST -d x=1)"
expect_eq "HEAD" 200 "$(status_code a /metrics -I)"
wait_for 5 "a counts requests to unknown paths" at_least a 'ekonet_http_requests_total{path="other"}' 2
wait_for 5 "a counts requests to /healthz" at_least a 'ekonet_http_requests_total{path="/healthz"}' 2
ok "/healthz says ok; unknown paths are 404, POST 405; requests are counted by path"

# --- a peer stops -------------------------------------------------------------------------------
node_stop c
wait_for 30 "a's live sessions drop to 1" live_is a 1
agree a
old_c() { awk -v a="$(series a "$age_c")" 'BEGIN { exit !(a >= 3) }'; }
wait_for 20 "c's beacon ages on a" old_c
wait_for 10 "a reaches two" is a ekonet_members_reachable 2
reachable_agree a || fail "a: /metrics and ekonet network disagree after c stopped"
ok "when c stops, a's sessions gauge drops and agrees with ekonet status; c's beacon ages, reachable 2"

# --- the metrics address ------------------------------------------------------------------------
# x (a node of its own) is told to serve metrics where b already does: it must not start.
"$EKONET" --dir "$TESTDIR/x" init --code 2480 --listen "tcp://127.0.0.1:$(free_port)" >/dev/null
sed -i "/^\[metrics\]/,/^\[/ s|^listen = .*|listen = 127.0.0.1:${MPORT[b]}|" "$TESTDIR/x/ekonetd.conf"
set +e
out=$(timeout 20 "$EKONETD" --dir "$TESTDIR/x" 2>&1)
rc=$?
set -e
expect_eq "taken exit" 1 "$rc"
expect_contains "taken" "cannot serve metrics on 127.0.0.1:${MPORT[b]}: Address already in use" "$out"
expect_eq "b still serves" 200 "$(status_code b /healthz)"
sed -i "/^\[metrics\]/,/^\[/ s|^listen = .*|listen = localhost:7651|" "$TESTDIR/x/ekonetd.conf"
set +e
out=$("$EKONETD" --dir "$TESTDIR/x" --check-config 2>&1)
rc=$?
set -e
expect_eq "bad address exit" 2 "$rc"
expect_contains "bad address" "listen must be IP:PORT" "$out"
sed -i "/^\[metrics\]/,/^\[/ s|^listen = .*|listen = off|" "$TESTDIR/x/ekonetd.conf"
MPORT[x]=off
node_start x
grep -q 'msg=metrics ' "$TESTDIR/x.log" && fail "x serves metrics although they are off"
ok "a taken metrics address stops ekonetd at start, naming it; a bad one is a config error; off is off"
