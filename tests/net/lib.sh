# Shared by the network tests: start real ekonetd processes on loopback, each with its own
# data directory under one temporary directory, and clean everything up on exit.
set -euo pipefail

: "${EKONET:?set EKONET to the ekonet binary}"
: "${EKONETD:?set EKONETD to the ekonetd binary}"

TESTDIR=$(mktemp -d /tmp/ekonet-test.XXXXXX)
declare -A PID PORT
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
    rm -rf "$TESTDIR"
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

# A loopback port nobody listens on.
free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 40000))
        (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }
    done
}

dir_of() { echo "$TESTDIR/$1"; }
ek() { local n=$1; shift; "$EKONET" --dir "$(dir_of "$n")" --no-color "$@"; }

# node_init NAME CODE: a new node listening on its own loopback port.
node_init() {
    PORT[$1]=$(free_port)
    "$EKONET" --dir "$(dir_of "$1")" init --code "$2" --listen "tcp://127.0.0.1:${PORT[$1]}" >/dev/null
}

# node_start NAME: starts ekonetd and waits until its API answers.
node_start() {
    "$EKONETD" --dir "$(dir_of "$1")" --log-level debug >>"$TESTDIR/$1.log" 2>&1 &
    PID[$1]=$!
    for _ in $(seq 100); do
        ek "$1" status >/dev/null 2>&1 && return 0
        kill -0 "${PID[$1]}" 2>/dev/null || fail "ekonetd $1 exited at start: $(tail -n 5 "$TESTDIR/$1.log")"
        sleep 0.1
    done
    fail "ekonetd $1 did not answer within 10 s"
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
