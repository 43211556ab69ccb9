#!/usr/bin/env bash
# Backups: a backup taken by the running node while another process publishes reports
# without pause restores to a store that `ekonetd --verify` and SQLite's integrity_check
# pass, that holds every report published before the backup began, and that is marked
# restored; a backup taken with the daemon stopped is the same; and every refusal of
# `ekonet backup` and `ekonet restore` is what the user reads: the daemon running or not, the
# file existing, a directory the daemon cannot write or does not share with the user, not a
# store, a damaged store, another network's, another node's, a newer schema, not made by
# ekonet backup. The sandboxed cases (the daemon as a user of its own, a read-only file
# system and a /tmp of its own, as systemd runs it) need root.
. "$(dirname "$0")/lib.sh"

# run_ek NAME ARGS...: the CLI's exit status in RC and what it printed (both streams) in OUT.
run_ek() {
    set +e
    OUT=$(ek "$@" 2>&1)
    RC=$?
    set -e
}

db() { sqlite3 -readonly "$1" "$2"; }

board_found "Säkerhetskopian"
node_init a 2518
node_init b 2514
network_first a
network_join a b
node_start b
A=$(node_id a)
B=$(node_id b)
DA=$(dir_of a)
mkdir -p "$TESTDIR/backups"

# --- under write load ---------------------------------------------------------------------
# A store of some megabytes, so that the copy takes many steps (256 pages of 16 KiB each).
"$TESTPEER" publish "$DA" 2000 2000 >/dev/null
"$TESTPEER" publish "$DA" 1000000 2000 >"$TESTDIR/load.out" 2>&1 &
LOAD=$!
wait_for 20 "the load publishing" has_head a "$A" 2100
before=$(ek a status --json | json .own_seq)
ek a backup "$TESTDIR/backups/load.db" --json >"$TESTDIR/load.json"
after=$(ek a status --json | json .own_seq)
kill "$LOAD"
wait "$LOAD" 2>/dev/null || true
kill -0 "${PID[a]}" || fail "a died during the backup"
held=$(json .own_seq <"$TESTDIR/load.json")
[ "$held" -ge "$before" ] || fail "the backup holds a's feed to $held, but $before were published before it began"
[ "$after" -gt "$before" ] || fail "no report was published during the backup ($before, $after)"
expect_eq "made by" ekonetd "$(json .by <"$TESTDIR/load.json")"
expect_eq "its node" "$A" "$(json .node_id <"$TESTDIR/load.json")"
expect_eq "its entries" "$(db "$TESTDIR/backups/load.db" "SELECT count(*) FROM entries")" \
    "$(json .entries <"$TESTDIR/load.json")"
expect_eq "integrity_check of the backup" ok "$(db "$TESTDIR/backups/load.db" 'PRAGMA integrity_check')"
expect_eq "the backup is one file (journal mode)" delete \
    "$(db "$TESTDIR/backups/load.db" 'PRAGMA journal_mode')"
ls "$TESTDIR/backups" | grep -v '^load.db$' && fail "something beside the backup"
ok "a backup while reports are published without pause: a's feed to seq $held (published before it: $before, after: $after)"

# --- checking it ----------------------------------------------------------------------------
run_ek a backup --check "$TESTDIR/backups/load.db"
expect_eq "check exit" 0 "$RC"
expect_contains "check" "$TESTDIR/backups/load.db: a backup of this node's store, good to restore here" "$OUT"
expect_contains "check: node" "(this node)" "$OUT"
expect_contains "check: network" "(this node's)" "$OUT"
expect_contains "check: entries" "this node's feed to seq $held" "$OUT"
expect_contains "check: database" "intact (integrity_check ok), schema" "$OUT"
expect_eq "check --json restorable" true "$(ek a backup --check "$TESTDIR/backups/load.db" --json | json .restorable)"
ok "ekonet backup --check: this node's, this network's, its entries and the newest entry's date"

# --- the refusals while the daemon runs -----------------------------------------------------
run_ek a backup "$TESTDIR/backups/load.db"
expect_eq "exists exit" 1 "$RC"
expect_eq "exists" "ekonet: $TESTDIR/backups/load.db exists; give --force to replace it" "$OUT"
echo "an older backup" >"$TESTDIR/backups/older.db"
ek a backup "$TESTDIR/backups/older.db" --force >/dev/null
expect_eq "replaced" ok "$(db "$TESTDIR/backups/older.db" 'PRAGMA integrity_check')"
run_ek a backup "$TESTDIR/nowhere/x.db"
expect_eq "no such directory exit" 1 "$RC"
expect_eq "no such directory" \
    "ekonet: cannot write $TESTDIR/nowhere/x.db: directory $TESTDIR/nowhere: No such file or directory" "$OUT"
run_ek a backup "$TESTDIR/backups"
expect_eq "a directory" "ekonet: $TESTDIR/backups is a directory: give the name of the file to write" "$OUT"
run_ek a backup
expect_eq "no file exit" 2 "$RC"
expect_contains "no file" "give the file to write the backup to" "$OUT"
run_ek a restore "$TESTDIR/backups/load.db"
expect_eq "restore while running exit" 1 "$RC"
expect_eq "restore while running" \
    "ekonet: ekonetd is running on $DA; stop it before restoring a backup, and start it again after" "$OUT"
ok "while the daemon runs: an existing file (until --force), a missing directory, a directory, restore refused"

# relative names are the user's, not the daemon's working directory
(cd "$TESTDIR/backups" && "$EKONET" --dir "$DA" backup rel.db >/dev/null)
expect_eq "a relative name" ok "$(db "$TESTDIR/backups/rel.db" 'PRAGMA integrity_check')"

# progress on a terminal
out=$(script -qec "'$EKONET' --dir '$DA' backup '$TESTDIR/backups/tty.db'" /dev/null)
expect_contains "progress" "Backing up: " "$out"
expect_contains "progress" " pages (" "$out"
expect_contains "done" "Backed up the store to $TESTDIR/backups/tty.db" "$out"
ok "a relative file name is the user's; on a terminal the pages copied are shown"

# --- backups the restore refuses ----------------------------------------------------------
ek b backup "$TESTDIR/backups/b.db" >/dev/null
node_init x 2583 # a node alone: another network
node_start x
ek x report add --title "Ensam" --body "" >/dev/null
ek x backup "$TESTDIR/backups/x.db" >/dev/null
node_stop x
echo "Det här är en anteckning, ingen databas." >"$TESTDIR/backups/note.db"
cp "$TESTDIR/backups/load.db" "$TESTDIR/backups/damaged.db"
size=$(stat -c %s "$TESTDIR/backups/damaged.db")
dd if=/dev/urandom of="$TESTDIR/backups/damaged.db" bs=4096 seek=$((size / 8192)) count=4 conv=notrunc 2>/dev/null
cp "$TESTDIR/backups/load.db" "$TESTDIR/backups/newer.db"
sqlite3 "$TESTDIR/backups/newer.db" "PRAGMA user_version=99"
cp "$TESTDIR/backups/load.db" "$TESTDIR/backups/unmarked.db"
sqlite3 "$TESTDIR/backups/unmarked.db" "DELETE FROM meta WHERE key IN ('backup_node', 'backup_ms')"
X=$(node_id x)
SCHEMA=$(db "$TESTDIR/backups/load.db" 'PRAGMA user_version')

# each refusal: file, then the sentence
refusals=(
    note "$TESTDIR/backups/note.db is not an ekonet store (not an SQLite database)"
    damaged "$TESTDIR/backups/damaged.db is damaged"
    newer "$TESTDIR/backups/newer.db has schema version 99, newer than this ekonet understands ($SCHEMA); restore it with the newer version that made it"
    x "$TESTDIR/backups/x.db is a store of another network ("
    b "$TESTDIR/backups/b.db is the store of another node (${B:0:12}…), not of this one (${A:0:12}…)"
    unmarked "$TESTDIR/backups/unmarked.db does not say which node's store it is (it was not made by ekonet backup); restore only backups that ekonet backup made"
)
for ((i = 0; i < ${#refusals[@]}; i += 2)); do
    f="$TESTDIR/backups/${refusals[i]}.db"
    run_ek a backup --check "$f"
    expect_eq "check ${refusals[i]} exit" 1 "$RC"
    expect_contains "check ${refusals[i]}" "ekonet: ${refusals[i + 1]}" "$OUT"
done
run_ek a backup --check "$TESTDIR/backups/x.db"
expect_contains "check x: what it is" "node      ${X:0:12}… (another node)" "$OUT"
expect_contains "check x: what it is" "(another network)" "$OUT"
ok "ekonet backup --check refuses a note, a damaged file, a newer schema, another network's, another node's, an unmarked store"

node_stop a
cp "$DA/ekonet.db" "$TESTDIR/store-before.db"
for ((i = 0; i < ${#refusals[@]}; i += 2)); do
    f="$TESTDIR/backups/${refusals[i]}.db"
    run_ek a restore "$f"
    expect_eq "restore ${refusals[i]} exit" 1 "$RC"
    expect_contains "restore ${refusals[i]}" "ekonet: ${refusals[i + 1]}" "$OUT"
done
cmp -s "$DA/ekonet.db" "$TESTDIR/store-before.db" || fail "a refused restore changed the store"
ls "$DA" | grep before-restore && fail "a refused restore set the store aside"
ok "ekonet restore refuses the same files with the same sentences, and leaves the store alone"

# --- the daemon stopped: the command copies the store itself -----------------------------
out=$(ek a backup "$TESTDIR/backups/cold.db" --json)
expect_eq "made by" ekonet "$(echo "$out" | json .by)"
expect_eq "cold: a's feed" "$(head_of a "$A")" "$(echo "$out" | json .own_seq)"
run_ek a backup "$TESTDIR/backups/cold.db"
expect_eq "cold exists" "ekonet: $TESTDIR/backups/cold.db exists; give --force to replace it" "$OUT"
ok "with the daemon stopped, ekonet backup copies the store itself"

# --- the restore ----------------------------------------------------------------------------
seq_before_restore=$(head_of a "$A")
run_ek a restore "$TESTDIR/backups/load.db"
expect_eq "restore exit" 0 "$RC"
expect_contains "restore" "Restored the store of this node from $TESTDIR/backups/load.db" "$OUT"
expect_contains "restore" "this node's feed to seq $held)." "$OUT"
expect_contains "restore" "The store it replaced is kept as $DA/ekonet.db.before-restore-" "$OUT"
expect_contains "restore" "At its next start the node first takes back from the network what it published" "$OUT"
aside=$(ls "$DA" | grep '^ekonet.db.before-restore-')
expect_eq "the replaced store kept" "$seq_before_restore" \
    "$(db "$DA/$aside" "SELECT max(seq) FROM entries WHERE author = X'$A'")"
[ ! -e "$DA/ekonet.db-wal" ] || fail "a WAL file beside the restored store"
[ ! -e "$DA/ekonet.db.restoring" ] || fail "the temporary copy left behind"
mark=$(db "$DA/ekonet.db" "SELECT value FROM meta WHERE key='restored_ms'")
now=$(date +%s%3N)
[ -n "$mark" ] && [ $((now - mark)) -ge 0 ] && [ $((now - mark)) -lt 60000 ] ||
    fail "restored mark: '$mark' (now $now)"
expect_eq "restored: a's feed" "$held" "$(head_of a "$A")"
expect_eq "restored: integrity_check" ok "$(db "$DA/ekonet.db" 'PRAGMA integrity_check')"
out=$("$EKONETD" --dir "$DA" --verify) || fail "--verify of the restored store: $out"
expect_contains "restored: verify" ": 0 problems" "$out"
ok "restored: a's feed to seq $held, the old store kept as $aside, marked restored, verified, intact"

node_start a
expect_eq "the node runs on the restored store" "$A" "$(ek a status --json | json .node_id)"
restored_mark() { [ -z "$(db "$DA/ekonet.db" "SELECT value FROM meta WHERE key='restored_ms'")" ]; }
wait_for 60 "a taking back its own feed from b" has_head a "$A" "$seq_before_restore"
wait_for 60 "the restored mark cleared" restored_mark
node_stop a
ok "the node starts on the restored store, takes back its feed to seq $seq_before_restore from b, and clears the mark"

# --- the daemon as systemd runs it (root only) ------------------------------------------------
if [ "$(id -u)" != 0 ] || ! command -v useradd >/dev/null || ! command -v setpriv >/dev/null ||
    ! command -v unshare >/dev/null; then
    echo "# skipped: the sandboxed daemon needs root, useradd, setpriv and unshare"
    exit 0
fi
USER_NAME="ekb$$"
useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$USER_NAME"
trap 'rc=$?; [ -z "${SPID:-}" ] || { kill -KILL "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; }
      userdel "$USER_NAME" 2>/dev/null || true; (exit $rc); cleanup' EXIT
chmod 711 "$TESTDIR"
node_init s 2580
DS=$(dir_of s)
mkdir -p "$DS/backups" "$TESTDIR/ro" "$TESTDIR/private" "$TESTDIR/root-only"
chown -R "$USER_NAME:$USER_NAME" "$DS"
chmod 755 "$TESTDIR/root-only"
# A read-only file system over ro and a /tmp of its own over private, as ProtectSystem=strict
# and PrivateTmp=yes give it; the mounts are the daemon's alone.
unshare -m bash -c "mount -t tmpfs -o ro tmpfs '$TESTDIR/ro' && mount -t tmpfs tmpfs '$TESTDIR/private' &&
    chmod 1777 '$TESTDIR/private' && exec setpriv --reuid=$(id -u "$USER_NAME") --regid=$(id -g "$USER_NAME") \
    --clear-groups --inh-caps=-all '$EKONETD' --dir '$DS' --log-level debug" >>"$TESTDIR/s.log" 2>&1 &
SPID=$!
wait_for 20 "the sandboxed node answering" ek s status
run_ek s backup "$TESTDIR/root-only/s.db"
expect_eq "not the daemon's directory exit" 1 "$RC"
expect_eq "not the daemon's directory" \
    "ekonet: ekonetd runs as user $USER_NAME, which may not write in $TESTDIR/root-only: choose a directory that user may write to, such as $DS/backups" "$OUT"
run_ek s backup "$TESTDIR/ro/s.db"
expect_eq "read-only exit" 1 "$RC"
expect_contains "read-only" "ekonet: ekonetd cannot write in $TESTDIR/ro: the file system is read-only for it (under systemd it may write only in its data directory)" "$OUT"
run_ek s backup "$TESTDIR/private/s.db"
expect_eq "private tmp exit" 1 "$RC"
expect_contains "private tmp" "ekonet: ekonetd wrote the backup to $TESTDIR/private/s.db as it sees the file system, but this command does not find that file there" "$OUT"
ek s backup "$DS/backups/s.db" >/dev/null
expect_eq "the daemon's user owns the backup" "$USER_NAME" "$(stat -c %U "$DS/backups/s.db")"
expect_eq "nobody else may read it" 600 "$(stat -c %a "$DS/backups/s.db")"
ok "the daemon as its own user: a directory it may not write, a read-only one, a /tmp of its own, each said; its backups are its user's, mode 600"

kill -TERM "$SPID"
wait "$SPID" || fail "the sandboxed ekonetd exited with $? on SIGTERM"
SPID=
run_ek s restore "$DS/backups/s.db"
expect_eq "restore as root exit" 1 "$RC"
expect_eq "restore as root" \
    "ekonet: run ekonet restore as the node's user $USER_NAME (the owner of $DS), so that the restored store is that user's: sudo -u $USER_NAME ekonet --dir $DS restore FILE" "$OUT"
out=$(setpriv --reuid="$(id -u "$USER_NAME")" --regid="$(id -g "$USER_NAME")" --clear-groups \
    "$EKONET" --dir "$DS" restore "$DS/backups/s.db")
expect_contains "restore as the user" "Restored the store of this node" "$out"
expect_eq "the restored store is the user's" "$USER_NAME" "$(stat -c %U "$DS/ekonet.db")"
ok "restore runs as the node's user, and says so when run as root"
