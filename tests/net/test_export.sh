#!/usr/bin/env bash
# Spreadsheets as Swedish municipal staff have them, on three nodes: a CSV that Swedish Excel
# saved (Windows-1252, ';', decimal commas, notes with å ä ö) is imported; a file whose
# encoding cannot be told is refused with its line and what to do; the member's values and one
# indicator across the members are exported as CSV for Excel (BOM, ';', decimal comma, CRLF) and
# as XLSX, read back with openpyxl as Excel would: numbers as numbers, names intact, members
# by name (å ä ö after z), never by value, corrections and withdrawals in force. Every error a
# user can make with export is tried.
. "$(dirname "$0")/lib.sh"

# Debian's python3, where python3-openpyxl is installed (scripts/deps.sh)
PY=/usr/bin/python3
$PY -c "import openpyxl" 2>/dev/null || fail "python3-openpyxl is not installed (scripts/deps.sh installs it)"

board_found "Sveriges Ekokommuner"
node_init a 1880 # Örebro
node_init b 2321 # Åre
node_init c 0765 # Älmhult
network_first a
network_join a b
network_join a c
for n in a b c; do tune $n digest_interval 1; done
node_stop a
for n in a b c; do node_start $n; done

# --- import: what Swedish Excel saves ------------------------------------------------------------
# "CSV (semikolonavgränsad)" in a Swedish Windows: Windows-1252, ';', decimal commas, a no-break
# space between thousands, CRLF, empty trailing columns
printf 'kod;\xe5r;v\xe4rde;kommentar;;\r\n' >"$TESTDIR/latin1.csv"
printf 'GN.7;2021;455;Sophämtning varannan vecka i hela kommunen;;\r\n' | iconv -f UTF-8 -t WINDOWS-1252 >>"$TESTDIR/latin1.csv"
printf 'GN.7;2022;431,5;\xd6kad utsortering av matavfall p\xe5 \xe5tervinningscentralen;;\r\n' >>"$TESTDIR/latin1.csv"
printf 'GN.11;2021;30,5;K\xe4lla: kostenhetens ink\xf6psstatistik;;\r\n' >>"$TESTDIR/latin1.csv"
printf 'GN.11;2022;38,25;"M\xe5ltidsservice; \xe4ven f\xf6rskolor";;\r\n' >>"$TESTDIR/latin1.csv"
printf 'GN.10a;2022;1\xa0234,5;;;\r\n' >>"$TESTDIR/latin1.csv"
out=$(ek a indicators import "$TESTDIR/latin1.csv")
expect_contains "Windows-1252 import" "2021: 2 values, 2 new, 0 changed: published" "$out"
expect_contains "Windows-1252 import, 2022" "2022: 3 values, 3 new, 0 changed: published" "$out"
expect_contains "the encoding is said" "The file was read as Windows-1252." "$out"
show=$(ek a indicators show --year 2022 --json)
expect_eq "a note with å ä ö intact" "Ökad utsortering av matavfall på återvinningscentralen" \
    "$(echo "$show" | json '.values[] | select(.code == "GN.7") | .note')"
expect_eq "a quoted note with ';'" "Måltidsservice; även förskolor" \
    "$(echo "$show" | json '.values[] | select(.code == "GN.11") | .note')"
expect_eq "a decimal comma" 38.25 "$(echo "$show" | json '.values[] | select(.code == "GN.11") | .value')"
expect_eq "a no-break space between thousands" 1234.5 "$(echo "$show" | json '.values[] | select(.code == "GN.10a") | .value')"
expect_eq "the JSON says the encoding" Windows-1252 \
    "$(ek a indicators import "$TESTDIR/latin1.csv" --dry-run --json | json .encoding)"
ok "a CSV as Swedish Excel saves it is imported, its notes with å ä ö intact"

# Excel's "Unicode text": UTF-16 with its byte order mark, tab-separated
printf 'Kod\tÅr\tVärde\tKommentar\r\nGN.12\t2022\t80\tHåll Sverige Rent, Grön Flagg\r\n' |
    iconv -f UTF-8 -t UTF-16 >"$TESTDIR/unicode.txt"
expect_contains "UTF-16 import" "2022: 1 value, 1 new" "$(ek a indicators import "$TESTDIR/unicode.txt")"
ok "Excel's Unicode text (UTF-16, tabs) is imported"

before=$(ek a status --json | json .entries)
printf 'kod;år;värde;kommentar\r\nGN.7;2020;470;Växjö\r\n' >"$TESTDIR/mixed.csv"
printf 'GN.11;2020;20;V\xe4xj\xf6\r\n' >>"$TESTDIR/mixed.csv"
set +e
out=$(ek a indicators import "$TESTDIR/mixed.csv" 2>&1); rc=$?
set -e
expect_eq "mixed encodings exit" 1 "$rc"
expect_contains "mixed encodings: the line" "mixed.csv:3: the file mixes encodings" "$out"
expect_contains "mixed encodings: what to do" 'save it from Excel as "CSV UTF-8 (kommaavgränsad) (*.csv)"' "$out"
expect_contains "mixed encodings: nothing stored" "nothing was published" "$out"
printf 'GN.7;2020;470;ok\r\nGN.11;2020;20;\x81\r\n' >"$TESTDIR/undefined.csv"
expect_contains "an undefined byte" "undefined.csv:2: the encoding cannot be told: byte 0x81" \
    "$(ek a indicators import "$TESTDIR/undefined.csv" 2>&1 || true)"
expect_eq "nothing stored" "$before" "$(ek a status --json | json .entries)"
ok "a file whose encoding cannot be told is refused with its line and \"save as CSV UTF-8\""

set +e
out=$(ek a indicators export --member Älmhult --out "$TESTDIR/x.xlsx" 2>&1); rc=$?
set -e
expect_eq "a member without values: exit" 1 "$rc"
expect_contains "a member without values" "Älmhult has published no values; nothing was written" "$out"
[ ! -e "$TESTDIR/x.xlsx" ] || fail "a failed export wrote a file"

# --- values at b and c; a correction and a withdrawal at a -------------------------------------
ek b indicators set 2022 GN.7=300 GN.11=45 >/dev/null
ek b indicators set 2023 GN.7=290 >/dev/null
ek c indicators set 2021 GN.7=500 >/dev/null
ek a indicators set 2022 GN.7=420 >/dev/null # corrected: 431,5 was wrong
ek a indicators withdraw 2021 GN.11 >/dev/null
wait_for 20 "b's and c's values at a" sh -c "'$EKONET' --dir '$TESTDIR/a' indicators export --indicator GN.7 --out '$TESTDIR/wait.csv' --force --json | jq -e '.rows == 3' >/dev/null"

# --- export: the member's values, CSV for Swedish Excel ---------------------------------------------
export_sv() { LC_ALL=sv_SE.UTF-8 ek "$@"; }
out=$(export_sv a indicators export --out "$TESTDIR/orebro.csv" --json)
expect_eq "json file" "$TESTDIR/orebro.csv" "$(echo "$out" | json .file)"
expect_eq "json format" csv "$(echo "$out" | json .format)"
expect_eq "json member" Örebro "$(echo "$out" | json .member)"
expect_eq "json rows" 4 "$(echo "$out" | json .rows)"
expect_eq "json years" 2021-2022 "$(echo "$out" | json '"\(.first_year)-\(.last_year)"')"
expect_eq "json bytes" "$(stat -c %s "$TESTDIR/orebro.csv")" "$(echo "$out" | json .bytes)"
expect_eq "a BOM first" efbbbf "$(head -c 3 "$TESTDIR/orebro.csv" | od -An -tx1 | tr -d ' \n')"
printf '\xef\xbb\xbfKod;Indikator;Enhet;2021;2022\r\n%s\r\n%s\r\n%s\r\n%s\r\n' \
    'GN.7;Mängd hushållsavfall;kg/person;455;420' \
    'GN.10a;Energi för tjänsteresor med bil;kWh/årsarbetare;;1234,5' \
    'GN.11;Ekologiska livsmedel;%;;38,25' \
    'GN.12;Certifierade skolor och förskolor;%;;80,0' >"$TESTDIR/orebro.expected"
cmp "$TESTDIR/orebro.expected" "$TESTDIR/orebro.csv" ||
    fail "the CSV, byte for byte: $(od -c "$TESTDIR/orebro.csv" | head -20)"
ok "a member's values as CSV for Excel: BOM, ';', decimal comma, CRLF, natural order, corrections in force"

# --- export: XLSX, read back as Excel would -----------------------------------------------------------
out=$(export_sv a indicators export --out "$TESTDIR/orebro.xlsx")
expect_contains "text output" "Wrote $TESTDIR/orebro.xlsx (Excel workbook): Örebro, 4 indicators, 2021-2022." "$out"
$PY - "$TESTDIR/orebro.xlsx" <<'EOF' || fail "the member's XLSX"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
assert wb.sheetnames == ["Örebro"], wb.sheetnames
rows = [[c.value for c in r] for r in ws.iter_rows()]
assert rows[0] == ["Kod", "Indikator", "Enhet", "2021", "2022"], rows[0]
assert rows[1] == ["GN.7", "Mängd hushållsavfall", "kg/person", 455, 420], rows[1]
assert rows[2] == ["GN.10a", "Energi för tjänsteresor med bil", "kWh/årsarbetare", None, 1234.5], rows[2]
assert rows[3] == ["GN.11", "Ekologiska livsmedel", "%", None, 38.25], rows[3]
assert rows[4][:3] == ["GN.12", "Certifierade skolor och förskolor", "%"] and rows[4][4] == 80, rows[4]
assert all(isinstance(v, (int, float)) for r in rows[1:] for v in r[3:] if v is not None)
assert ws["E2"].number_format == "#,##0", ws["E2"].number_format
assert ws["E4"].number_format == "#,##0.0", ws["E4"].number_format
assert all(c.font.b for c in ws[1]), "the header is bold"
assert ws.freeze_panes == "D2", ws.freeze_panes
assert ws.column_dimensions["B"].width >= len("Energi för tjänsteresor med bil"), ws.column_dimensions["B"].width
EOF
ok "a member's values as XLSX: numbers as numbers with the unit's decimals, a bold frozen header, widths"

# --- export: one indicator across the members, by name ---------------------------------------------
ek a indicators export --indicator GN.7 --out "$TESTDIR/gn7.xlsx" >/dev/null
$PY - "$TESTDIR/gn7.xlsx" <<'EOF' || fail "the indicator's XLSX"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
assert wb.sheetnames == ["GN.7 Household waste"], wb.sheetnames
rows = [[c.value for c in r] for r in ws.iter_rows()]
assert rows[0] == ["Member", "SCB code", "Indicator", "Unit", "2021", "2022", "2023"], rows[0]
# by name, å ä ö after z (Åre, Älmhult, Örebro): not by value, not by bytes
assert [r[0] for r in rows[1:]] == ["Åre", "Älmhult", "Örebro"], [r[0] for r in rows[1:]]
assert rows[1][1:] == ["2321", "GN.7 Household waste", "kg/person", None, 300, 290], rows[1]
assert rows[2][1:] == ["0765", "GN.7 Household waste", "kg/person", 500, None, None], rows[2]
assert rows[3][1:] == ["1880", "GN.7 Household waste", "kg/person", 455, 420, None], rows[3]
assert ws.freeze_panes == "B2", ws.freeze_panes
EOF
export_sv a indicators export --indicator GN.11 --out "$TESTDIR/gn11.csv" >/dev/null
printf '\xef\xbb\xbfMedlem;Kommunkod;Indikator;Enhet;2022\r\n%s\r\n%s\r\n' \
    'Åre;2321;GN.11 Ekologiska livsmedel;%;45,0' \
    'Örebro;1880;GN.11 Ekologiska livsmedel;%;38,25' >"$TESTDIR/gn11.expected"
cmp "$TESTDIR/gn11.expected" "$TESTDIR/gn11.csv" ||
    fail "one indicator across the members, CSV: $(od -c "$TESTDIR/gn11.csv" | head -20)"
wait_for 20 "a's correction at b" sh -c "'$EKONET' --dir '$TESTDIR/b' indicators export --member Örebro --out '$TESTDIR/at-b.csv' --force >/dev/null && grep -q '^GN.7;Household waste;kg/person;455;420' '$TESTDIR/at-b.csv'"
ok "one indicator across the members: by name, never by value; another member's values exported at b"

# --- what a user can get wrong --------------------------------------------------------------------
# expect_error NAME EXIT NEEDLE ARGS...: the export fails with EXIT, says NEEDLE, writes nothing
expect_error() {
    local name=$1 want=$2 needle=$3 rc out
    shift 3
    set +e
    out=$(ek a indicators export "$@" 2>&1); rc=$?
    set -e
    expect_eq "$name: exit" "$want" "$rc"
    expect_contains "$name" "$needle" "$out"
}
expect_error "an unknown member" 1 "finns-inte" --member finns-inte --out "$TESTDIR/x.csv"
expect_error "an unknown code" 1 "GN.99 is not an indicator of the catalogue in force" --indicator GN.99 --out "$TESTDIR/x.csv"
expect_error "a code without values" 1 "no member has published values of GN.5; nothing was written" --indicator GN.5 --out "$TESTDIR/x.csv"
[ ! -e "$TESTDIR/x.csv" ] && [ ! -e "$TESTDIR/x.xlsx" ] || fail "a failed export wrote a file"
expect_error "a directory that does not exist" 1 "cannot write $TESTDIR/no/such/dir/x.csv: $TESTDIR/no/such/dir: No such file or directory" --out "$TESTDIR/no/such/dir/x.csv"
mkdir "$TESTDIR/adir"
expect_error "a directory" 1 "$TESTDIR/adir is a directory" --out "$TESTDIR/adir" --force
expect_error "an existing file" 1 "$TESTDIR/orebro.csv exists; give --force to replace it" --out "$TESTDIR/orebro.csv"
cmp "$TESTDIR/orebro.expected" "$TESTDIR/orebro.csv" || fail "the existing file was touched"
ek a indicators export --out "$TESTDIR/gn11.csv" --force >/dev/null
expect_contains "--force replaces it" "GN.7;Household waste" "$(cat "$TESTDIR/gn11.csv")"
expect_error "a bad --format" 2 "--format must be csv or xlsx" --out "$TESTDIR/x.csv" --format ods
expect_error "an extension that says nothing" 2 "cannot tell the format from the name $TESTDIR/x.ods: give --format csv or xlsx" --out "$TESTDIR/x.ods"
expect_error "no --out" 2 "give the file to write: --out FILE" --member Örebro
expect_error "both --member and --indicator" 2 "give --member or --indicator, not both" --member Åre --indicator GN.7 --out "$TESTDIR/x.csv"
ls "$TESTDIR"/*.tmp* 2>/dev/null && fail "a temporary file was left"
ok "export's errors: unknown member or code, no values, unwritable or existing file, bad format"

for n in a b c; do node_stop $n; done
