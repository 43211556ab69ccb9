#!/usr/bin/env bash
# Charts and numbers as people read them, on six nodes: a (Västerås) follows its own trend;
# b-f publish every year, so that the network's median and middle half are there for
# context. The trend is rounded to each unit's decimals, with a decimal comma in Swedish,
# codes in natural order, gaps marked and changes over the years they span; JSON has no
# float noise. Each SVG chart is opened in headless Chromium (tests/browser/check_svg.py):
# point markers, a proportional time axis, one value as a point, names and directions in
# one language, the band; the PNGs are kept in $EKONET_ARTEFACTS/charts. Good examples at a
# show a few other members with contact person and reports, a apart, never all in order.
. "$(dirname "$0")/lib.sh"

ART=${EKONET_ARTEFACTS:-$PWD/artefacts}/charts
mkdir -p "$ART"
CHECK=(/usr/bin/python3 "$(cd "$(dirname "$0")/.." && pwd)/browser/check_svg.py")
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] ||
    fail "chromium and chromium-driver are not installed (scripts/deps.sh installs them)"
/usr/bin/python3 -c "import selenium" 2>/dev/null ||
    fail "python3-selenium is not installed (scripts/deps.sh installs it)"

board_found "Sveriges Ekokommuner"
node_init a 1980 # Västerås
node_init b 0180 # Stockholm
node_init c 1480 # Göteborg
node_init d 1280 # Malmö
node_init e 0380 # Uppsala
node_init f 0580 # Linköping
network_first a
for n in b c d e f; do network_join a $n; done
for n in a b c d e f; do tune $n digest_interval 1; done
node_stop a
for n in a b c d e f; do node_start $n; done

# --- values: a with gaps, b-f every year (member i: 10i + i a year from 2019) ---------------
ek a indicators set 2019 GN.11=22,5 GN.7=480,1 >/dev/null
ek a indicators set 2021 GN.11=30 GN.7=412,3 >/dev/null
ek a indicators set 2023 GN.11=38,5 GN.2=380 >/dev/null
ek a indicators set 2015 GN.10a=1200 >/dev/null
ek a indicators set 2016 GN.10a=1100 >/dev/null
ek a indicators set 2023 GN.10a=700 >/dev/null
i=0
for n in b c d e f; do
    i=$((i + 1))
    for y in 2019 2020 2021 2022 2023; do
        ek $n indicators set $y GN.11=$((10 * i + (y - 2019) * i)) >/dev/null
    done
done
ek f report add --title "Ekologiskt i skolköken" --summary "Så nådde vi 70 procent" \
    --indicator GN.11 --topic livsmedel >/dev/null
for n in b c d e f; do
    code=$(ek $n status --json | json .code)
    wait_for 30 "$n's values at a" sh -c "'$EKONET' --dir '$TESTDIR/a' indicators show --member $code --year 2023 --json | jq -e '.values | length == 1' >/dev/null"
done
wait_for 30 "f's report at a" sh -c "'$EKONET' --dir '$TESTDIR/a' report list --indicator GN.11 --json | jq -e '.total > 0' >/dev/null"
ok "six members publish values; a holds them all"

# --- numbers as people read them ------------------------------------------------------------
t=$(LC_ALL=C ek a indicators trend)
expect_eq "natural order of codes" "GN.2 GN.7 GN.10a GN.11" \
    "$(echo "$t" | sed -n 's/^Västerås: \(GN\.[0-9a-z]*\) .*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
expect_contains "kg/person without decimals" "2021        412  -68 over 2 years (-33.9 a year), better" "$t"
expect_contains "a gap marked" "2020          -  no value" "$t"
expect_contains "a longer gap marked" "2017-2022  no values" "$t"
expect_contains "one decimal for a share" "2023       38.5  +8.5 over 2 years (+4.25 a year), better" "$t"
expect_contains "the whole span" "2019-2023: +16.0 over 4 years (+4.00 a year), +71.1 %, better" "$t"
expect_contains "English direction" "(%; higher is better)" "$t"
expect_contains "English name" "Organic food in municipal kitchens" "$t"
expect_contains "the network beside" "[network median: 26.3 (20.6–37.5), 6 members]" "$(LC_ALL=C ek a indicators trend GN.11 | grep '^  2019')"
sv=$(LANG=sv_SE.UTF-8 LC_ALL= ek a indicators trend GN.11)
expect_contains "decimal comma in Swedish" "2023       38,5  +8,5 på 2 år (+4,25 per år), bättre" "$sv"
expect_contains "Swedish name and direction" "Västerås: GN.11 Ekologiska livsmedel (%; högre är bättre)" "$sv"
case "$sv" in *"higher is better"* | *"Organic food"*) fail "Swedish trend has English words: $sv" ;; esac
mixed=$(LANG=C LC_NUMERIC=sv_SE.UTF-8 LC_ALL= ek a indicators trend GN.11)
expect_contains "numbers by LC_NUMERIC, words by LANG" "2023       38,5  +8,5 over 2 years" "$mixed"
j=$(LANG=sv_SE.UTF-8 ek a indicators trend GN.7 GN.11 --json)
expect_eq "JSON without float noise" "-67.8" "$(echo "$j" | jq -c '.indicators[] | select(.code == "GN.7") | .points[1].change')"
expect_eq "JSON: change over the real span" "2,-33.9,1" "$(echo "$j" | jq -r '.indicators[] | select(.code == "GN.7") | .points[1] | "\(.years),\(.change_per_year),\(.missing_before)"')"
expect_eq "JSON: gaps" "[2020,2022]" "$(echo "$j" | jq -c '.indicators[] | select(.code == "GN.11") | .missing_years')"
expect_eq "JSON: points carry a point in every locale" "38.5" "$(echo "$j" | jq -c '.indicators[] | select(.code == "GN.11") | .points[2].value')"
expect_eq "JSON: the network's 2020 from b-f" '{"year":2020,"members":5,"q1":22,"median":33,"q3":44}' \
    "$(echo "$j" | jq -c '.indicators[] | select(.code == "GN.11") | .network[] | select(.year == 2020)')"
expect_eq "JSON: the network's 2019 with a" '{"year":2019,"members":6,"q1":20.63,"median":26.25,"q3":37.5}' \
    "$(echo "$j" | jq -c '.indicators[] | select(.code == "GN.11") | .network[] | select(.year == 2019)')"
expect_eq "JSON: too few for a band" '{"year":2021,"members":1}' \
    "$(echo "$j" | jq -c '.indicators[] | select(.code == "GN.7") | .network[-1]')"
expect_eq "natural order in show" "GN.2,GN.10a,GN.11" "$(ek a indicators show --year 2023 --json | jq -r '[.values[].code] | join(",")')"
expect_eq "natural order in the catalogue" "GN.9,GN.10a" "$(ek a indicators catalogue --json | jq -r '[.indicators[].code] | map(select(. == "GN.9" or . == "GN.10a")) | join(",")')"
set +e
out=$(ek a indicators trend GN.99 2>&1); rc=$?
set -e
expect_eq "an unknown code exit" 1 "$rc"
expect_contains "an unknown code" "GN.99 is not an indicator of the catalogue in force" "$out"
expect_contains "a code without values" "Västerås has published no values for GN.4." "$(ek a indicators trend GN.11 GN.4)"
ok "values rounded to their unit, a decimal comma in Swedish, codes in natural order, gaps and spans, no float noise"

# --- the charts in a browser ----------------------------------------------------------------
LC_ALL=C ek a indicators trend GN.11 --svg "$TESTDIR/gn11-en.svg" >/dev/null
"${CHECK[@]}" "$TESTDIR/gn11-en.svg" "$ART/gn11-en.png" --points 3 --band --proportional \
    --text "Västerås: GN.11 Organic food in municipal kitchens" --text "higher is better" \
    --text "network: middle half" --text "38.5" --no-text "högre" --no-text "Stockholm"
LANG=sv_SE.UTF-8 LC_ALL= ek a indicators trend GN.11 --svg "$TESTDIR/gn11-sv.svg" >/dev/null
"${CHECK[@]}" "$TESTDIR/gn11-sv.svg" "$ART/gn11-sv.png" --points 3 --band \
    --text "Västerås: GN.11 Ekologiska livsmedel" --text "högre är bättre" --text "38,5" \
    --text "nätverket: mittersta hälften" --no-text "higher is better" --no-text "Organic"
LC_ALL=C ek a indicators trend GN.10a --svg "$TESTDIR/gn10a.svg" >/dev/null
"${CHECK[@]}" "$TESTDIR/gn10a.svg" "$ART/gn10a-proportional.png" --points 3 --proportional \
    --no-band --text "years without a value" --text "2015" --text "2023"
LC_ALL=C ek a indicators trend GN.2 --svg "$TESTDIR/gn2.svg" >/dev/null
"${CHECK[@]}" "$TESTDIR/gn2.svg" "$ART/gn2-one-value.png" --points 1 --no-band --text "380" \
    --text "340" --text "420" --no-text "381"
LC_ALL=C ek a indicators trend --svg "$TESTDIR/all.svg" >/dev/null
"${CHECK[@]}" "$TESTDIR/all.svg" "$ART/all.png" --points 1,2,3,3
cp "$TESTDIR"/*.svg "$ART/"
ok "SVG charts render in Chromium: points, proportional years, one value as a point, one language, the band"

# --- the terminal chart -----------------------------------------------------------------------
t=$(LC_ALL=C ek a indicators trend GN.11)
expect_eq "three point markers" 3 "$(echo "$t" | grep -o '●' | wc -l | awk '{ print $1 - 1 }')"
expect_contains "the band" "░" "$t"
expect_contains "the legend" "░ network: middle half   ─ network median" "$t"
ok "the terminal chart has a point a value and the network's band"

# --- good examples ------------------------------------------------------------------------------
ex=$(ek a indicators examples GN.11 --json)
expect_eq "strongest level: a few, not all" "Linköping,Uppsala" "$(echo "$ex" | json '[.best_value[].name] | join(",")')"
expect_eq "biggest improvement" "Linköping,Uppsala" "$(echo "$ex" | json '[.best_change[].name] | join(",")')"
expect_eq "the contact person" "Tjänsteman i f" "$(echo "$ex" | json '.best_value[0].contact.name')"
expect_eq "the report on the indicator" "Ekologiskt i skolköken" "$(echo "$ex" | json '.best_value[0].reports[0].title')"
expect_eq "you apart" "Västerås,38.5,16" "$(echo "$ex" | json '.you | "\(.name),\(.value),\(.change)"')"
expect_eq "you in no list" 0 "$(echo "$ex" | json '[.best_value[], .best_change[] | select(.name == "Västerås")] | length')"
expect_eq "members" 6 "$(echo "$ex" | json .members)"
ex=$(LC_ALL=C ek a indicators examples GN.11)
expect_contains "a report in the text" "Ekologiskt i skolköken" "$ex"
expect_contains "whom to ask" "ask: Tjänsteman i f" "$ex"
expect_contains "you" "You: Västerås (1980), 2023: 38.5 %; +16.0 since 2019 (+4.00 a year)." "$ex"
case "$ex" in *"Göteborg"*) fail "examples list the whole network: $ex" ;; esac
expect_eq "--limit cannot make a league table" 2 "$(ek a indicators examples GN.11 --limit 10 --json | json '.best_value | length')"
set +e
out=$(ek a indicators examples GN.11 --limit 11 2>&1); rc=$?
set -e
expect_eq "--limit 11 exit" 2 "$rc"
expect_contains "--limit 11" "--limit is at most 10" "$out"
expect_contains "b is its own you" "You: Stockholm (0180), 2023: 14.0 %" "$(LC_ALL=C ek b indicators examples GN.11 --years 4)"
ok "examples: a few others with contact and reports, this node apart, never all in order"

for n in a b c d e f; do node_stop $n; done
