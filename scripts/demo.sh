#!/usr/bin/env bash
# Builds ekonet and runs a live local network: the board founds it, five eco-municipalities
# join, each with its own ekonetd on loopback, and knowledge flows between them: experience
# reports, indicator snapshots, a contact request to a member that is offline, a revocation.
# `ekonet network` and `ekonet watch` show the network as its operators see it.
# Everything runs in a temporary directory; every daemon is stopped and the directory removed
# when the demo ends or is interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
build=${EKONET_BUILD_DIR:-build/demo}
echo "Building ekonet in $build ..."
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DEKONET_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
EKONET=$PWD/$build/ekonet
EKONETD=$PWD/$build/ekonetd

work=$(mktemp -d /tmp/ekonet-demo.XXXXXX)
declare -A PID PORT DIR
watcher=
cleanup() {
    local n
    set +e
    [ -n "$watcher" ] && kill "$watcher" 2>/dev/null
    for n in "${!PID[@]}"; do kill -TERM "${PID[$n]}" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
# Ctrl-C may land in a command substitution's subshell: it tells the demo itself, then ends.
trap 'if [ "$BASHPID" != $$ ]; then kill -INT $$; fi; exit 130' INT TERM

bold=$'\033[1m' plain=$'\033[0m'
[ -t 1 ] || bold= plain=
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
# Shows a command as a user would type it (arguments with spaces in quotes), then runs it;
# `run as NODE ekonet-args` shows it as typed at that member's node: "[lund]$ ekonet ...".
run() {
    local line='$' a
    if [ "$1" = as ]; then
        line="[$2]\$ ekonet"
        for a in "${@:3}"; do
            case "$a" in *[[:space:]]*) line+=" '$a'" ;; *) line+=" $a" ;; esac
        done
        printf '%s\n' "$line"
        "$@"
        return
    fi
    for a in "$@"; do
        case "$a" in *[[:space:]]*) line+=" '$a'" ;; *) line+=" $a" ;; esac
    done
    printf '%s\n' "$line"
    "$@"
}
ekonet() { "$EKONET" "$@"; }
# as NODE COMMAND...: runs ekonet for that member's node
as() { local n=$1; shift; EKONET_DIR=${DIR[$n]} ekonet "$@"; }
# quietly: runs a command, showing its output only if it fails
quietly() { local out; out=$("$@" 2>&1) || { printf '%s\n' "$out" >&2; return 1; }; }

free_port() {
    local p lo
    lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    while :; do
        p=$((10000 + RANDOM % (lo - 10000)))
        (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo "$p"; return; }
    done
}
start() {
    "$EKONETD" --dir "${DIR[$1]}" 2>>"$work/$1.log" &
    PID[$1]=$!
    for _ in $(seq 100); do as "$1" status >/dev/null 2>&1 && return; sleep 0.1; done
    echo "ekonetd for $1 did not start; its log:" >&2
    cat "$work/$1.log" >&2
    exit 1
}
stop() { kill -TERM "${PID[$1]}"; wait "${PID[$1]}" || true; unset "PID[$1]"; }
node_id() { sed -n 's/^# public key: //p' "${DIR[$1]}/node.key"; }
seed_of() { echo "$(node_id "$1")@tcp://127.0.0.1:${PORT[$1]}"; }
wait_until() { # wait_until SECONDS COMMAND...
    local i
    for ((i = 0; i < $1 * 10; i++)); do "${@:2}" >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "(still waiting after $1 s: ${*:2})" >&2
    return 1
}
# A node is ready for the demo: frequent beacons and digests, so that a minute shows a lot,
# and its Prometheus endpoint on a port of its own.
declare -A MPORT
tune() {
    [ -n "${MPORT[$1]:-}" ] || MPORT[$1]=$(free_port)
    sed -i -e "s|^beacon_interval = .*|beacon_interval = 3|" \
        -e "s|^digest_interval = .*|digest_interval = 2|" \
        -e "/^\[metrics\]/,/^\[/ s|^listen = .*|listen = 127.0.0.1:${MPORT[$1]}|" \
        "${DIR[$1]}/ekonetd.conf"
}
# http_get PORT PATH: the body of a plain HTTP GET on loopback (what curl would print)
http_get() {
    exec 3<>"/dev/tcp/127.0.0.1/$1"
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
    sed '1,/^\r$/d' <&3
    exec 3<&-
}

members=(overtornea robertsfors umea vaxjo lund)
declare -A CODE=([overtornea]=2518 [robertsfors]=2409 [umea]=2480 [vaxjo]=0780 [lund]=1281)
declare -A POLITICIAN=([overtornea]="Anna Kostenniemi" [robertsfors]="Per Lindberg"
    [umea]="Maria Öberg" [vaxjo]="Johan Ek" [lund]="Sara Nilsson")
declare -A OFFICIAL=([overtornea]="Olle Rantatalo" [robertsfors]="Kerstin Holm"
    [umea]="Erik Sundqvist" [vaxjo]="Lena Björk" [lund]="Karin Berg")
for n in "${members[@]}"; do DIR[$n]=$work/$n; done

# ---------------------------------------------------------------------------------------------
step "The network's board founds it: three board keys, two signatures decide"
mkdir -p "$work/board"
keys=()
for b in b1 b2 b3; do
    quietly ekonet board keygen --out "$work/board/$b.key" --name "Styrelseledamot $b"
    keys+=(--board-key "$(sed -n 's/^# public key: //p' "$work/board/$b.key")")
done
run ekonet board init --name "Sveriges Ekokommuner" "${keys[@]}" --threshold 2 \
    --out "$work/board/charter.ekp" 2>/dev/null
sign() { local p=$1 k; shift; for k in "$@"; do quietly ekonet board sign "$p" --key "$work/board/$k.key" --yes; done; }
sign "$work/board/charter.ekp" b1 b2
echo "(signed by two of the three board members)"

step "Övertorneå, the first eco-municipality, creates its node and starts the network"
PORT[overtornea]=$(free_port)
run ekonet --dir "${DIR[overtornea]}" init --code 2518 --listen "tcp://127.0.0.1:${PORT[overtornea]}"
tune overtornea
quietly ekonet board bundle --charter "$work/board/charter.ekp" --seed "$(seed_of overtornea)" \
    --out "$work/genesis.bundle"
as overtornea join "$work/genesis.bundle" | head -n 1
start overtornea

admit() { # admit NAME: its application, the board's decision, two signatures, published
    local n=$1
    quietly as "$n" application --politician "${POLITICIAN[$n]}" \
        --politician-email "politiker@$n.example.se" --official "${OFFICIAL[$n]}" \
        --official-email "miljo@$n.example.se" --official-phone "+46 70 123 45 67" \
        --out "$work/$n.app"
    quietly as overtornea board admit "$work/$n.app" --decision "Styrelsemöte 2026-11-20 §${CODE[$n]}" \
        --out "$work/admit-$n.ekp"
    sign "$work/admit-$n.ekp" b1 b3
    quietly as overtornea board publish "$work/admit-$n.ekp"
}
admit overtornea
echo "Övertorneå admitted by the board."

step "Four more eco-municipalities apply, are admitted by the board, and join"
for n in robertsfors umea vaxjo lund; do
    PORT[$n]=$(free_port)
    quietly ekonet --dir "${DIR[$n]}" init --code "${CODE[$n]}" --listen "tcp://127.0.0.1:${PORT[$n]}"
    tune "$n"
    admit "$n"
    quietly as overtornea board bundle --seed "$(seed_of overtornea)" --out "$work/$n.bundle"
    quietly as "$n" join "$work/$n.bundle"
    start "$n"
    printf '  %-12s node %.16s… admitted, joined, running on port %s\n' "$n" "$(node_id "$n")" "${PORT[$n]}"
done
stop overtornea # picks up the shorter beacon interval
tune overtornea
start overtornea
as lund watch >"$work/watch.log" 2>/dev/null &
watcher=$!
echo "(Lund's operator is watching the node's events: ekonet watch)"
wait_until 30 sh -c "[ \$(EKONET_DIR=${DIR[overtornea]} $EKONET network --json | jq .reachable) = 5 ]" || true

step "The operators' view: every member, from the beacons each node sends"
run as overtornea network
echo "\$ curl -s http://127.0.0.1:${MPORT[overtornea]}/metrics | grep -E '^ekonet_(sessions|members|entries) '"
http_get "${MPORT[overtornea]}" /metrics | grep -E '^ekonet_(sessions|members|entries)[ {]' | head -n 8 || true

# ---------------------------------------------------------------------------------------------
step "Robertsfors shares an experience report; it reaches every member"
run as robertsfors report add --title "Biogas från gödsel driver bussarna" \
    --summary "Tre gårdar levererar gödsel; biogasen räcker till kommunens alla bussar." \
    --body "## Så gjorde vi
Avtal med tre mjölkgårdar 2019, rötkammare vid reningsverket 2020, tankstation 2021." \
    --topic energi --topic transport --indicator GN.10b --period 2019-2023 \
    --attach "lecture:https://play.example.se/ekokommunerna/biogas:Föreläsning på årsmötet"
id=$(as robertsfors report list --json | jq -r '.reports[0].id')
wait_until 20 sh -c "EKONET_DIR=${DIR[lund]} $EKONET report show $id" || true
run as lund report search biogas
wait_until 20 sh -c "[ \"\$(EKONET_DIR=${DIR[overtornea]} $EKONET reach $id --json | jq .reached)\" = 5 ]" || true
run as overtornea reach "${id:0:12}"

step "Members publish their green key indicators, year by year"
quietly as umea indicators set 2021 GN.7=198 GN.11=41
quietly as umea indicators set 2023 GN.7=176 GN.11=52
quietly as vaxjo indicators set 2021 GN.7=181 GN.11=38
quietly as vaxjo indicators set 2023 GN.7=158 GN.11=61
quietly as lund indicators set 2021 GN.7=205 GN.11=30
run as lund indicators set 2023 GN.7=189 GN.11=35
wait_until 20 sh -c "EKONET_DIR=${DIR[lund]} $EKONET indicators examples GN.11 --json | jq -e '.best_change | length >= 3'" || true
run as lund indicators trend GN.11
run as lund indicators examples GN.11 --years 2

# ---------------------------------------------------------------------------------------------
step "Lund asks Växjö's official how they did it, while Växjö's node is offline"
stop vaxjo
echo "(Växjö's node is stopped)"
run as lund contact request 0780 --role official --about indicator:GN.11 \
    --subject "Hur fick ni upp andelen ekologiskt i skolköken?" \
    --message "Hej! Vi ligger på 35 procent och ser att ni nått 61. Hur styrde ni upphandlingen?" \
    --from-name "Karin Berg" --from-title "Miljöstrateg" --reply-to karin.berg@lund.example.se
sleep 2
run as lund contact outbox
echo "(the other members' nodes hold the sealed request; none of them can read it)"

step "Växjö's node comes back, gets the request and answers"
start vaxjo
wait_until 30 sh -c "[ \$(EKONET_DIR=${DIR[vaxjo]} $EKONET contact inbox --json | jq length) -ge 1 ]" || true
run as vaxjo contact inbox
rid=$(as vaxjo contact inbox --json | jq -r '.[0].id')
run as vaxjo contact reply "${rid:0:8}" --accept --text "Gärna! Ring mig så berättar jag om våra säsongsmenyer."
wait_until 30 sh -c "[ \"\$(EKONET_DIR=${DIR[lund]} $EKONET contact outbox --json | jq -r '.[0].state')\" = answered ]" || true
run as lund contact show "${rid:0:8}"

# ---------------------------------------------------------------------------------------------
step "Robertsfors leaves the network: the board revokes it"
run as overtornea board revoke 2409 --reason "Lämnade nätverket vid årsskiftet" --out "$work/revoke.ekp"
sign "$work/revoke.ekp" b2 b3
run as overtornea board publish "$work/revoke.ekp"
wait_until 20 sh -c "EKONET_DIR=${DIR[umea]} $EKONET members --json | jq -e '.[] | select(.code == \"2409\" and .status == \"revoked\")'" || true
sleep 2
run as umea network
echo "(Robertsfors' node can no longer connect to any member; what it published stays)"

step "What Lund's operator saw meanwhile (ekonet watch)"
kill "$watcher" 2>/dev/null || true
wait "$watcher" 2>/dev/null || true
watcher=
grep -v -e " entries " -e " peer_" "$work/watch.log" | head -n 40 || true
echo "($(grep -c " peer_" "$work/watch.log" || true) lines about sessions going up and down)"
echo "($(grep -c " entries " "$work/watch.log" || true) more lines about entries arriving)"

step "Every node stops cleanly"
for n in "${members[@]}"; do [ -n "${PID[$n]:-}" ] && stop "$n"; done
for n in "${members[@]}"; do
    printf '%-13s %s\n' "$n:" "$(grep 'msg=stopped' "$work/$n.log" | tail -n 1 | sed 's/ node=.*//' || true)"
done
echo
echo "Done. The demo's files were in $work and are removed now."
