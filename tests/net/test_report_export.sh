#!/usr/bin/env bash
# The knowledge bank leaves the network: on two nodes, Swedish reports (å ä ö in titles, a ';'
# and a quote in a summary, a multi-line body) are listed past one page (--all, --offset with a
# small --page-size) and exported whole or as a filter selects them, as JSON Lines (read with
# Python's json), CSV for Swedish Excel (its bytes: BOM, ';', CRLF, quoted fields) and Markdown
# files (their names and front matter). Every error a user can make with export is tried.
. "$(dirname "$0")/lib.sh"

board_found "Sveriges Ekokommuner"
node_init a 1980 # Västerås
node_init b 0180 # Stockholm
network_first a
network_join a b
for n in a b; do tune $n digest_interval 1; done
node_stop a
for n in a b; do node_start $n; done

ek a report add --title "Matavfall i Västerås" --summary 'Bruna påsar; "tidningspapper"' \
    --body $'Vi började i Rosengård.\nSedan i hela staden.' --topic avfall --indicator GN.7 >/dev/null
ek a report add --title "Solceller på förskolor" --body "Tolv förskolor." --topic energi >/dev/null
for i in $(seq 1 20); do ek a report add --title "Kort rapport $i" --body "Nr $i" --topic kort >/dev/null; done
ek b report add --title "Öppna förskolan går över till ekologisk mat" --body "Mat." --topic mat >/dev/null
wait_for 30 "23 reports at b" sh -c "[ \$('$EKONET' --dir '$TESTDIR/b' report list --json | jq .total) -eq 23 ]"

# --- list past one page ---------------------------------------------------------------------------
all=$(ek b report list --all --page-size 7 --json)
expect_eq "--all lists every report" 23 "$(echo "$all" | jq '.reports | length')"
expect_eq "--all: no report twice" 23 "$(echo "$all" | jq '[.reports[].id] | unique | length')"
expect_eq "--all --json says total" 23 "$(echo "$all" | json .total)"
page=$(ek b report list --offset 20 --limit 2 --json)
expect_eq "--offset --json says offset" 20 "$(echo "$page" | json .offset)"
expect_eq "--offset 20 --limit 2" "$(echo "$all" | jq -c '[.reports[20:22][].id]')" "$(echo "$page" | jq -c '[.reports[].id]')"
rest=$(ek b report list --all --offset 18 --page-size 2)
expect_eq "--all --offset 18: five rows and a head" 6 "$(echo "$rest" | wc -l)"
out=$(ek b report list --limit 5)
expect_contains "the text says how to see more" "(5 of 23 shown, from 1; use --limit and --offset, or --all, for more)" "$out"
ok "report list pages past one page: --all, --offset, --limit, total and offset in JSON"

# --- JSON Lines -----------------------------------------------------------------------------------
out=$(ek b report export --format jsonl --out "$TESTDIR/bank.jsonl" --page-size 5)
expect_eq "what was written" "Wrote 23 reports to $TESTDIR/bank.jsonl (JSON Lines)." "$out"
python3 - "$TESTDIR/bank.jsonl" <<'PY' || fail "the JSON Lines are not as Python reads them"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(rows) == 23, len(rows)
assert len({r["stable_id"] for r in rows}) == 23
m = [r for r in rows if r["title"] == "Matavfall i Västerås"][0]
assert m["summary"] == 'Bruna påsar; "tidningspapper"', m["summary"]
assert m["body"] == "Vi började i Rosengård.\nSedan i hela staden.", m["body"]
assert m["topics"] == ["avfall"] and m["indicators"] == ["GN.7"], m
assert len(m["stable_id"]) == 64 and m["version"] == 1
for k in ("id", "author", "author_name", "time", "kind", "period", "language", "attachments"):
    assert k in m, k
PY
ok "export --format jsonl: one report a line, every field, read by Python's json"

# --- CSV for Swedish Excel ------------------------------------------------------------------------
ek b report export --format csv --topic avfall --out "$TESTDIR/avfall.csv" >/dev/null
expect_eq "a BOM first" efbbbf "$(head -c 3 "$TESTDIR/avfall.csv" | od -An -tx1 | tr -d ' \n')"
head1=$(head -1 "$TESTDIR/avfall.csv" | tail -c +4)
expect_eq "the header, quoted, ';', CRLF" \
    $'"stable_id";"id";"version";"time";"author";"member";"kind";"title";"summary";"topics";"indicators";"period";"language";"body";"attachments"\r' "$head1"
python3 - "$TESTDIR/avfall.csv" <<'PY' || fail "the CSV is not as Excel reads it"
import csv, sys
data = open(sys.argv[1], "rb").read()
assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
rows = list(csv.reader(data.decode("utf-8-sig").splitlines(keepends=True), delimiter=";"))
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline=""), delimiter=";"))
assert len(rows) == 2, rows
r = dict(zip(rows[0], rows[1]))
assert r["title"] == "Matavfall i Västerås", r
assert r["summary"] == 'Bruna påsar; "tidningspapper"', r["summary"]
assert r["body"] == "Vi började i Rosengård.\nSedan i hela staden.", r["body"]
assert r["topics"] == "avfall" and r["indicators"] == "GN.7" and len(r["stable_id"]) == 64
PY
expect_contains "a quote doubled, ';' inside quotes" '"Bruna påsar; ""tidningspapper"""' "$(cat "$TESTDIR/avfall.csv")"
ok "export --format csv --topic: BOM, ';', CRLF, quoted fields, only what the filter selects"

# --- Markdown -------------------------------------------------------------------------------------
out=$(ek b report export --format markdown --out "$TESTDIR/md" --member 0180 --json)
expect_eq "--json says the count" 1 "$(echo "$out" | json .reports)"
sid=$(echo "$all" | jq -r '.reports[] | select(.title | startswith("Öppna")) | .stable_id')
today=$(date -u +%Y-%m-%d)
f="$TESTDIR/md/$today-oppna-forskolan-gar-over-till-ekologisk-mat-${sid:0:8}.md"
[ -f "$f" ] || fail "no $f: $(ls "$TESTDIR/md")"
expect_eq "front matter opens" --- "$(head -1 "$f")"
expect_contains "title in front matter" 'title: "Öppna förskolan går över till ekologisk mat"' "$(cat "$f")"
expect_contains "stable id in front matter" "stable_id: \"$sid\"" "$(cat "$f")"
expect_contains "topics as a list" 'topics: ["mat"]' "$(cat "$f")"
expect_contains "the title as a heading" "# Öppna förskolan går över till ekologisk mat" "$(cat "$f")"
ek b report export --format markdown --out "$TESTDIR/md2" >/dev/null
expect_eq "a file per report" 23 "$(ls "$TESTDIR/md2" | wc -l)"
ok "export --format markdown: a file per report named by date and title, front matter"

# --- errors ---------------------------------------------------------------------------------------
bad() { # exit status, what the user reads, the command
    local want=$1 msg=$2 rc=0 out
    shift 2
    out=$("$@" 2>&1) || rc=$?
    expect_eq "exit status of $*" "$want" "$rc"
    expect_contains "$*" "$msg" "$out"
}
bad 1 "bank.jsonl exists; give --force to replace it" ek b report export --format jsonl --out "$TESTDIR/bank.jsonl"
ek b report export --format jsonl --out "$TESTDIR/bank.jsonl" --force --topic energi >/dev/null
expect_eq "--force replaces the file" 1 "$(wc -l <"$TESTDIR/bank.jsonl")"
bad 1 "exists; give --force to replace it" ek b report export --format markdown --out "$TESTDIR/md"
bad 2 "--format must be jsonl, csv or markdown, not \"xml\"" ek b report export --format xml --out "$TESTDIR/x"
bad 2 "give the format: --format jsonl, csv or markdown" ek b report export --out "$TESTDIR/x"
bad 2 "give where to write: --out DIR" ek b report export --format markdown
bad 1 "is a directory: name the file to write" ek b report export --format csv --out "$TESTDIR/md"
bad 1 "is not a directory" ek b report export --format markdown --out "$TESTDIR/avfall.csv"
mkdir "$TESTDIR/ro" && chmod 555 "$TESTDIR/ro"
if [ "$(id -u)" != 0 ]; then
    bad 1 "cannot write $TESTDIR/ro/x.csv" ek b report export --format csv --out "$TESTDIR/ro/x.csv"
    bad 1 "cannot write in $TESTDIR/ro" ek b report export --format markdown --out "$TESTDIR/ro"
fi
bad 1 "cannot write $TESTDIR/avfall.csv/x.csv: Not a directory" \
    ek b report export --format csv --out "$TESTDIR/avfall.csv/x.csv"
bad 1 "avfall.csv" ek b report export --format markdown --out "$TESTDIR/avfall.csv/md"
bad 2 "--page-size must be a number from 1 to 1000" ek b report export --format csv --out "$TESTDIR/y.csv" --page-size 0
bad 2 "give --limit or --all, not both" ek b report list --all --limit 3
[ ! -e "$TESTDIR/x" ] && [ ! -e "$TESTDIR/y.csv" ] || fail "a refused export left a file"
ls "$TESTDIR" | grep -c '\.tmp\.' >/dev/null && fail "a temporary file was left behind" || true
ok "export refuses an existing file, a bad format, a missing --out and an unwritable directory"
