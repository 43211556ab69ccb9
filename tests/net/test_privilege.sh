#!/usr/bin/env bash
# Least privilege: ekonetd refuses a data directory that every user can write to and a key
# file that others can read, naming the file and the fix; `ekonet init` refuses the same
# directory; and the daemon runs as an unprivileged system user of its own (as the systemd
# unit runs it) when the test runs as root.
. "$(dirname "$0")/lib.sh"

node_init a 2518
DIR=$(dir_of a)

# --- a world-writable data directory --------------------------------------------------------
chmod 777 "$DIR"
set +e
out=$("$EKONETD" --dir "$DIR" 2>&1); rc=$?
set -e
expect_eq "world-writable dir exit" 1 "$rc"
expect_eq "world-writable dir" \
    "ekonetd: data directory $DIR is writable by everyone; run: chmod 700 $DIR" "$out"
[ ! -e "$DIR/ekonetd.lock" ] || [ "$(stat -c %a "$DIR/ekonetd.lock")" = 600 ] ||
    fail "a lock file others may touch"
mkdir -m 777 "$TESTDIR/open"
set +e
out=$("$EKONET" --dir "$TESTDIR/open" init --code 2514 2>&1); rc=$?
set -e
expect_eq "init in a world-writable dir exit" 1 "$rc"
expect_contains "init in a world-writable dir" "$TESTDIR/open is writable by everyone; run: chmod 700" "$out"
[ ! -e "$TESTDIR/open/node.key" ] || fail "init wrote a key into a world-writable dir"
chmod 700 "$DIR"
ok "ekonetd and ekonet init refuse a world-writable data directory and say: chmod 700"

# --- a key file others can read ---------------------------------------------------------------
for mode in 644 640 604; do
    chmod $mode "$DIR/node.key"
    set +e
    out=$("$EKONETD" --dir "$DIR" 2>&1); rc=$?
    set -e
    expect_eq "key $mode exit" 1 "$rc"
    expect_eq "key $mode" "ekonetd: key file $DIR/node.key can be read by others (mode 0$mode); run: chmod 600 $DIR/node.key" "$out"
done
chmod 600 "$DIR/node.key"
ok "ekonetd refuses a key file readable by the group or by others, naming its mode and the fix"

# --- a group-writable directory is allowed (systemd's StateDirectory gives 0750 or 0770) ----
chmod 770 "$DIR"
node_start a
node_stop a
chmod 700 "$DIR"
ok "a data directory its group may write to is accepted"

# --- an unprivileged system user --------------------------------------------------------------
if [ "$(id -u)" != 0 ] || ! command -v useradd >/dev/null || ! command -v setpriv >/dev/null; then
    echo "# skipped: running ekonetd as a system user needs root, useradd and setpriv"
    exit 0
fi
USER_NAME="ekt$$"
useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$USER_NAME"
trap 'rc=$?; [ -z "${UPID:-}" ] || kill -KILL "$UPID" 2>/dev/null; wait 2>/dev/null;
      userdel "$USER_NAME" 2>/dev/null || true; (exit $rc); cleanup' EXIT
chmod 711 "$TESTDIR"
chown -R "$USER_NAME:$USER_NAME" "$DIR"
UID_=$(id -u "$USER_NAME")
GID_=$(id -g "$USER_NAME")
setpriv --reuid="$UID_" --regid="$GID_" --clear-groups --inh-caps=-all \
    "$EKONETD" --dir "$DIR" --log-level debug >>"$TESTDIR/a.log" 2>&1 &
UPID=$!
wait_for 20 "ekonetd as $USER_NAME answering" ek a status
expect_eq "ekonetd's user" "$USER_NAME" "$(ps -o user= -p "$UPID" | tr -d ' ')"
id=$(ek a report add --title "Som systemanvändare" --body "" --json | json .id)
expect_contains "published" "Som systemanvändare" "$(ek a report show "$id")"
expect_eq "the database belongs to the user" "$USER_NAME" "$(stat -c %U "$DIR/ekonet.db")"
kill -TERM "$UPID"
wait "$UPID" || fail "ekonetd as $USER_NAME exited with $? on SIGTERM"
UPID=
out=$(setpriv --reuid="$UID_" --regid="$GID_" --clear-groups "$EKONETD" --dir "$DIR" --verify)
expect_contains "verify as the user" ": 0 problems" "$out"
ok "ekonetd runs as the unprivileged system user $USER_NAME: it serves, publishes, stops, verifies"
