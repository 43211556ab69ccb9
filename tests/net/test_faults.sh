#!/usr/bin/env bash
# Network faults: five nodes, each in its own network namespace on one bridge. A partition, 25%
# random packet loss, a thin link and a node cut off for longer than the session timeouts; after
# each fault heals, every node holds the same entries: everything published on either side
# during the fault, nothing lost, nothing doubled. A contact request sent to a member while it
# is cut off is delivered after the partition heals. Needs root, iproute2 and nftables.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netns.sh"
netns_need

NODES=(a b c d e)
netns_hub
host=1
for n in "${NODES[@]}"; do netns_node $n $host; host=$((host + 1)); done

board_found "Störningsnätet"
node_init a 2518
node_init b 2514
node_init c 2583
node_init d 2584
node_init e 2580
network_first a
for n in b c d e; do network_join a $n; done
for n in "${NODES[@]}"; do
    tune $n digest_interval 1
    tune $n beacon_interval 2
done
node_stop a
for n in "${NODES[@]}"; do node_start $n; done

entries() { ek "$1" status --json | jq -r .entries; }
# all_hold N: every node stores exactly N entries, and every feed is byte-identical everywhere
# with no seq twice.
all_hold() {
    local n a
    for n in "${NODES[@]}"; do [ "$(entries $n)" = "$1" ] || return 1; done
    for a in "${NODES[@]}"; do
        local id ref
        id=$(node_id $a)
        ref=$(feed_dump a "$id")
        for n in b c d e; do [ "$(feed_dump $n "$id")" = "$ref" ] || return 1; done
    done
    for n in "${NODES[@]}"; do
        [ "$(sqlite3 -readonly "$(dir_of $n)/ekonet.db" \
            "SELECT count(*) - count(DISTINCT author || '/' || seq) FROM entries")" = 0 ] || return 1
    done
}
same_everywhere() {
    local n e
    e=$(entries a)
    for n in "${NODES[@]}"; do [ "$(entries $n)" = "$e" ] || return 1; done
}
live_peers() { ek "$1" peers --json | jq '[.[] | select(.state == "live")] | length'; }
has_live() { [ "$(live_peers "$1")" -ge 1 ]; }
no_live() { [ "$(live_peers "$1")" = 0 ]; }
reachable() { ek "$1" network --json | jq -r .reachable; }
now() { date +%s; }

wait_for 60 "the roster and profiles everywhere" sh -c \
    "for n in ${NODES[*]}; do [ \$('$EKONET' --dir '$TESTDIR'/\$n members --json | jq length) = 5 ] || exit 1; done"
wait_for 60 "first convergence" same_everywhere
TOTAL=$(entries a)
all_hold "$TOTAL" || fail "nodes disagree before any fault"
ok "five nodes in five namespaces on ${NS_NET}/24 agree on $TOTAL entries"

# --- a: partition {a, b} | {c, d, e} ------------------------------------------------------------
cut() { # cut NODE ADDR...: NODE drops everything from the given addresses
    local n=$1 set
    shift
    set=$(IFS=,; echo "$*")
    nft_in $n in ip saddr "{ $set }" drop
}
cut a "${NS_ADDR[c]}" "${NS_ADDR[d]}" "${NS_ADDR[e]}"
cut b "${NS_ADDR[c]}" "${NS_ADDR[d]}" "${NS_ADDR[e]}"
for n in c d e; do cut $n "${NS_ADDR[a]}" "${NS_ADDR[b]}"; done
"$TESTPEER" publish "$(dir_of a)" 40 600 >/dev/null
"$TESTPEER" publish "$(dir_of d)" 30 600 >/dev/null
TOTAL=$((TOTAL + 70))
wait_for 60 "a's reports at b" has_head b "$(node_id a)" 40
wait_for 60 "d's reports at e" has_head e "$(node_id d)" 30
[ "$(head_of c "$(node_id a)")" -lt 40 ] || fail "a's reports crossed the partition"
[ "$(head_of a "$(node_id d)")" -lt 30 ] || fail "d's reports crossed the partition"
# A contact request from c to b while b is on the other side.
ek c contact request 2514 --role official --subject "Matsvinn" \
    --message "Hur gjorde ni med matsvinnet i skolköken?" --from-name "Karin Berg" \
    --from-title "Miljöstrateg" --reply-to karin.berg@example.se >/dev/null
sleep 3
expect_eq "b's inbox during the partition" 0 "$(ek b contact inbox --json | jq length)"
for n in "${NODES[@]}"; do nft_heal $n; done
t0=$(now)
wait_for 120 "convergence after the partition" all_hold "$TOTAL"
ok "partition {a,b}|{c,d,e}: 40 + 30 reports published on the two sides are everywhere after healing ($(($(now) - t0)) s)"
wait_for 120 "the contact request at b" sh -c "[ \$('$EKONET' --dir '$(dir_of b)' contact inbox --json | jq length) = 1 ]"
expect_contains "the request's subject" "Matsvinn" "$(ek b contact inbox --json)"
ok "a contact request sent to b while it was partitioned away is delivered after healing"

# --- b: 25% random loss on every node's input --------------------------------------------------
for n in "${NODES[@]}"; do nft_in $n in iifname eth0 numgen random mod 100 '<' 25 drop; done
for n in "${NODES[@]}"; do "$TESTPEER" publish "$(dir_of $n)" 40 600 >/dev/null; done
TOTAL=$((TOTAL + 200))
t0=$(now)
wait_for 180 "convergence under 25% loss" all_hold "$TOTAL"
ok "25% input loss on every node: 200 reports (40 per node) converge while lossy ($(($(now) - t0)) s)"
for n in "${NODES[@]}"; do nft_heal $n; done
"$TESTPEER" publish "$(dir_of e)" 20 600 >/dev/null
TOTAL=$((TOTAL + 20))
wait_for 60 "convergence after the loss" all_hold "$TOTAL"
ok "after the loss is removed 20 more reports converge"

# --- c: a thin link ------------------------------------------------------------------------------
tc_limit c 512kbit
"$TESTPEER" publish "$(dir_of c)" 300 1000 >/dev/null
"$TESTPEER" publish "$(dir_of a)" 100 1000 >/dev/null
TOTAL=$((TOTAL + 400))
t0=$(now)
wait_for 180 "convergence over c's 512 kbit/s" all_hold "$TOTAL"
ok "c behind 512 kbit/s: 300 ~1 KB reports from c and 100 from a converge ($(($(now) - t0)) s)"
tc_heal c

# --- d: a node cut off for longer than the session timeouts -------------------------------------
wait_for 60 "d's sessions before" has_live d
wait_for 60 "everybody reachable at a" sh -c "[ \$('$EKONET' --dir '$(dir_of a)' network --json | jq -r .reachable) -ge 4 ]"
nft_in d in iifname eth0 drop
nft_in d out oifname eth0 drop
"$TESTPEER" publish "$(dir_of d)" 25 600 >/dev/null
"$TESTPEER" publish "$(dir_of b)" 25 600 >/dev/null
TOTAL=$((TOTAL + 50))
wait_for 90 "d's sessions gone" no_live d
# d itself, not the count: another member may turn reachable again meanwhile
wait_for 90 "d unreachable at a" sh -c "[ \$('$EKONET' --dir '$(dir_of a)' network --json | jq -r --arg d '$(node_id d)' '.members[] | select(.node_id == \$d) | .reachable') = false ]"
sleep 5
nft_heal d
t0=$(now)
wait_for 120 "d's sessions back" has_live d
wait_for 120 "convergence after d's isolation" all_hold "$TOTAL"
wait_for 60 "d reachable again at a" sh -c "[ \$('$EKONET' --dir '$(dir_of a)' network --json | jq -r --arg d '$(node_id d)' '.members[] | select(.node_id == \$d) | .reachable') = true ]"
ok "d cut off until its sessions and beacons timed out: sessions back, reachable again, 25 + 25 reports everywhere ($(($(now) - t0)) s)"

for n in "${NODES[@]}"; do
    expect_contains "$n verifies" "0 problems" "$("$EKONETD" --dir "$(dir_of $n)" --verify 2>&1)"
done
ok "every store verifies after the faults: $TOTAL entries each"
