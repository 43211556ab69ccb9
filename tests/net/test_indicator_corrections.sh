#!/usr/bin/env bash
# Corrections of indicator values on two nodes: a value corrected, a value withdrawn and a year
# withdrawn at a are what b's trend, snapshot and examples show, and b's trend --history shows
# every version; values outside the catalogue's range are refused with the range named unless
# forced, and forced ones are marked at both nodes; a year not begun is refused, this year's
# values are preliminary; a board catalogue revision brings its own ranges.
. "$(dirname "$0")/lib.sh"

board_found "Sveriges Ekokommuner"
node_init a 1980   # Västerås
node_init b 0180   # Stockholm
network_first a
network_join a b
for n in a b; do tune $n digest_interval 1; done
node_stop a
for n in a b; do node_start $n; done
A=$(node_id a)
Y=$(date -u +%Y)

# refused: COMMAND... runs at a, must exit with 1 and publish nothing; prints what it said.
refused() {
    local before out rc
    before=$(ek a status --json | json .own_seq)
    set +e
    out=$(ek a "$@" 2>&1); rc=$?
    set -e
    [ "$rc" = 1 ] || fail "ekonet $*: exit $rc, not 1: $out"
    expect_eq "nothing published by: ekonet $*" "$before" "$(ek a status --json | json .own_seq)"
    echo "$out"
}

# --- the catalogue's ranges, and what is refused -----------------------------------------------
expect_eq "GN.7's range" "0 1500" "$(ek b indicators catalogue --json | json '.indicators[] | select(.code == "GN.7") | "\(.min) \(.max)"')"
expect_contains "ranges in the table" "0 to 100" "$(ek b indicators catalogue)"
out=$(refused indicators set 2021 GN.7=1e9)
expect_contains "out of range" "GN.7 is in kg/person: 0 to 1500; 1000000000 is outside. Use --force if it is right; nothing was published" "$out"
expect_contains "out of range" "nothing was published" "$out"
out=$(refused indicators set 2021 GN.7=400 GN.11=150)
expect_contains "a share" "GN.11 is a share in per cent: 0 to 100; 150 is outside" "$out"
out=$(refused indicators set "$((Y + 1))" GN.7=400 --force)
expect_contains "a year not begun" "$((Y + 1)) has not begun: values are published for $Y and the years before" "$out"
printf 'code;year;value\nGN.7;2019;480\nGN.11;2019;150\n' >"$TESTDIR/big.csv"
out=$(refused indicators import "$TESTDIR/big.csv")
expect_contains "an import names the line" "big.csv:3: GN.11 is a share in per cent: 0 to 100; 150 is outside. Use --force" "$out"
out=$(refused indicators withdraw 2021)
expect_contains "nothing to withdraw" "this node has no values for 2021 to withdraw (it has published none)" "$out"
set +e
out=$(ek a indicators withdraw 2021x 2>&1); rc=$?
set -e
expect_eq "a bad year is a usage error" 2 "$rc"
expect_contains "a bad year" "the year must be between 1990 and 2100" "$out"
ok "values outside the range, years not begun and withdrawals of nothing are refused with what to do"

# --- values, corrections, withdrawals at a ------------------------------------------------------
ek a indicators import "$TESTDIR/big.csv" --force --json >"$TESTDIR/import.json"
expect_eq "forced on import" 1 "$(json '.years[0].forced' <"$TESTDIR/import.json")"
ek a indicators set 2020 GN.7=470 GN.11=25 >/dev/null
ek a indicators set 2021 GN.7=455 GN.11=30 >/dev/null
out=$(ek a indicators set "$Y" GN.7=400)
expect_contains "this year" "$Y: 1 value, 1 new, 0 changed: published (preliminary: the year is not over)" "$out"
ek b indicators set 2021 GN.7=390 GN.11=55 >/dev/null
expect_contains "a correction" "2021: 1 value, 0 new, 1 changed: published" "$(ek a indicators set 2021 GN.7=450)"
expect_contains "a forced value" "1 forced: published" "$(ek a indicators set 2021 GN.7=1600 --force)"
ek a indicators set 2021 GN.7=450 >/dev/null # and back
out=$(refused indicators withdraw 2021 GN.4)
expect_contains "no such value" "GN.4 has no value for 2021 here (its values: GN.11, GN.7); nothing was published" "$out"
expect_contains "a value withdrawn" "Published the withdrawal of GN.11 for 2021" "$(ek a indicators withdraw 2021 GN.11)"
expect_contains "a year withdrawn" "Published the withdrawal of every value for 2020" "$(ek a indicators withdraw 2020)"
seq=$(ek a status --json | json .own_seq)
ok "a corrects a value, withdraws a value and a year, forces one"

# --- at b: the corrections are in force, the history kept --------------------------------------------
wait_for 20 "a's corrections at b" has_head b "$A" "$seq"
t=$(ek b indicators trend --member 1980 GN.7 --json)
expect_eq "GN.7 years" "2019,2021,$Y" "$(echo "$t" | json '[.indicators[0].points[].year] | join(",")')"
expect_eq "GN.7 values" "480,450,400" "$(echo "$t" | json '[.indicators[0].points[].value] | join(",")')"
expect_eq "this year is preliminary" "false,false,true" "$(echo "$t" | json '[.indicators[0].points[].preliminary] | join(",")')"
t=$(ek b indicators trend --member 1980 GN.11 --json)
expect_eq "GN.11: 2021 withdrawn" "2019" "$(echo "$t" | json '[.indicators[0].points[].year] | join(",")')"
expect_eq "GN.11 2019 forced" "true" "$(echo "$t" | json '.indicators[0].points[0].forced')"
out=$(ek b indicators trend --member 1980)
expect_contains "forced in the trend" "150" "$out"
expect_contains "forced in the trend" "forced" "$out"
expect_contains "preliminary in the trend" "preliminary" "$out"
expect_eq "2020 withdrawn" "2019,2021,$Y" "$(ek b indicators show --member 1980 --json | json '.years | map(tostring) | join(",")')"
expect_contains "2020 withdrawn" "has no snapshot for that year" "$(ek b indicators show --member 1980 --year 2020)"
expect_eq "2021 without GN.11" "GN.7=450" "$(ek b indicators show --member 1980 --year 2021 --json | json '[.values[] | "\(.code)=\(.value)"] | join(",")')"
expect_eq "forced in the snapshot" "true" "$(ek b indicators show --member 1980 --year 2019 --json | json '.values[] | select(.code == "GN.11") | .forced')"
expect_contains "preliminary in the snapshot" "$Y (preliminary" "$(ek b indicators show --member 1980)"
# the network's context counts a member's values as last corrected: 2021 GN.11 is b's alone
t=$(ek b indicators trend GN.11 GN.7 --json)
expect_eq "the network without a's withdrawn value" "GN.7 2,GN.11 1" "$(echo "$t" | json '[.indicators[] | "\(.code) \(.network[] | select(.year == 2021) | .members)"] | join(",")')"
ok "b's trend and snapshots show a's corrections and withdrawals, forced and preliminary values marked"

h=$(ek b indicators trend --member 1980 --history --json)
expect_eq "GN.7 2021 history" "published 455 false,corrected 450 false,corrected 1600 true,corrected 450 false" \
    "$(echo "$h" | json '[.indicators[] | select(.code == "GN.7") | .history[] | select(.year == 2021) | "\(.action) \(.value) \(.forced)"] | join(",")')"
expect_eq "GN.7 2020 history" "published 470,withdrawn null" \
    "$(echo "$h" | json '[.indicators[] | select(.code == "GN.7") | .history[] | select(.year == 2020) | "\(.action) \(.value)"] | join(",")')"
expect_eq "GN.11 2021 history" "published 30,withdrawn null" \
    "$(echo "$h" | json '[.indicators[] | select(.code == "GN.11") | .history[] | select(.year == 2021) | "\(.action) \(.value)"] | join(",")')"
expect_eq "a version's time" "true" "$(echo "$h" | json '.indicators[0].history[0].timestamp_ms > 0 and (.indicators[0].history[0].time | endswith("Z"))')"
out=$(ek b indicators trend --member 1980 GN.7 --history)
expect_contains "history in text" "history:" "$out"
expect_contains "history in text" "withdrawn" "$out"
expect_contains "history in text" "1600  corrected" "$out"
expect_eq "without --history, no history" none "$(ek b indicators trend --member 1980 GN.7 --json | json '.indicators[0].history // "none"')"
ok "b's trend --history shows every version: when, corrected, withdrawn, forced"

ex=$(ek b indicators examples GN.7 --json)
expect_eq "the correction in the examples" "$Y 400 true" "$(echo "$ex" | json '.best_value[] | select(.name == "Västerås") | "\(.year) \(.value) \(.preliminary)"')"
ex=$(ek b indicators examples GN.11 --json)
expect_eq "the withdrawal in the examples" "2019 150 true" "$(echo "$ex" | json '.best_value[] | select(.name == "Västerås") | "\(.year) \(.value) \(.forced)"')"
expect_contains "forced in the examples" "(forced)" "$(ek b indicators examples GN.11)"
ok "b's examples use a's corrections and mark forced and preliminary values"

# --- a board catalogue revision brings its own ranges -------------------------------------------
cat >"$TESTDIR/cat.csv" <<'EOF'
code,name_sv,name_en,unit,better,source,min,max
GN.7,Mängd hushållsavfall,Household waste,kg/person,lower,Avfall Sverige,50,1000
GN.11,Ekologiska livsmedel,Organic food in municipal kitchens,%,higher,Ekomatcentrum,,
EOF
ek a board catalogue "$TESTDIR/cat.csv" --revision 2027 --out "$TESTDIR/cat.ekp" 2>/dev/null
board_sign "$TESTDIR/cat.ekp" b1 b2
ek a board publish "$TESTDIR/cat.ekp" >/dev/null
wait_for 20 "the catalogue at b" sh -c "[ \$('$EKONET' --dir '$TESTDIR/b' indicators catalogue --json | jq -r .revision) = 2027 ]"
expect_eq "the board's range" "50 1000" "$(ek b indicators catalogue --json | json '.indicators[] | select(.code == "GN.7") | "\(.min) \(.max)"')"
expect_eq "a share's default" "0 100" "$(ek b indicators catalogue --json | json '.indicators[] | select(.code == "GN.11") | "\(.min) \(.max)"')"
out=$(ek b indicators set 2022 GN.7=1200 2>&1 || true)
expect_contains "the board's range refuses" "GN.7 is in kg/person: 50 to 1000; 1200 is outside" "$out"
ek b indicators set 2022 GN.7=20 --force >/dev/null
expect_eq "forced at b" true "$(ek b indicators show --year 2022 --json | json '.values[0].forced')"
ok "a board catalogue revision's ranges are checked at every member"

for n in a b; do node_stop $n; done
