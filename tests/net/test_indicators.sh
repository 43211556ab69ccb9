#!/usr/bin/env bash
# Indicators on three nodes: snapshots published at a appear in trends and examples at c,
# ordered by each indicator's direction; imports from CSV and Kolada JSON, bad files refused
# with line numbers and nothing stored; a board catalogue revision replaces the default.
. "$(dirname "$0")/lib.sh"

board_found "Sveriges Ekokommuner"
node_init a 1980   # Västerås
node_init b 0180   # Stockholm
node_init c 1480   # Göteborg
network_first a
network_join a b
network_join a c
for n in a b c; do tune $n digest_interval 1; done
node_stop a
for n in a b c; do node_start $n; done

# --- the default catalogue -------------------------------------------------------------------
expect_eq "default revision" default "$(ek c indicators catalogue --json | json .revision)"
expect_eq "GN.7 direction" lower "$(ek c indicators catalogue --json | json '.indicators[] | select(.code == "GN.7") | .better')"
ok "the default catalogue is in force until the board publishes one"

# --- snapshots at a, b; trend and examples at c --------------------------------------------------
ek a indicators set 2019 GN.7=480 GN.11=22,5 >/dev/null
ek a indicators set 2021 GN.7=455 GN.11=30 >/dev/null
ek a indicators set 2023 GN.7=412 GN.11=38,5 --note "GN.7=ny mätmetod" >/dev/null
ek b indicators set 2019 GN.7=390 GN.11=55 >/dev/null
ek b indicators set 2023 GN.7=400 GN.11=60 >/dev/null
ek a indicators set 2023 GN.12=80 >/dev/null   # a value more for 2023: the rest stays
wait_for 20 "a's snapshots at c" sh -c "'$EKONET' --dir '$TESTDIR/c' indicators show --member 1980 --json | jq -e '.values | length == 3' >/dev/null"
wait_for 20 "b's snapshots at c" sh -c "'$EKONET' --dir '$TESTDIR/c' indicators show --member 0180 --json | jq -e '.years | length == 2' >/dev/null"
t=$(ek c indicators trend --member 1980 GN.7 --json)
expect_eq "trend years" "2019,2021,2023" "$(echo "$t" | json '[.indicators[0].points[].year] | join(",")')"
expect_eq "trend change" -68 "$(echo "$t" | json '.indicators[0].change_total')"
expect_eq "lower is better" better "$(echo "$t" | json '.indicators[0].judgement')"
expect_eq "year on year" better "$(echo "$t" | json '.indicators[0].points[2].judgement')"
expect_contains "the note" "ny mätmetod" "$(ek c indicators show --member Västerås --year 2023)"
expect_contains "a chart" "●" "$(ek c indicators trend --member 1980 GN.11)"
ek c indicators trend --member 1980 --svg "$TESTDIR/trend.svg" >/dev/null
grep -q '<circle class="point"' "$TESTDIR/trend.svg" || fail "no chart in the SVG"
ok "snapshots published at a appear in its trend at c, with changes judged by direction and a chart"

ex=$(ek c indicators examples GN.7 --json)
expect_eq "GN.7 best value (lower is better), one of two" "Stockholm" "$(echo "$ex" | json '[.best_value[].name] | join(",")')"
expect_eq "GN.7 most improved" "Västerås" "$(echo "$ex" | json '[.best_change[].name] | join(",")')"
ex=$(ek c indicators examples GN.11 --json)
expect_eq "GN.11 best value (higher is better)" "Stockholm" "$(echo "$ex" | json '[.best_value[].name] | join(",")')"
expect_eq "GN.11 most improved" "Västerås" "$(echo "$ex" | json '[.best_change[].name] | join(",")')"
expect_eq "c has no value of its own" null "$(echo "$ex" | json '.you')"
expect_eq "whom to ask" official "$(echo "$ex" | json '.best_value[0].ask_role')"
expect_contains "how to ask" "ekonet contact request" "$(ek c indicators examples GN.11)"
set +e
out=$(ek c indicators examples GN.7 GN.11 2>&1); rc=$?
set -e
expect_eq "no ranking across indicators" 2 "$rc"
expect_contains "no ranking across indicators" "one indicator at a time" "$out"
expect_contains "c has no value" "You: no value of GN.11 published yet" "$(ek c indicators examples GN.11)"
ok "examples follow each indicator's direction, one indicator at a time, half of the members at most"

# --- imports ---------------------------------------------------------------------------------------
before=$(ek a status --json | json .entries)
printf 'code;year;value;note\nGN.7;2020;470,5;\nGN.4;2020;1 234,5;fel\n' >"$TESTDIR/bad.csv"
set +e
out=$(ek a indicators import "$TESTDIR/bad.csv" 2>&1); rc=$?
set -e
expect_eq "bad CSV exit" 1 "$rc"
expect_contains "bad CSV names the line" "bad.csv:3: GN.4" "$out"
expect_contains "bad CSV says nothing was stored" "nothing was published" "$out"
printf 'GN.7,2020,abc\n' >"$TESTDIR/bad2.csv"
expect_contains "not a number" "bad2.csv:1: \"abc\" is not a number" "$(ek a indicators import "$TESTDIR/bad2.csv" 2>&1 || true)"
printf 'GN.99,2020,1\n' >"$TESTDIR/bad3.csv"
expect_contains "unknown code" "GN.99 is not an indicator" "$(ek a indicators import "$TESTDIR/bad3.csv" 2>&1 || true)"
printf 'GN.7,2020,-5\n' >"$TESTDIR/bad4.csv"
expect_contains "negative" "GN.7 is in kg/person: 0 to 1500; -5 is outside" "$(ek a indicators import "$TESTDIR/bad4.csv" 2>&1 || true)"
expect_eq "nothing stored" "$before" "$(ek a status --json | json .entries)"

printf 'code,year,value\nGN.7,2020,"470,5"\nGN.11,2020,33\n' >"$TESTDIR/good.csv"
expect_contains "CSV import" "2020: 2 values, 2 new, 0 changed: published" "$(ek a indicators import "$TESTDIR/good.csv")"
cat >"$TESTDIR/kolada.json" <<'EOF'
{"values": [
  {"kpi": "N15428", "municipality": "1980", "period": 2022,
   "values": [{"count": 1, "gender": "T", "status": "", "value": 431.0},
              {"count": 1, "gender": "K", "status": "", "value": 1.0}]},
  {"kpi": "N15428", "municipality": "1980", "period": "2018",
   "values": [{"count": 1, "gender": "T", "status": "", "value": null}]},
  {"kpi": "N15428", "municipality": "0180", "period": 2022,
   "values": [{"count": 1, "gender": "T", "status": "", "value": 300}]}],
 "count": 3, "next_page": null}
EOF
set +e
out=$(ek a indicators import "$TESTDIR/kolada.json" 2>&1); rc=$?
set -e
expect_eq "unmapped KPI exit" 1 "$rc"
expect_contains "unmapped KPI" "--map N15428=CODE" "$out"
out=$(ek a indicators import "$TESTDIR/kolada.json" --map N15428=GN.7)
expect_contains "Kolada import" "2022: 1 value, 1 new" "$out"
expect_contains "nulls reported" "1 null value was skipped (for example N15428 2018)" "$out"
expect_contains "others skipped" "1 row of other municipalities skipped" "$out"
printf '{"values": [\n  {"kpi": "N15428",\n  oops\n]}\n' >"$TESTDIR/broken.json"
expect_contains "broken JSON" "broken.json:3: the JSON does not parse" "$(ek a indicators import "$TESTDIR/broken.json" --map N15428=GN.7 2>&1 || true)"
wait_for 20 "imports at c" sh -c "'$EKONET' --dir '$TESTDIR/c' indicators trend --member 1980 GN.7 --json | jq -e '.indicators[0].points | length == 5' >/dev/null"
ok "CSV and Kolada imports publish a snapshot a year; bad files name the line and store nothing"

# --- Kolada's paged answers, the KPI table, gender --------------------------------------------------
# An answer of 3 pages (2 rows a page, count 5) for U07801, Kolada's household waste: GN.7 by the
# shipped KPI table (share/kolada-kpi.csv), so no --map. Saved as Kolada serves the pages.
answer=http://api.kolada.se/v2/data/kpi/U07801/year/2015,2016,2017,2018
kolada_page() { # kolada_page N ROWS: page N of 3 in $TESTDIR/pageN.json
    local next=null prev=null
    [ "$1" -lt 3 ] && next="\"$answer?page=$(($1 + 1))&per_page=2\""
    [ "$1" -gt 1 ] && prev="\"$answer?page=$(($1 - 1))&per_page=2\""
    printf '{"count": 5, "values": [%s],\n "next_page": %s, "previous_page": %s}\n' "$2" "$next" "$prev" >"$TESTDIR/page$1.json"
}
row() { printf '{"kpi": "U07801", "municipality": "%s", "period": %s, "values": [%s]}' "$1" "$2" "$3"; }
kolada_page 1 "$(row 1980 2015 '{"count": 1, "gender": "T", "status": "", "value": 505}, {"count": 1, "gender": "K", "status": "", "value": 1}'), $(row 1980 '"2016"' '{"gender": "T", "value": 498}')"
kolada_page 2 "$(row 1980 2017 '{"gender": "T", "value": 490}'), $(row 0180 2017 '{"gender": "T", "value": 300}')"
kolada_page 3 "$(row 1980 2018 '{"gender": "T", "value": 480}')"
cd "$TESTDIR"
before=$(ek a status --json | json .entries)
set +e
out=$(ek a indicators import page1.json 2>&1); rc=$?
set -e
expect_eq "a missing page exit" 1 "$rc"
expect_contains "the missing pages named" "ekonet: page1.json is page 1 of 3 of Kolada's answer (count 5; 2 rows here): pages 2 and 3 were not given.
Save each page (its next_page address) and import them together: ekonet indicators import page1.json page2.json page3.json; nothing was published" "$out"
expect_contains "page 2 missing" "page1.json and page3.json are pages 1 and 3 of 3 of Kolada's answer (count 5; 3 rows here): page 2 was not given" "$(ek a indicators import page3.json page1.json 2>&1 || true)"
cp page2.json copy.json
expect_contains "a page twice" "page2.json and copy.json are both page 2 of Kolada's answer: give each page once" "$(ek a indicators import page1.json page2.json copy.json page3.json 2>&1 || true)"
expect_contains "pages of two answers" "kolada.json is a whole answer of Kolada (no next_page or previous_page), and page1.json a page of another" "$(ek a indicators import page1.json "$TESTDIR/kolada.json" 2>&1 || true)"
expect_contains "a CSV file alone" "a CSV file is imported on its own: \"good.csv\" is one file too many" "$(ek a indicators import bad.csv good.csv 2>&1 || true)"
expect_eq "nothing stored" "$before" "$(ek a status --json | json .entries)"
ok "a page missing, given twice or of another answer is named, and nothing is published"

dry=$(ek a indicators import page3.json page1.json page2.json --dry-run --json)
expect_eq "pages read" 3 "$(echo "$dry" | json .pages)"
expect_eq "rows read" 5 "$(echo "$dry" | json .rows)"
expect_eq "gender read" T "$(echo "$dry" | json .gender)"
expect_eq "other genders" 1 "$(echo "$dry" | json .other_genders_skipped)"
expect_eq "the KPI table" "U07801 GN.7 4 table" "$(echo "$dry" | json '.kpis[0] | "\(.kpi) \(.code) \(.values) \(.from)"')"
expect_eq "years" "2015,2016,2017,2018" "$(echo "$dry" | json '[.years[].year] | join(",")')"
expect_eq "dry run" false "$(echo "$dry" | json '[.years[].published] | any')"
expect_eq "nothing stored" "$before" "$(ek a status --json | json .entries)"
out=$(ek a indicators import page2.json page3.json page1.json)
expect_contains "pages read" "Read 3 pages of Kolada's answer (5 rows), gender T (the total)" "$out"
expect_contains "KPI read as" "U07801 read as GN.7 (Kolada's KPI table): 4 values" "$out"
expect_contains "gender K skipped" "1 value of gender K skipped: only gender T (the total) is read" "$out"
expect_contains "Stockholm skipped" "1 row of other municipalities skipped" "$out"
expect_contains "published" "2015: 1 value, 1 new, 0 changed: published" "$out"
wait_for 20 "the 3 pages' values at c" sh -c "'$EKONET' --dir '$TESTDIR/c' indicators trend --member 1980 GN.7 --json | jq -e '.indicators[0].points | length == 9' >/dev/null"
expect_eq "2016 from page 1, at c" 498 "$(ek c indicators trend --member 1980 GN.7 --json | json '.indicators[0].points[] | select(.year == 2016) | .value')"
ok "the 3 pages of an answer are imported together, read by the KPI table, and replicate"

# only K and M: nothing to read, and the import says why
cat >km.json <<'EOF2'
{"count": 2, "values": [
  {"kpi": "U07801", "municipality": "1980", "period": 2014,
   "values": [{"gender": "K", "value": 510}, {"gender": "M", "value": 520}]},
  {"kpi": "U07801", "municipality": "1980", "period": 2013,
   "values": [{"gender": "K", "value": 530}, {"gender": "M", "value": 540}]}]}
EOF2
before=$(ek a status --json | json .entries)
set +e
out=$(ek a indicators import km.json 2>&1); rc=$?
set -e
expect_eq "K/M only exit" 1 "$rc"
expect_contains "K/M only" "km.json holds no values for 1980: only gender T (the total) is read, and its 4 values of gender K, M (K: women, M: men) were skipped" "$out"
# a KPI table of one's own (EKONET_KOLADA_KPI): N15428 as GN.7, no --map
printf 'kpi,code,name_sv\nN15428,GN.7,Mängd hushållsavfall\n' >table.csv
out=$(EKONET_KOLADA_KPI=table.csv ek a indicators import kolada.json --dry-run)
expect_contains "a table of one's own" "N15428 read as GN.7 (Kolada's KPI table): 1 value" "$out"
printf 'kpi,code,name_sv\nN15428,GN.7\n' >table.csv
expect_contains "a bad table" "table.csv:2: expected kpi,code,name_sv[,...], found 2 fields" "$(EKONET_KOLADA_KPI=table.csv ek a indicators import kolada.json 2>&1 || true)"
expect_eq "nothing stored" "$before" "$(ek a status --json | json .entries)"
cd - >/dev/null
ok "an answer of only K and M says that gender T is read; a KPI table of one's own is used"

# --- the board's catalogue revision ----------------------------------------------------------------
cat >"$TESTDIR/cat2023.csv" <<'EOF'
code,name_sv,name_en,unit,better,source
GN.1a,Växthusgasutsläpp utanför utsläppshandeln,GHG emissions outside the EU ETS,ton CO2e/inv,lower,Nationella emissionsdatabasen
GN.7,Mängd hushållsavfall,Household waste,kg/person,lower,Avfall Sverige
GN.11,Ekologiska livsmedel,Organic food in municipal kitchens,%,higher,Ekomatcentrum
EOF
ek a board catalogue "$TESTDIR/cat2023.csv" --revision 2023 --out "$TESTDIR/cat.ekp" 2>/dev/null
board_sign "$TESTDIR/cat.ekp" b1 b2
ek a board publish "$TESTDIR/cat.ekp" >/dev/null
for n in a b c; do
    wait_for 20 "the 2023 catalogue at $n" sh -c "[ \$('$EKONET' --dir '$TESTDIR/$n' indicators catalogue --json | jq -r .revision) = 2023 ]"
done
expect_eq "c's catalogue" "GN.1a,GN.7,GN.11" "$(ek c indicators catalogue --json | json '[.indicators[].code] | join(",")')"
set +e
out=$(ek b indicators set 2024 GN.12=90 2>&1); rc=$?
set -e
expect_eq "a code of the old catalogue exit" 1 "$rc"
expect_contains "a code of the old catalogue" "GN.12 is not an indicator of the catalogue in force" "$out"
ok "a board catalogue revision replaces the default at every node"

for n in a b c; do node_stop $n; done
