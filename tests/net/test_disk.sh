#!/usr/bin/env bash
# Disk faults: a node's data directory on a small tmpfs. When the disk is full, publishing
# fails with "the disk is full", entries arriving from a peer are not stored, the daemon keeps
# running and its store stays sound; once space is back it publishes and syncs again. The
# same with the file system remounted read-only. Needs root (mount); skipped otherwise.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
    echo "# skipped: mounting a small tmpfs needs root"
    exit 0
fi

board_found "Disktestet"
node_init a 2518
mkdir -m 700 "$(dir_of b)"
mount -t tmpfs -o size=48m,mode=0700 ekonet-test "$(dir_of b)" ||
    { echo "# skipped: cannot mount a tmpfs here"; exit 0; }
trap 'rc=$?; for n in "${!PID[@]}"; do kill -KILL "${PID[$n]}" 2>/dev/null || true; done
      wait 2>/dev/null; umount -l "$(dir_of b)" 2>/dev/null || true; (exit $rc); cleanup' EXIT
node_init b 2514
network_first a
network_join a b
seeds a
seeds b "$(seed_of a)"
for n in a b; do tune $n digest_interval 1; done
node_start b
A=$(node_id a)
B=$(node_id b)
publish() { ek b report add --title "$1" --body "Text" --json 2>&1; }
alive() { kill -0 "${PID[b]}" 2>/dev/null || fail "ekonetd b died: $(tail -n 5 "$TESTDIR/b.log")"; }
verify_b() {
    local out
    node_stop b
    out=$("$EKONETD" --dir "$(dir_of b)" --verify) || fail "--verify $1: $out"
    expect_contains "verify $1" ": 0 problems" "$out"
    node_start b
}
publish "Före" >/dev/null
"$TESTPEER" publish "$(dir_of a)" 100 600 >/dev/null
wait_for 30 "b has a's first 100" has_head b "$A" 100

# --- a full disk ------------------------------------------------------------------------------
before=$(head_of b "$B")
dd if=/dev/zero of="$(dir_of b)/filler" bs=64k 2>/dev/null || true
set +e
for i in $(seq 500); do # the write-ahead log may still hold room for some (16 KB pages)
    out=$(publish "Full $i"); rc=$?
    [ $rc -eq 0 ] || break
done
set -e
expect_eq "publish on a full disk exit" 1 "$rc"
expect_contains "publish on a full disk" "the disk is full" "$out"
full_head=$(head_of b "$B")
"$TESTPEER" publish "$(dir_of a)" 1500 2000 >/dev/null # a's entries do not fit at b
sleep 3
alive
expect_contains "status names the error" "the disk is full" "$(ek b status --json | json '.last_errors | join(" ")')"
[ "$(head_of b "$A")" -lt 1600 ] || fail "b stored everything on a full disk"
ok "on a full disk publishing fails with \"the disk is full\" (after $((full_head - before)) that fit); the daemon runs on"

rm "$(dir_of b)/filler"
out=$(publish "Efter") || fail "publish after space came back: $out"
expect_eq "seq after the full disk" $((full_head + 1)) "$(echo "$out" | json .seq)"
wait_for 60 "b catching up with a" has_head b "$A" 1600
expect_eq "a's feed at b" "$(feed_dump a "$A")" "$(feed_dump b "$A")"
verify_b "after the full disk"
ok "once space is back b publishes and finishes its sync; its store verifies"

# --- a read-only file system --------------------------------------------------------------
# The kernel refuses to remount read-only while the daemon holds its files open for writing.
if ! mount -o remount,ro "$(dir_of b)" 2>/dev/null; then
    echo "# skipped: the read-only case (remounting read-only is refused while ekonetd runs)"
    exit 0
fi
set +e
out=$(publish "Skrivskyddad"); rc=$?
set -e
expect_eq "publish read-only exit" 1 "$rc"
expect_contains "publish read-only" "read-only" "$out"
"$TESTPEER" publish "$(dir_of a)" 50 600 >/dev/null
sleep 2
alive
[ "$(head_of b "$A")" -lt 1650 ] || fail "b stored entries on a read-only file system"
mount -o remount,rw "$(dir_of b)"
out=$(publish "Skrivbar igen") || fail "publish after remount: $out"
wait_for 30 "b catching up after the remount" has_head b "$A" 1650
verify_b "after read-only"
ok "on a read-only file system publishing fails with \"read-only\"; after remount rw it publishes and syncs"
