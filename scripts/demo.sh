#!/usr/bin/env bash
# Builds ekonet and shows a node at work: a new member's node is created, started, publishes
# an experience report, lists and shows it, reports its status and stops cleanly.
# Everything runs in a temporary directory that is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
build=${EKONET_BUILD_DIR:-build/demo}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DEKONET_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
EKONET=$PWD/$build/ekonet
EKONETD=$PWD/$build/ekonetd

work=$(mktemp -d /tmp/ekonet-demo.XXXXXX)
daemon=
cleanup() {
    [ -n "$daemon" ] && kill -TERM "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# Shows a command as a user would type it (arguments with spaces in quotes), then runs it.
run() {
    local line='$' a
    for a in "$@"; do
        case "$a" in *[[:space:]]*) line+=" '$a'" ;; *) line+=" $a" ;; esac
    done
    printf '%s\n' "$line"
    "$@"
}
ekonet() { "$EKONET" "$@"; }

port=$((20000 + RANDOM % 40000))
export EKONET_DIR=$work/overtornea

step "Övertorneå, one of the first eco-municipalities, creates its node"
run ekonet init --code 2518 --listen "tcp://127.0.0.1:$port"

step "The node starts (its log goes to $work/ekonetd.log)"
printf '$ %s\n' "ekonetd --dir $EKONET_DIR &"
"$EKONETD" --dir "$EKONET_DIR" 2>"$work/ekonetd.log" &
daemon=$!
for _ in $(seq 50); do ekonet status >/dev/null 2>&1 && break; sleep 0.1; done

step "Staff publish what they did and learnt"
run ekonet report add \
    --title "Fossilfri kommunal fordonsflotta på fem år" \
    --summary "Alla kommunens bilar går nu på biogas, el eller HVO." \
    --body "## Så gjorde vi
Vi inventerade fordonen 2018, bytte vid varje leasingförnyelse och byggde två laddstationer." \
    --topic transport --topic klimat --indicator GN.10b --period 2018-2023 \
    --attach "lecture:https://play.example.se/ekokommunerna/2023/flottan:Föreläsning: så gjorde vi" \
    --attach "slides:https://example.se/flottan.pdf:Bilderna från konferensen"
run ekonet report add --title "Ekologisk mat i alla skolkök" \
    --summary "Andelen ekologiska livsmedel steg från 31 till 64 procent." \
    --topic mat --indicator GN.11 --body "Upphandlingen styrdes om säsong för säsong."

step "Anyone can list and read the knowledge bank"
run ekonet report list
id=$(ekonet report list --json | jq -r '.reports[1].id')
run ekonet report show "${id:0:8}"

step "The operator checks the node"
run ekonet status

step "The node stops cleanly"
printf '$ kill -TERM %s\n' "$daemon"
kill -TERM "$daemon"
wait "$daemon"
daemon=
tail -n 3 "$work/ekonetd.log"
echo
echo "Done. The demo's files were in $work and are removed now."
