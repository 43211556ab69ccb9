# Network namespaces for the fault tests: every node runs in a namespace of its own, joined to
# the others by a veth pair on a bridge in a hub namespace, so that nftables rules and tc
# qdiscs in one node's namespace cut, thin or slow that node's traffic only. Needs root, ip
# (iproute2), nft (nftables) and tc. Sourced after lib.sh; names carry the shell's pid so that
# parallel runs never meet.

NS_PREFIX="ekf$$"
NS_HUB="$NS_PREFIX-hub"
NS_NET="10.$((16 + RANDOM % 200)).$((RANDOM % 250)).0"
declare -A NS_ADDR
NS_NODES=()

# netns_need: skips when not root; as root a missing tool is a failure.
netns_need() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "# skipped: network namespaces need root"
        exit 0
    fi
    local t
    for t in ip nft tc; do
        command -v "$t" >/dev/null || fail "$t is missing (scripts/deps.sh installs iproute2 and nftables)"
    done
}

ns_of() { echo "$NS_PREFIX-$1"; }

# netns_hub: the hub namespace and its bridge.
netns_hub() {
    ip netns add "$NS_HUB"
    ip -n "$NS_HUB" link set lo up
    ip -n "$NS_HUB" link add br0 type bridge
    ip -n "$NS_HUB" link set br0 up
}

# netns_node NAME HOST: NAME's namespace, with eth0 at NET.HOST/24 on the hub's bridge.
netns_node() {
    local ns
    ns=$(ns_of "$1")
    ip netns add "$ns"
    NS_NODES+=("$1")
    ip -n "$NS_HUB" link add "p-$1" type veth peer name eth0 netns "$ns"
    ip -n "$NS_HUB" link set "p-$1" master br0 up
    NS_ADDR[$1]="${NS_NET%.0}.$2"
    ip -n "$ns" addr add "${NS_ADDR[$1]}/24" dev eth0
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
}

netns_cleanup() {
    local rc=$? n
    for n in "${!PID[@]}"; do kill -KILL "${PID[$n]}" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for n in "${NS_NODES[@]}"; do ip netns del "$(ns_of "$n")" 2>/dev/null || true; done
    ip netns del "$NS_HUB" 2>/dev/null || true
    (exit $rc)
    cleanup
}
trap netns_cleanup EXIT

# The lib.sh helpers, for nodes in namespaces: they listen and are dialled at their address.
node_init() {
    PORT[$1]=7650
    "$EKONET" --dir "$(dir_of "$1")" init --code "$2" --listen "tcp://${NS_ADDR[$1]}:7650" >/dev/null
    MPORT[$1]=off
    sed -i "/^\[metrics\]/,/^\[/ s|^listen = .*|listen = off|" "$(dir_of "$1")/ekonetd.conf"
}
seed_of() { echo "$(node_id "$1")@tcp://${NS_ADDR[$1]}:${PORT[$1]}"; }
node_start() {
    ip netns exec "$(ns_of "$1")" "$EKONETD" --dir "$(dir_of "$1")" --log-level debug \
        >>"$TESTDIR/$1.log" 2>&1 &
    PID[$1]=$!
    for _ in $(seq 100); do
        ek "$1" status >/dev/null 2>&1 && return 0
        kill -0 "${PID[$1]}" 2>/dev/null || fail "ekonetd $1 exited at start: $(tail -n 5 "$TESTDIR/$1.log")"
        sleep 0.1
    done
    fail "ekonetd $1 did not answer within 10 s"
}

# nft_in NAME RULE...: adds RULE to NAME's input filter (table inet fault, made on first use).
nft_in() {
    local ns
    ns=$(ns_of "$1")
    shift
    ip netns exec "$ns" nft add table inet fault
    ip netns exec "$ns" nft "add chain inet fault in { type filter hook input priority 0; }"
    ip netns exec "$ns" nft "add chain inet fault out { type filter hook output priority 0; }"
    ip netns exec "$ns" nft add rule inet fault "$@"
}
# nft_heal NAME: removes every fault rule in NAME's namespace.
nft_heal() { ip netns exec "$(ns_of "$1")" nft delete table inet fault 2>/dev/null || true; }

# tc_limit NAME RATE: NAME's traffic both ways through a token bucket of RATE (e.g. 512kbit).
tc_limit() {
    ip netns exec "$(ns_of "$1")" tc qdisc add dev eth0 root tbf rate "$2" burst 32kbit latency 400ms
    ip netns exec "$NS_HUB" tc qdisc add dev "p-$1" root tbf rate "$2" burst 32kbit latency 400ms
}
tc_heal() {
    ip netns exec "$(ns_of "$1")" tc qdisc del dev eth0 root 2>/dev/null || true
    ip netns exec "$NS_HUB" tc qdisc del dev "p-$1" root 2>/dev/null || true
}
