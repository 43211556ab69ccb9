# Shared by the network tests: start real ekonetd processes on loopback, each with its own
# data directory under one temporary directory, and clean everything up on exit.
set -euo pipefail

: "${EKONET:?set EKONET to the ekonet binary}"
: "${EKONETD:?set EKONETD to the ekonetd binary}"

TESTDIR=$(mktemp -d /tmp/ekonet-test.XXXXXX)
declare -A PID PORT MPORT # MPORT: each node's metrics port
STEP=0

cleanup() {
    local rc=$?
    for n in "${!PID[@]}"; do kill -KILL "${PID[$n]}" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ $rc -ne 0 ]; then
        for log in "$TESTDIR"/*.log; do
            [ -f "$log" ] || continue
            echo "--- $log (last 20 lines)" >&2
            tail -n 20 "$log" >&2
        done
    fi
    [ -n "${KEEP_TESTDIR:-}" ] || rm -rf "$TESTDIR"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { STEP=$((STEP + 1)); echo "ok $STEP - $*"; }

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() { [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"; }
# expect_contains WHAT NEEDLE HAYSTACK
expect_contains() { case "$3" in *"$2"*) ;; *) fail "$1: expected to contain '$2', got: $3" ;; esac; }

# A loopback port nobody listens on, below the kernel's ephemeral range (so that no outgoing
# connection takes it while its node is stopped) and not given to another node of this test.
free_port() {
    local p lo v
    lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    while :; do
        p=$((10000 + RANDOM % (lo - 10000)))
        for v in "${PORT[@]}" "${MPORT[@]}"; do [ "$v" != "$p" ] || continue 2; done
        (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && continue
        echo $p
        return
    done
}

dir_of() { echo "$TESTDIR/$1"; }
ek() { local n=$1; shift; "$EKONET" --dir "$(dir_of "$n")" --no-color "$@"; }

# node_init NAME CODE: a new node listening on its own loopback ports (peers and metrics).
node_init() {
    PORT[$1]=$(free_port)
    "$EKONET" --dir "$(dir_of "$1")" init --code "$2" --listen "tcp://127.0.0.1:${PORT[$1]}" >/dev/null
    metrics_port "$1"
}

# metrics_port NAME: gives NAME's node a metrics port of its own ([metrics] listen).
metrics_port() {
    MPORT[$1]=$(free_port)
    sed -i "/^\[metrics\]/,/^\[/ s|^listen = .*|listen = 127.0.0.1:${MPORT[$1]}|" \
        "$(dir_of "$1")/ekonetd.conf"
}

# node_start NAME: starts ekonetd and waits until its API answers.
node_start() {
    [ -n "${MPORT[$1]:-}" ] || metrics_port "$1"
    "$EKONETD" --dir "$(dir_of "$1")" --log-level debug >>"$TESTDIR/$1.log" 2>&1 &
    PID[$1]=$!
    for _ in $(seq 100); do
        ek "$1" status >/dev/null 2>&1 && return 0
        kill -0 "${PID[$1]}" 2>/dev/null || fail "ekonetd $1 exited at start: $(tail -n 5 "$TESTDIR/$1.log")"
        sleep 0.1
    done
    fail "ekonetd $1 did not answer within 10 s"
}

# node_start_later NAME OFFSET: starts ekonetd with its clock moved by OFFSET ("+31d"), as if
# it ran that much later (libfaketime; the monotonic clock is left alone).
node_start_later() {
    local lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1
    [ -f "$lib" ] || lib=$(dpkg -L libfaketime 2>/dev/null | grep 'libfaketimeMT.so.1$' | head -n 1)
    [ -n "$lib" ] || fail "libfaketime is not installed (scripts/deps.sh installs it)"
    LD_PRELOAD="$lib" FAKETIME="$2" FAKETIME_DONT_FAKE_MONOTONIC=1 \
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" node_start "$1"
}

# node_stop NAME: SIGTERM and wait; STOP_MS is how many milliseconds it took.
node_stop() {
    local t0 t1
    t0=$(date +%s%N)
    kill -TERM "${PID[$1]}"
    wait "${PID[$1]}" || fail "ekonetd $1 exited with status $? on SIGTERM"
    t1=$(date +%s%N)
    unset "PID[$1]"
    STOP_MS=$(((t1 - t0) / 1000000))
}

# node_kill NAME: SIGKILL, as a crash would.
node_kill() {
    kill -KILL "${PID[$1]}"
    wait "${PID[$1]}" 2>/dev/null || true
    unset "PID[$1]"
}

json() { jq -r "$1"; }

# ---- networks ---------------------------------------------------------------------------
# Board keys live in $TESTDIR/board: b1, b2, b3 (the charter's board, k = 2).

pubkey_of() { sed -n 's/^# public key: //p' "$1"; }
node_id() { pubkey_of "$(dir_of "$1")/node.key"; }
seed_of() { echo "$(node_id "$1")@tcp://127.0.0.1:${PORT[$1]}"; }

# board_found NAME: three board keys and a charter signed by two of them.
board_found() {
    mkdir -p "$TESTDIR/board"
    local b keys=()
    for b in b1 b2 b3; do
        "$EKONET" board keygen --out "$TESTDIR/board/$b.key" --name "$b" >/dev/null
        keys+=(--board-key "$(pubkey_of "$TESTDIR/board/$b.key")")
    done
    "$EKONET" board init --name "$1" "${keys[@]}" --threshold 2 --out "$TESTDIR/board/charter.ekp" 2>/dev/null
    board_sign "$TESTDIR/board/charter.ekp" b1 b2
}

# board_sign PROPOSAL KEY...: signatures of the named board keys.
board_sign() {
    local p=$1 k
    shift
    for k in "$@"; do "$EKONET" board sign "$p" --key "$TESTDIR/board/$k.key" --yes 2>/dev/null; done
}

# apply NODE: NODE's membership application, in $TESTDIR/NODE.app.
apply() {
    ek "$1" application --politician "Politiker i $1" --politician-email "pol@$1.example.se" \
        --official "Tjänsteman i $1" --official-phone "+46 8 123 45 67" --out "$TESTDIR/$1.app" 2>/dev/null
}

# admit VIA NODE: the board admits NODE (its application) through the running node VIA.
admit() {
    apply "$2"
    ek "$1" board admit "$TESTDIR/$2.app" --decision "Styrelsemöte §$2" --out "$TESTDIR/admit-$2.ekp" 2>/dev/null
    board_sign "$TESTDIR/admit-$2.ekp" b1 b2
    ek "$1" board publish "$TESTDIR/admit-$2.ekp" >/dev/null
}

# network_first NODE: NODE joins the genesis bundle, starts, and is admitted by the board.
network_first() {
    "$EKONET" board bundle --charter "$TESTDIR/board/charter.ekp" --seed "$(seed_of "$1")" \
        --out "$TESTDIR/genesis.bundle"
    ek "$1" join "$TESTDIR/genesis.bundle" >/dev/null
    node_start "$1"
    admit "$1" "$1"
}

# network_join VIA NODE: the board admits NODE through VIA, which gives it a bundle; NODE joins.
network_join() {
    admit "$1" "$2"
    ek "$1" board bundle --seed "$(seed_of "$1")" --out "$TESTDIR/$2.bundle"
    ek "$2" join "$TESTDIR/$2.bundle" >/dev/null
}

# wait_for SECONDS WHAT COMMAND...: retries COMMAND every 0.1 s until it succeeds.
wait_for() {
    local secs=$1 what=$2 i
    shift 2
    for ((i = 0; i < secs * 10; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    fail "$what: not within $secs s"
}

# head_of NODE AUTHOR_ID: how much of AUTHOR's feed NODE holds (read from its store).
head_of() {
    sqlite3 -readonly "$(dir_of "$1")/ekonet.db" \
        "SELECT coalesce(max(seq), 0) FROM entries WHERE author = X'$2'" 2>/dev/null || echo 0
}
has_head() { [ "$(head_of "$1" "$2")" -ge "$3" ]; }

# feed_dump NODE AUTHOR_ID: every stored byte of AUTHOR's feed, in seq order, hashed.
feed_dump() {
    sqlite3 -readonly "$(dir_of "$1")/ekonet.db" "SELECT hex(id) || hex(header) || hex(sigs) ||
        hex(coalesce(content, '')) FROM entries WHERE author = X'$2' ORDER BY seq" | sha256sum
}

# tune NODE KEY VALUE: sets a [peers] setting in NODE's configuration.
tune() { sed -i "s|^$2 = .*|$2 = $3|" "$(dir_of "$1")/ekonetd.conf"; }

# seeds NODE SEED...: replaces NODE's seeds.
seeds() {
    local conf
    conf="$(dir_of "$1")/ekonetd.conf"
    shift
    sed -i '/^seed = /d' "$conf"
    local s
    for s in "$@"; do sed -i "s|^\(id = .*\)$|\1\nseed = $s|" "$conf"; done
}

# ---- the commands, as their --help describes them ----------------------------------------
# Read by the tests that must follow every command (test_completion, test_cli_errors), so that
# a new command or option is checked as soon as its --help names it.

# cli_commands: the commands `ekonet --help` lists, one a line.
cli_commands() { "$EKONET" --help | sed -n '/^Commands:/,/^$/ s/^  \([a-z][a-z-]*\) .*/\1/p'; }

# cli_subcommands CMD: the commands of the group CMD, one a line, sorted (none for a command
# that is not a group).
cli_subcommands() {
    local usage
    usage=$("$EKONET" "$1" --help)
    [[ $usage == "usage: ekonet $1 COMMAND"* ]] || return 0
    echo "$usage" | sed -n 's/^  \([a-z][a-z-]*\)\( .*\)\{0,1\}$/\1/p' | sort -u
}

# cli_shares_help CMD SUB: SUB's --help is its group's (board): its options are on its line.
cli_shares_help() { [ "$("$EKONET" "$1" "$2" --help)" = "$("$EKONET" "$1" --help)" ]; }

# help_options ARGS...: the long options an `ekonet ARGS --help` names, less those of another
# command it refers to ("see ekonet members --contacts")
help_options() { "$EKONET" "$@" --help | options_in_help; }
options_in_help() {
    sed -E 's/([^:]) ekonet [a-z][a-z ]*--[a-z][a-z-]*/\1/g' | grep -o -- '--[a-z][a-z-]*' | sort -u || true
}

# sub_options CMD SUB: the long options on SUB's lines of the help CMD's commands share (from
# "  SUB ..." to the next command or blank line).
sub_options() { "$EKONET" "$1" --help | options_of_sub "$2"; }
options_of_sub() {
    awk -v sub_="$1" '/^  [a-z]/ { on = ($1 == sub_) } /^$/ { on = 0 } on' |
        grep -o -- '--[a-z][a-z-]*' | sort -u || true
}

# cli_options CMD [SUB]: the long options of a command, its group's shared help or its own.
cli_options() {
    if [ $# -eq 2 ] && cli_shares_help "$1" "$2"; then sub_options "$1" "$2"; else help_options "$@"; fi
}
